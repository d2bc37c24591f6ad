package io.turnkit.server.transport;

import java.net.BindException;

/** What a failed bind says, whichever transport made it. */
public final class BindFailure {
    private BindFailure() {
    }

    /**
     * Whether another socket holds the address (EADDRINUSE): NIO throws a {@link BindException}, Netty's epoll and
     * turnkit's own sockets an IOException whose message is the system's ("Address already in use").
     */
    public static boolean isAddressInUse(Throwable cause) {
        return cause instanceof BindException || String.valueOf(cause.getMessage()).contains("in use");
    }
}
