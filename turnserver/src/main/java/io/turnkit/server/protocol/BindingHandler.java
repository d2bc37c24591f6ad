package io.turnkit.server.protocol;

import java.net.InetSocketAddress;

import io.netty.buffer.ByteBuf;
import io.turnkit.server.metrics.ServerCounter;
import io.turnkit.server.metrics.ServerCounters;
import io.turnkit.stun.StunAttributeType;
import io.turnkit.stun.StunClass;
import io.turnkit.stun.StunMessage;
import io.turnkit.stun.StunValidation;

/** Binding requests (RFC 8489 §7.3): the client's address as the server sees it, with no authentication. */
final class BindingHandler {
    private final ResponseWriter responses;
    private final ServerCounters counters;

    BindingHandler(ResponseWriter responses, ServerCounters counters) {
        this.responses = responses;
        this.counters = counters;
    }

    void onBinding(StunMessage request, InetSocketAddress client, StunValidation validation) {
        counters.increment(ServerCounter.BINDING_REQUESTS);
        if (validation == StunValidation.UNKNOWN_COMPREHENSION_REQUIRED) {
            responses.unknownAttributes(request, client, null);
            return;
        }
        // XOR-MAPPED-ADDRESS and nothing more, so a reply is no bigger than it must be.
        ByteBuf response = responses.start(request, StunClass.SUCCESS_RESPONSE);
        responses.encoder().addAddress(StunAttributeType.XOR_MAPPED_ADDRESS, client);
        responses.finishAndSend(response, client, null, ResponseWriter.hasFingerprint(request), false);
    }
}
