package io.turnkit.ice.stun;

import java.io.IOException;

import io.turnkit.stun.StunMethod;

/**
 * The server answered a request with an error response (RFC 8489 §6.3.4): "Allocate refused: 401 Unauthenticated".
 */
public final class ErrorResponseException extends IOException {
    private static final long serialVersionUID = 1L;

    private final int method;
    private final int errorCode;
    private final String reason;

    public ErrorResponseException(int method, int errorCode, String reason) {
        this(method, errorCode, reason, null);
    }

    /** With {@code hint}, a sentence added to the message to say what to do about it. */
    public ErrorResponseException(int method, int errorCode, String reason, String hint) {
        super(StunMethod.name(method) + " refused: " + errorCode + (reason.isEmpty() ? "" : " " + reason)
                + (hint == null ? "" : " (" + hint + ")"));
        this.method = method;
        this.errorCode = errorCode;
        this.reason = reason;
    }

    /**
     * The exception for an error response to a request of {@code method}. RFC 8489 §6.3.4: one without a readable
     * ERROR-CODE fails the transaction all the same; its code is 0.
     */
    public static ErrorResponseException of(int method, StunResponse response) {
        int code = response.errorCode();
        return new ErrorResponseException(method, code, code == 0 ? "error response without ERROR-CODE"
                : response.errorReason());
    }

    /** The refused request's method ({@link StunMethod}). */
    public int method() {
        return method;
    }

    /** The ERROR-CODE, 300..699; 0 when the error response had none usable. */
    public int errorCode() {
        return errorCode;
    }

    /** The reason phrase the server sent. */
    public String reason() {
        return reason;
    }
}
