package io.turnkit.ice.mdns;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Locale;
import java.util.random.RandomGenerator;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.turnkit.stun.EnumCounters;

/**
 * Multicast DNS (RFC 6762) as ICE's mDNS candidates use it (draft-ietf-mmusic-mdns-ice-candidates): a resolver for
 * the peer's {@code <uuid>.local} names and a responder for this host's. Sans-I/O like the agent: it owns no socket,
 * thread or clock. The driver gives it what its socket on port 5353 (joined to the group 224.0.0.251) receives and
 * the time; it returns datagrams to send ({@link #pollTransmit()}) and the next deadline ({@link #pollTimeout()}).
 *
 * <p>Every received byte is hostile: malformed messages are counted by {@link DnsValidation} and dropped; a
 * response from a port other than 5353 is ignored (§6); only names being resolved or cached are learnt, and only
 * this side's own names are answered.
 *
 * <p>Not thread-safe: one thread makes every call.
 */
public final class MulticastDns {
    public static final int PORT = 5353;
    /** RFC 6762 §3. */
    public static final InetSocketAddress IPV4_GROUP = new InetSocketAddress(address(224, 0, 0, 251), PORT);
    public static final InetSocketAddress IPV6_GROUP = new InetSocketAddress(address(0xff, 0x02, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0xfb), PORT);
    /** 0.0.0.0: where an mDNS socket binds, to receive the group's datagrams on any interface that joined it. */
    public static final InetAddress IPV4_ANY = address(0, 0, 0, 0);
    /** Long enough for a responder's answer, short enough that a name nobody answers is left out soon. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
    /** Room for a query or an answer with a name of up to 255 octets. */
    private static final int MAX_MESSAGE = 600;

    /** Where a resolution ends: {@code address} null when the name did not resolve in time. */
    @FunctionalInterface
    public interface Resolution {
        void resolved(String name, InetAddress address, long nowNanos);
    }

    private final ByteBufAllocator allocator;
    private final EnumCounters<DnsValidation> validations = new EnumCounters<>(DnsValidation.class);
    private final DnsMessage message = new DnsMessage(validations);
    private final ArrayDeque<MdnsTransmit> transmits = new ArrayDeque<>();
    private final MdnsResolver resolver;
    private final MdnsResponder responder;
    private long nonMdnsResponses;

    public MulticastDns(RandomGenerator random, Duration timeout, ByteBufAllocator allocator) {
        this.allocator = allocator;
        this.resolver = new MdnsResolver(this, timeout.toNanos());
        this.responder = new MdnsResponder(this, random);
    }

    /** Whether {@code host} is an mDNS name: one label and {@code .local} (RFC 6762 §3), writable in a query. */
    public static boolean isMdnsName(String host) {
        String lower = host.toLowerCase(Locale.ROOT);
        return lower.endsWith(".local") && lower.indexOf('.') == lower.length() - ".local".length()
            && DnsMessageEncoder.isWritableName(lower);
    }

    /** A name of this host for {@code address}: the same one each time for the same address. */
    public String register(InetAddress address) {
        return responder.register(address);
    }

    /** Withdraws every registered name, with goodbyes (RFC 6762 §10.1). */
    public void withdrawAll() {
        responder.withdrawAll();
    }

    /**
     * Resolves an mDNS name ({@link #isMdnsName}): {@code resolution} is called with the address from the cache at
     * once, or from the answer when it comes, or with null at the timeout. Returns false, without calling it, when
     * too many names are being resolved at once.
     */
    public boolean resolve(String name, Resolution resolution, long nowNanos) {
        if (!isMdnsName(name)) {
            throw new IllegalArgumentException("not an mDNS name: " + name);
        }
        return resolver.resolve(name.toLowerCase(Locale.ROOT), resolution, nowNanos);
    }

    /** A datagram received on the mDNS socket; {@code buf} stays the caller's. */
    public void handleDatagram(InetSocketAddress from, ByteBuf buf, long nowNanos) {
        if (message.wrap(buf, buf.readerIndex(), buf.readableBytes()).validate() != DnsValidation.VALID) {
            return;
        }
        if (message.isResponse()) {
            if (from.getPort() != PORT) {
                nonMdnsResponses++;   // RFC 6762 §6: silently ignored
                return;
            }
            while (message.nextRecord()) {
                InetAddress address = message.address();
                if (address != null && message.section() != DnsMessage.Section.AUTHORITY) {
                    resolver.answer(message.name(), address, message.ttl(), nowNanos);
                }
            }
        } else {
            while (message.nextRecord() && message.section() == DnsMessage.Section.QUESTION) {
                int dnsClass = message.dnsClass();
                if (dnsClass == DnsMessage.CLASS_IN || dnsClass == DnsMessage.CLASS_ANY) {
                    responder.question(message.name(), message.type(), message.classTopBit(), message.id(), from);
                }
            }
        }
    }

    public void handleTimeout(long nowNanos) {
        resolver.handleTimeout(nowNanos);
    }

    /** The next deadline, {@code Long.MAX_VALUE} for none. */
    public long pollTimeout() {
        return resolver.pollTimeout();
    }

    public MdnsTransmit pollTransmit() {
        return transmits.poll();
    }

    /** How many datagrams validated to {@code result} (VALID included). */
    public long validations(DnsValidation result) {
        return validations.get(result);
    }

    /** Responses ignored for not coming from port 5353 (RFC 6762 §6). */
    public long nonMdnsResponses() {
        return nonMdnsResponses;
    }

    /** Names being resolved now. */
    public int pendingResolutions() {
        return resolver.pendingCount();
    }

    /** Names registered now. */
    public int registeredNames() {
        return responder.size();
    }

    /** Drops the datagrams not yet polled. */
    public void close() {
        for (MdnsTransmit t = transmits.poll(); t != null; t = transmits.poll()) {
            t.content().release();
        }
    }

    void sendQuery(String name, boolean unicastResponse) {
        ByteBuf out = allocator.buffer(MAX_MESSAGE);
        DnsMessageEncoder.writeQuery(out, name, unicastResponse);
        transmits.add(new MdnsTransmit(IPV4_GROUP, out));
    }

    void sendAnswer(InetSocketAddress to, int id, boolean echoQuestion, String name, InetAddress address, long ttl) {
        ByteBuf out = allocator.buffer(MAX_MESSAGE);
        DnsMessageEncoder.writeAnswer(out, id, echoQuestion, name, address, ttl);
        transmits.add(new MdnsTransmit(to, out));
    }

    /** The group a multicast answer about or to {@code address} goes to: of its family. */
    static InetSocketAddress groupFor(InetAddress address) {
        return address instanceof Inet4Address ? IPV4_GROUP : IPV6_GROUP;
    }

    private static InetAddress address(int... octets) {
        byte[] bytes = new byte[octets.length];
        for (int i = 0; i < octets.length; i++) {
            bytes[i] = (byte) octets[i];
        }
        return DnsMessage.addressOf(bytes);
    }
}
