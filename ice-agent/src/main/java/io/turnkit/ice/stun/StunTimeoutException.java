package io.turnkit.ice.stun;

import java.net.SocketTimeoutException;

/** A transaction ended without a response (RFC 8489 §6.2.1: the request timed out). */
public final class StunTimeoutException extends SocketTimeoutException {
    private static final long serialVersionUID = 1L;

    public StunTimeoutException(String message) {
        super(message);
    }
}
