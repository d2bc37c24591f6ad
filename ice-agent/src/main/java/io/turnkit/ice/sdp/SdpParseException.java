package io.turnkit.ice.sdp;

/** A line that RFC 8839's grammar refuses; the message names the line's problem. */
public final class SdpParseException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    SdpParseException(String line, String problem) {
        super(problem + ": " + line);
    }
}
