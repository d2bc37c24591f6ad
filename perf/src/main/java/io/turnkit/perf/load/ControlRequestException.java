package io.turnkit.perf.load;

/** A control request (Allocate, Refresh, ChannelBind…) that got an error response, or none in time. */
final class ControlRequestException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ControlRequestException(String message) {
        super(message, null, false, false);
    }
}
