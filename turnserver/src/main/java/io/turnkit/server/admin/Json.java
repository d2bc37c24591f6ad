package io.turnkit.server.admin;

/**
 * A JSON text written by hand (RFC 8259), for the admin API's few small documents: objects and arrays nested
 * through {@link #beginObject()} and {@link #beginArray()}, members by name, strings escaped. Every string
 * here may come from the network (a user name, a client address), so escaping is not optional: quote,
 * backslash and every control character are escaped, and so are {@code <}, {@code >} and {@code &}, so that
 * no text in the document can close a script element the page might put it in.
 */
final class Json {
    private final StringBuilder out = new StringBuilder(256);
    /** Whether the next value at this depth needs a comma before it; one bit per depth, up to 64 levels. */
    private long needsComma;
    private int depth;

    Json beginObject() {
        separate();
        out.append('{');
        enter();
        return this;
    }

    Json endObject() {
        depth--;
        out.append('}');
        return this;
    }

    Json beginArray() {
        separate();
        out.append('[');
        enter();
        return this;
    }

    Json endArray() {
        depth--;
        out.append(']');
        return this;
    }

    /** Starts the member {@code name} of the current object; its value comes next. */
    Json name(String name) {
        separate();
        quote(name);
        out.append(':');
        // The value that follows belongs to this member: no comma before it.
        needsComma &= ~(1L << depth);
        return this;
    }

    Json value(String text) {
        separate();
        if (text == null) {
            out.append("null");
        } else {
            quote(text);
        }
        return this;
    }

    Json value(long number) {
        separate();
        out.append(number);
        return this;
    }

    /** A finite number; NaN or an infinity (no JSON number) is written as null. */
    Json value(double number) {
        separate();
        out.append(Double.isFinite(number) ? Double.toString(number) : "null");
        return this;
    }

    Json value(boolean flag) {
        separate();
        out.append(flag);
        return this;
    }

    Json member(String name, String text) {
        return name(name).value(text);
    }

    Json member(String name, long number) {
        return name(name).value(number);
    }

    Json member(String name, double number) {
        return name(name).value(number);
    }

    Json member(String name, boolean flag) {
        return name(name).value(flag);
    }

    @Override
    public String toString() {
        return out.toString();
    }

    private void enter() {
        depth++;
        needsComma &= ~(1L << depth);
    }

    private void separate() {
        long bit = 1L << depth;
        if ((needsComma & bit) != 0) {
            out.append(',');
        }
        needsComma |= bit;
    }

    private void quote(String text) {
        out.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == 0x2028 || c == 0x2029) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
