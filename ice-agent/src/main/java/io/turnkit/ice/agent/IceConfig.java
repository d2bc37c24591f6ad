package io.turnkit.ice.agent;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

import io.netty.buffer.ByteBufAllocator;
import io.turnkit.ice.stun.TransactionTimers;

/**
 * How an {@link IceAgent} behaves. Build with {@link #builder()}; every setting has the RFCs' default.
 */
public final class IceConfig {
    private final IceRole role;
    private final IceCredentials credentials;
    private final long tieBreaker;
    /** Per data stream, in order: how many components it has. */
    private final int[] dataStreams;
    private final Duration ta;
    private final boolean lite;
    private final boolean aggressiveNomination;
    private final Duration nominationDelay;
    private final TransactionTimers transactionTimers;
    private final int maxPairs;
    private final int maxPeerReflexiveCandidates;
    private final Duration consentInterval;
    private final Duration consentTimeout;
    private final Duration disconnectedTimeout;
    private final Duration keepaliveInterval;
    private final RandomGenerator random;
    private final ByteBufAllocator allocator;

    private IceConfig(Builder b) {
        random = b.random;
        role = b.lite ? IceRole.CONTROLLED : b.role;
        credentials = b.credentials != null ? b.credentials : IceCredentials.generate(random);
        tieBreaker = b.tieBreakerSet ? b.tieBreaker : random.nextLong();
        dataStreams = b.dataStreams.clone();
        ta = b.ta;
        lite = b.lite;
        aggressiveNomination = b.aggressiveNomination;
        nominationDelay = b.nominationDelay;
        transactionTimers = b.transactionTimers;
        maxPairs = b.maxPairs;
        maxPeerReflexiveCandidates = b.maxPeerReflexiveCandidates;
        consentInterval = b.consentInterval;
        consentTimeout = b.consentTimeout;
        disconnectedTimeout = b.disconnectedTimeout;
        keepaliveInterval = b.keepaliveInterval;
        allocator = b.allocator;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The starting role; always {@link IceRole#CONTROLLED} in ICE-lite mode (RFC 8445 §6.1.1). */
    public IceRole role() {
        return role;
    }

    /** The local ufrag and password: given, or generated from {@link #random()}. */
    public IceCredentials credentials() {
        return credentials;
    }

    /** RFC 8445 §7.1.3: the 64-bit number that settles role conflicts. */
    public long tieBreaker() {
        return tieBreaker;
    }

    /**
     * How many components the first (or only) data stream has (RFC 8445 §2): 1 with rtcp-mux, 2 for RTP and RTCP.
     */
    public int components() {
        return dataStreams[0];
    }

    /** How many data streams the ICE session has (RFC 8445 §2: an audio and a video stream, say); 1 by default. */
    public int dataStreams() {
        return dataStreams.length;
    }

    /** How many components data stream {@code stream} (0 for the first) has. */
    public int components(int stream) {
        return dataStreams[stream];
    }

    /** RFC 8445 §14.2: the pacing interval between new STUN transactions. */
    public Duration ta() {
        return ta;
    }

    /** RFC 8445 §2.5: an ICE-lite agent only answers checks, from host candidates. */
    public boolean lite() {
        return lite;
    }

    /** Whether the controlling agent puts USE-CANDIDATE in every check (RFC 5245's aggressive nomination). */
    public boolean aggressiveNomination() {
        return aggressiveNomination;
    }

    /**
     * Regular nomination (RFC 8445 §8.1.1): how long the controlling agent waits, after a component's first valid
     * pair, for better pairs to succeed before it nominates the best valid one.
     */
    public Duration nominationDelay() {
        return nominationDelay;
    }

    /** RFC 8489 §6.2.1 retransmissions (RTO, Rc, Rm) of gathering requests and connectivity checks. */
    public TransactionTimers transactionTimers() {
        return transactionTimers;
    }

    /** RFC 8445 §6.1.2.5: the check list's upper limit. */
    public int maxPairs() {
        return maxPairs;
    }

    /**
     * How many peer-reflexive remote candidates (RFC 8445 §7.3.1.3) a component learns from checks, per ICE session
     * (a restart starts again). A check from a new address beyond it is answered, but its source is not paired nor
     * checked back ({@link DropReason#PEER_REFLEXIVE_LIMIT}). A peer's few interfaces fit easily; what it stops is
     * a NAT that maps by address and port, which shows every check from a new address, and anyone replaying checks
     * from many sources.
     */
    public int maxPeerReflexiveCandidates() {
        return maxPeerReflexiveCandidates;
    }

    /** RFC 7675 §5.1: consent checks this often on average, randomised ±20%. */
    public Duration consentInterval() {
        return consentInterval;
    }

    /** RFC 7675 §5.1: consent expires this long after the last response. */
    public Duration consentTimeout() {
        return consentTimeout;
    }

    /** How long without a consent response before the state is {@link IceConnectionState#DISCONNECTED}. */
    public Duration disconnectedTimeout() {
        return disconnectedTimeout;
    }

    /**
     * RFC 8445 §11's Tr: a selected pair that carried nothing for this long gets a Binding indication. A full
     * agent's consent checks keep it busier than that; an ICE-lite agent relies on it.
     */
    public Duration keepaliveInterval() {
        return keepaliveInterval;
    }

    /** Credentials, tie-breaker, transaction ids and consent jitter come from here; inject a seeded one in tests. */
    public RandomGenerator random() {
        return random;
    }

    /** Where transmitted datagrams are allocated. */
    public ByteBufAllocator allocator() {
        return allocator;
    }

    /** Sets an {@link IceConfig}'s fields; {@link #build()} checks them. */
    public static final class Builder {
        private IceRole role = IceRole.CONTROLLING;
        private IceCredentials credentials;
        private long tieBreaker;
        private boolean tieBreakerSet;
        private int[] dataStreams = {1};
        private Duration ta = Duration.ofMillis(50);
        private boolean lite;
        private boolean aggressiveNomination;
        private Duration nominationDelay = Duration.ofMillis(500);
        private TransactionTimers transactionTimers = TransactionTimers.RFC_8489;
        private int maxPairs = 100;
        private int maxPeerReflexiveCandidates = 10;
        private Duration consentInterval = Duration.ofSeconds(5);
        private Duration consentTimeout = Duration.ofSeconds(30);
        private Duration disconnectedTimeout = Duration.ofSeconds(8);
        private Duration keepaliveInterval = Duration.ofSeconds(15);
        private RandomGenerator random = new SecureRandom();
        private ByteBufAllocator allocator = ByteBufAllocator.DEFAULT;

        private Builder() {
        }

        public Builder role(IceRole value) {
            role = Objects.requireNonNull(value, "role");
            return this;
        }

        public Builder credentials(IceCredentials value) {
            credentials = value;
            return this;
        }

        public Builder tieBreaker(long value) {
            tieBreaker = value;
            tieBreakerSet = true;
            return this;
        }

        /** One data stream of {@code value} components. */
        public Builder components(int value) {
            dataStreams = new int[] {value};
            return this;
        }

        /**
         * Several data streams, each with its own check list (RFC 8445 §6.1.2), numbered from 0 in this order:
         * {@code dataStreams(2, 1)} is a stream of two components (RTP and RTCP) and one of one.
         */
        public Builder dataStreams(int... componentsPerStream) {
            dataStreams = componentsPerStream.clone();
            return this;
        }

        public Builder ta(Duration value) {
            ta = value;
            return this;
        }

        public Builder lite(boolean value) {
            lite = value;
            return this;
        }

        public Builder aggressiveNomination(boolean value) {
            aggressiveNomination = value;
            return this;
        }

        public Builder nominationDelay(Duration value) {
            nominationDelay = value;
            return this;
        }

        public Builder transactionTimers(TransactionTimers value) {
            transactionTimers = Objects.requireNonNull(value, "transactionTimers");
            return this;
        }

        public Builder maxPairs(int value) {
            maxPairs = value;
            return this;
        }

        public Builder maxPeerReflexiveCandidates(int value) {
            maxPeerReflexiveCandidates = value;
            return this;
        }

        public Builder consentInterval(Duration value) {
            consentInterval = value;
            return this;
        }

        public Builder consentTimeout(Duration value) {
            consentTimeout = value;
            return this;
        }

        public Builder disconnectedTimeout(Duration value) {
            disconnectedTimeout = value;
            return this;
        }

        public Builder keepaliveInterval(Duration value) {
            keepaliveInterval = value;
            return this;
        }

        public Builder random(RandomGenerator value) {
            random = Objects.requireNonNull(value, "random");
            return this;
        }

        public Builder allocator(ByteBufAllocator value) {
            allocator = Objects.requireNonNull(value, "allocator");
            return this;
        }

        /** @throws IllegalArgumentException naming the first setting out of range */
        public IceConfig build() {
            if (dataStreams.length < 1) {
                throw new IllegalArgumentException("an ICE session needs at least one data stream");
            }
            for (int stream = 0; stream < dataStreams.length; stream++) {
                if (dataStreams[stream] < 1 || dataStreams[stream] > 256) {
                    throw new IllegalArgumentException("components must be 1..256: " + dataStreams[stream]
                        + (dataStreams.length > 1 ? " in data stream " + stream : ""));
                }
            }
            positive("ta", ta);
            positive("nominationDelay", nominationDelay);
            positive("consentInterval", consentInterval);
            positive("consentTimeout", consentTimeout);
            positive("disconnectedTimeout", disconnectedTimeout);
            positive("keepaliveInterval", keepaliveInterval);
            if (maxPairs < 1) {
                throw new IllegalArgumentException("maxPairs must be at least 1: " + maxPairs);
            }
            if (maxPeerReflexiveCandidates < 0) {
                throw new IllegalArgumentException("maxPeerReflexiveCandidates must not be negative: "
                    + maxPeerReflexiveCandidates);
            }
            return new IceConfig(this);
        }

        private static void positive(String name, Duration value) {
            if (value == null || value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException(name + " must be positive: " + value);
            }
        }
    }
}
