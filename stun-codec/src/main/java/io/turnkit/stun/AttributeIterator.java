package io.turnkit.stun;

/**
 * Walks the attributes of a well-formed {@link StunMessage} in order, skipping those RFC 8489
 * §14.5/§14.6 says to ignore (after an integrity attribute). Reusable, allocation-free:
 *
 * <pre>{@code
 * for (it.reset(message); it.next(); ) {
 *     switch (it.type()) { ... }
 * }
 * }</pre>
 */
public final class AttributeIterator {
    private StunMessage message;
    private int nextOffset;
    private int end;
    private int attributeOffset = -1;
    private int type = -1;

    /** Starts over on {@code m}; a message not (yet) well-formed has no attributes. */
    public AttributeIterator reset(StunMessage m) {
        message = m;
        end = m.offset() + m.length();
        nextOffset = m.isWellFormed() ? m.offset() + StunMessage.HEADER_LENGTH : end;
        attributeOffset = -1;
        type = -1;
        return this;
    }

    /** Moves to the next attribute; false at the end. */
    public boolean next() {
        while (nextOffset < end) {
            int attr = nextOffset;
            int attrType = message.buffer().getUnsignedShort(attr + StunAttributes.TYPE_OFFSET);
            nextOffset = StunAttributes.next(message.buffer(), attr);
            if (message.isConsidered(attr, attrType)) {
                attributeOffset = attr;
                type = attrType;
                return true;
            }
        }
        attributeOffset = -1;
        type = -1;
        return false;
    }

    public int type() {
        return type;
    }

    /** The absolute index of the attribute's Type field, for the {@link StunAttributes} readers. */
    public int attributeOffset() {
        return attributeOffset;
    }

    public int valueOffset() {
        return StunAttributes.valueOffset(attributeOffset);
    }

    public int valueLength() {
        return StunAttributes.valueLength(message, attributeOffset);
    }
}
