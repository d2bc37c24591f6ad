package io.turnkit.ice.driver;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProtocolException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.turnkit.ice.stun.StreamFrameReader;
import io.turnkit.ice.stun.TransportProtocol;
import io.turnkit.ice.turn.LongTermCredentials;
import io.turnkit.ice.turn.Transmit;
import io.turnkit.ice.turn.TurnSession;

/**
 * One TURN allocation of a {@link DrivenAgent}: its {@link TurnSession} and the connection to the server (a UDP
 * socket, or a TCP or TLS stream cut into frames by {@link StreamFrameReader}), on the agent's event loop. The
 * agent sees the allocation as a relayed socket ({@link io.turnkit.ice.agent.LocalSocket#relayed}); what it sends on
 * it goes to the peer through the server, and what the server relays from a peer comes back to it.
 */
final class TurnRelay {
    /**
     * RFC 8656 §9: the server drops what is sent to a peer without a permission. Datagrams wait for it, up to this
     * many per peer (the checks that wait are retransmitted anyway, RFC 8445 §14.3).
     */
    private static final int MAX_AWAITING_PERMISSION = 16;

    final int socketId;
    /** The component (RFC 8445 §2) whose relayed candidate the allocation is. */
    final int componentId;
    private final DrivenAgent owner;
    private final RelayServer relay;
    private final TurnSession session;
    private final StreamFrameReader frames;
    private final Map<InetAddress, List<OutboundDatagram>> awaitingPermission = new HashMap<>();
    private final Set<InetAddress> permitted = new HashSet<>();
    private final Set<InetSocketAddress> channelRequested = new HashSet<>();
    private Channel channel;
    private boolean settled;

    private record OutboundDatagram(InetSocketAddress peer, byte[] data) {
    }

    TurnRelay(int socketId, int componentId, DrivenAgent owner, RelayServer relay, InetSocketAddress server) {
        this.socketId = socketId;
        this.componentId = componentId;
        this.owner = owner;
        this.relay = relay;
        this.session = new TurnSession(server, relay.transport(),
                new LongTermCredentials(relay.username(), relay.password()), TurnSession.Options.DEFAULTS);
        this.frames = relay.transport().isStream() ? new StreamFrameReader() : null;
    }

    TurnSession session() {
        return session;
    }

    /** Whether the allocation is made or failed: gathering waits for every relay to settle. */
    boolean settled() {
        return settled;
    }

    void settle() {
        settled = true;
    }

    /** Opens the connection to the server; the Allocate request follows once it is up. */
    void open(EventLoop loop) {
        ChannelFuture connected;
        if (relay.transport() == TransportProtocol.UDP) {
            connected = new Bootstrap().group(loop).channel(NettyTransport.datagramChannel())
                    .handler(new SimpleChannelInboundHandler<DatagramPacket>() {
                        @Override
                        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
                            received(packet.sender(), packet.content());
                        }
                    })
                    .bind(new InetSocketAddress(session.server().getAddress() instanceof Inet4Address
                            ? "0.0.0.0" : "::", 0));
        } else {
            SslContext tls = relay.transport() == TransportProtocol.TLS ? tlsContext() : null;
            if (relay.transport() == TransportProtocol.TLS && tls == null) {
                return;
            }
            connected = new Bootstrap().group(loop).channel(NettyTransport.socketChannel())
                    .handler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            if (tls != null) {
                                ch.pipeline().addLast(sslHandler(ch, tls));
                            }
                            ch.pipeline().addLast(new SimpleChannelInboundHandler<ByteBuf>() {
                                @Override
                                protected void channelRead0(ChannelHandlerContext ctx, ByteBuf bytes) {
                                    received(session.server(), bytes);
                                }

                                @Override
                                public void channelInactive(ChannelHandlerContext ctx) {
                                    lost("the connection to the TURN server closed");
                                }

                                @Override
                                public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                    lost("the connection to the TURN server failed: " + cause.getMessage());
                                    ctx.close();
                                }
                            });
                        }
                    })
                    .connect(session.server());
        }
        channel = connected.channel();
        connected.addListener(f -> {
            if (!f.isSuccess()) {
                lost("cannot reach " + relay.uri() + ": " + f.cause().getMessage());
                return;
            }
            SslHandler ssl = channel.pipeline().get(SslHandler.class);
            if (ssl == null) {
                start();
            } else {
                ssl.handshakeFuture().addListener(h -> {
                    if (h.isSuccess()) {
                        start();
                    } else {
                        lost("TLS with " + relay.uri() + " failed: " + h.cause().getMessage());
                    }
                });
            }
        });
    }

    private SslContext tlsContext() {
        try {
            SslContextBuilder builder = SslContextBuilder.forClient();
            if (relay.trust() != null) {
                builder.trustManager(relay.trust());
            }
            return builder.build();
        } catch (SSLException e) {
            lost("cannot set up TLS for " + relay.uri() + ": " + e.getMessage());
            return null;
        }
    }

    private SslHandler sslHandler(Channel ch, SslContext tls) {
        SslHandler handler = tls.newHandler(ch.alloc(), relay.uri().host(), relay.uri().port());
        if (relay.trust() == null) {
            // RFC 6125: with the default trust store, the certificate must also name the host of the URI.
            SSLEngine engine = handler.engine();
            SSLParameters parameters = engine.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            engine.setSSLParameters(parameters);
        }
        return handler;
    }

    private void start() {
        session.start(System.nanoTime());
        owner.pump();
    }

    private void lost(String why) {
        if (!settled || session.state() == TurnSession.State.ALLOCATED) {
            owner.relayFailed(this, relay.uri() + ": " + why);
        }
    }

    /** A datagram or a chunk of the stream from the server. */
    private void received(InetSocketAddress from, ByteBuf bytes) {
        long now = System.nanoTime();
        if (frames == null) {
            session.handleInput(from, bytes, now);
        } else {
            frames.append(bytes);
            try {
                for (ByteBuf frame = frames.next(); frame != null; frame = frames.next()) {
                    session.handleInput(from, frame, now);
                }
            } catch (ProtocolException e) {
                // RFC 8656 §12.5: a stream that is not STUN or ChannelData cannot be resynchronised.
                lost(e.getMessage());
                channel.close();
            }
        }
        owner.pump();
    }

    /**
     * Sends what the agent transmits on the relayed socket to {@code peer}: once a permission for its address is in
     * place (RFC 8656 §9), and through a channel (ChannelData, §12) once one is bound. Takes {@code content}.
     */
    void sendToPeer(InetSocketAddress peer, ByteBuf content, long nowNanos) {
        byte[] data = new byte[content.readableBytes()];
        content.getBytes(content.readerIndex(), data);
        content.release();
        if (session.state() != TurnSession.State.ALLOCATED) {
            return;
        }
        InetAddress address = peer.getAddress();
        if (permitted.contains(address)) {
            if (channelRequested.add(peer)) {
                session.bindChannel(peer, nowNanos);
            }
            session.send(peer, data, 0, data.length);
            return;
        }
        List<OutboundDatagram> waiting = awaitingPermission.get(address);
        if (waiting == null) {
            waiting = new ArrayList<>();
            awaitingPermission.put(address, waiting);
            session.createPermission(address, nowNanos);
        }
        if (waiting.size() < MAX_AWAITING_PERMISSION) {
            waiting.add(new OutboundDatagram(peer, data));
        }
    }

    /** RFC 8656 §9: the permission is in place; what waited for it leaves. */
    void permissionCreated(InetAddress peer) {
        permitted.add(peer);
        List<OutboundDatagram> waiting = awaitingPermission.remove(peer);
        if (waiting != null) {
            for (OutboundDatagram d : waiting) {
                session.send(d.peer(), d.data(), 0, d.data().length);
            }
        }
    }

    /** A CreatePermission failed: what waited for it is dropped, and a later datagram asks again. */
    void permissionFailed() {
        awaitingPermission.clear();
    }

    /** Writes the session's frames to the server; true when there were any. */
    boolean writeTransmits() {
        boolean wrote = false;
        for (Transmit t = session.pollTransmit(); t != null; t = session.pollTransmit()) {
            wrote = true;
            if (channel == null || !channel.isActive() && frames != null) {
                continue;
            }
            ByteBuf bytes = Unpooled.wrappedBuffer(t.bytes());
            channel.write(frames == null ? new DatagramPacket(bytes, t.destination()) : bytes);
        }
        if (wrote && channel != null) {
            channel.flush();
        }
        return wrote;
    }

    OptionalLong pollTimeout() {
        return session.pollTimeout();
    }

    /** Deletes the allocation (a Refresh of lifetime 0, RFC 8656 §8), then closes the connection. */
    void close() {
        session.close(System.nanoTime());
        writeTransmits();
        if (channel != null) {
            channel.close();
        }
    }
}
