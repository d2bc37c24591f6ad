package io.turnkit.ice.nat;

import java.net.InetSocketAddress;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.turnkit.ice.sim.Host;
import io.turnkit.ice.sim.VirtualUdpSocket;
import io.turnkit.stun.StunAttributeType;
import io.turnkit.stun.StunClass;
import io.turnkit.stun.StunMessage;
import io.turnkit.stun.StunMessageEncoder;
import io.turnkit.stun.StunMessageType;
import io.turnkit.stun.StunMethod;

/**
 * A STUN server on a simulated host (RFC 8489 §14.2): a Binding request is answered with the source it came from,
 * after the NATs on its way, in XOR-MAPPED-ADDRESS. The agents learn their server-reflexive candidates here, not
 * from the real TURN server, which would only see the gateway's stand-in sockets.
 */
final class SimulatedStunServer {
    private final VirtualUdpSocket socket;
    private final StunMessage request = new StunMessage();
    private final StunMessageEncoder encoder = new StunMessageEncoder();
    private final ByteBuf out = Unpooled.buffer();

    SimulatedStunServer(Host host, int port) {
        socket = host.bind(port);
        socket.onReceive((self, from, bytes, nowNanos) -> answer(from, bytes));
    }

    InetSocketAddress address() {
        return socket.localAddress();
    }

    private void answer(InetSocketAddress from, byte[] bytes) {
        request.wrap(Unpooled.wrappedBuffer(bytes), 0, bytes.length).validate();
        if (!request.isWellFormed() || !request.isRequest() || request.method() != StunMethod.BINDING) {
            return;
        }
        out.clear();
        encoder.wrap(out)
                .header(StunMessageType.of(StunMethod.BINDING, StunClass.SUCCESS_RESPONSE), request)
                .addAddress(StunAttributeType.XOR_MAPPED_ADDRESS, from)
                .finish();
        socket.send(from, ByteBufUtil.getBytes(out));
    }
}
