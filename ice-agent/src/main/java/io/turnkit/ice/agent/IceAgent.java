package io.turnkit.ice.agent;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import io.netty.buffer.ByteBuf;
import io.turnkit.ice.stun.TransactionTimers;
import io.turnkit.ice.stun.TransportProtocol;
import io.turnkit.stun.AddressAttribute;
import io.turnkit.stun.MessageIntegrity;
import io.turnkit.stun.StunAttributeType;
import io.turnkit.stun.StunAttributes;
import io.turnkit.stun.StunClass;
import io.turnkit.stun.StunErrorCode;
import io.turnkit.stun.StunMessage;
import io.turnkit.stun.StunMessageEncoder;
import io.turnkit.stun.StunMessageType;
import io.turnkit.stun.StunMethod;

/**
 * A sans-I/O ICE agent (RFC 8445) for one data stream of one or more components, with trickle (RFC 8838) and consent
 * freshness (RFC 7675), over UDP and TCP (RFC 6544: each RFC 4571 frame of a connection is a datagram here, see
 * {@link LocalSocket#tcp}). It owns no socket, thread or clock: the driver feeds it datagrams
 * ({@link #handleDatagram}), the time ({@code nowNanos} on every call, from any monotonic clock) and timer ticks
 * ({@link #handleTimeout} at {@link #pollTimeout()}), and drains what it produces: datagrams to send
 * ({@link #pollTransmit()}) and events ({@link #pollEvent()}).
 *
 * <pre>{@code
 * IceAgent agent = IceAgent.create(IceConfig.builder().role(IceRole.CONTROLLING).build());
 * agent.addLocalSocket(LocalSocket.host(0, new InetSocketAddress("192.0.2.1", 50000), 1), now);
 * agent.addStunServer(stunServer, now);
 * agent.endOfLocalSockets();
 * // signal agent.localCredentials() and each IceEvent.LocalCandidate; feed the peer's to
 * // setRemoteCredentials / addRemoteCandidate / endOfRemoteCandidates. Then, on the driver's thread:
 * //   datagram in:  agent.handleDatagram(socketId, from, buf, now)
 * //   timer fired:  agent.handleTimeout(now)
 * //   after either: drain pollTransmit() and pollEvent(), re-arm the timer at pollTimeout()
 * }</pre>
 *
 * <p>Threading: the caller owns the thread. An agent is not thread-safe; every call comes from one thread (or is
 * handed to it), typically the event loop that owns the agent's sockets. Hostile input never throws out of
 * {@link #handleDatagram}: it is counted ({@link #dropped(DropReason)}) and dropped. Wrong arguments from the
 * application throw {@link IllegalArgumentException}.
 */
public final class IceAgent {
    private static final int BINDING_REQUEST = StunMessageType.of(StunMethod.BINDING, StunClass.REQUEST);
    private static final int BINDING_SUCCESS = StunMessageType.of(StunMethod.BINDING, StunClass.SUCCESS_RESPONSE);
    private static final int BINDING_ERROR = StunMessageType.of(StunMethod.BINDING, StunClass.ERROR_RESPONSE);
    private static final int BINDING_INDICATION = StunMessageType.of(StunMethod.BINDING, StunClass.INDICATION);
    /** RFC 7983 §7: a first byte of 0 to 3 is STUN. */
    private static final int MAX_STUN_FIRST_BYTE = 3;
    /** The room a check or a response needs, so that the encoder never grows its buffer. */
    private static final int STUN_BUFFER_SIZE = 256;
    /** RFC 7675 §5.1: the interval is randomised to 0.8 to 1.2 times its value. */
    private static final double CONSENT_JITTER = 0.2;

    private final IceConfig config;
    private final long taNanos;
    /** The transaction timers over TCP: one request, the same timeout (RFC 8489 §6.2.2's Ti). */
    private final TransactionTimers reliableTimers;
    private final StunMessage message = new StunMessage();
    private final StunMessageEncoder encoder = new StunMessageEncoder();
    private final AddressAttribute address = new AddressAttribute();
    private final ArrayDeque<Transmit> transmits = new ArrayDeque<>();
    private final ArrayDeque<IceEvent> events = new ArrayDeque<>();
    private final long[] drops = new long[DropReason.values().length];

    private final List<LocalSocket> sockets = new ArrayList<>();
    /** The data stream of each socket, at the socket's index in {@link #sockets}. */
    private final List<DataStream> socketStreams = new ArrayList<>();
    private final List<InetAddress> baseAddresses = new ArrayList<>();
    private final List<LocalCandidate> localCandidates = new ArrayList<>();
    private final List<InetSocketAddress> stunServers = new ArrayList<>();
    private final List<Gathering> gatherings = new ArrayList<>();
    private final Map<String, String> foundations = new HashMap<>();
    /** RFC 8445 §6.1.2: one check list per data stream; foundations are shared across them (§5.1.1.3). */
    private final List<DataStream> streams = new ArrayList<>();
    /** RFC 8445 §6.1.4.2: the data stream whose check list has the next turn, round-robin. */
    private int nextStream;

    private IceRole role;
    private Generation generation;
    private boolean remoteLite;
    private boolean localSocketsComplete;
    private boolean gatheringComplete;
    private boolean remoteCandidatesComplete;
    private boolean consentLost;
    private boolean closed;
    private int remotePeerReflexive;
    private long nextPacingNanos = Long.MIN_VALUE;
    /**
     * When a passive TCP candidate stops waiting for the peer's connection (RFC 6544 §7): Ti after both sides'
     * candidates became complete; {@link Long#MAX_VALUE} until they are.
     */
    private long connectionWaitEndsNanos = Long.MAX_VALUE;
    private boolean connectionWaitOver;
    private IceConnectionState state = IceConnectionState.NEW;

    private IceAgent(IceConfig config) {
        this.config = config;
        taNanos = config.ta().toNanos();
        TransactionTimers timers = config.transactionTimers();
        reliableTimers = new TransactionTimers(timers.rto(), 1, timers.timeout());
        role = config.role();
        generation = new Generation(config.credentials());
        List<CheckList> checkLists = new ArrayList<>();
        for (int i = 0; i < config.dataStreams(); i++) {
            streams.add(new DataStream(i, config.components(i), new CheckList(config.maxPairs(), checkLists)));
        }
    }

    /** A new agent in state {@link IceConnectionState#NEW}, with no socket yet. */
    public static IceAgent create(IceConfig config) {
        return new IceAgent(Objects.requireNonNull(config, "config"));
    }

    // ---------------------------------------------------------------- local side

    /** The credentials to signal as {@code a=ice-ufrag} and {@code a=ice-pwd} (new ones after {@link #restart}). */
    public IceCredentials localCredentials() {
        return generation.local;
    }

    /** The current role; it changes after a role conflict (RFC 8445 §7.3.1.1) or against an ICE-lite peer. */
    public IceRole role() {
        return role;
    }

    /** Whether this agent is ICE-lite (RFC 8445 §2.5): signal {@code a=ice-lite}. */
    public boolean isLite() {
        return config.lite();
    }

    /** Adds a socket of the first (or only) data stream: see {@link #addLocalSocket(int, LocalSocket, long)}. */
    public void addLocalSocket(LocalSocket socket, long nowNanos) {
        addLocalSocket(0, socket, nowNanos);
    }

    /**
     * Adds a socket of the driver's to data stream {@code stream} (0 for the first, see
     * {@link IceConfig#dataStreams()}): a host candidate (or a relayed one, see {@link LocalSocket}) is signalled at
     * once (trickle, RFC 8838), and each STUN server added gets a Binding request from it (RFC 8445 §5.1.1.2).
     *
     * @throws IllegalArgumentException when the id is taken, the stream is not configured, or the component is beyond
     *                                  the stream's {@link IceConfig#components(int)}
     */
    public void addLocalSocket(int stream, LocalSocket socket, long nowNanos) {
        Objects.requireNonNull(socket, "socket");
        DataStream dataStream = stream(stream);
        if (socket(socket.id()) != null) {
            throw new IllegalArgumentException("socket id " + socket.id() + " is already added");
        }
        if (socket.componentId() > dataStream.components()) {
            throw new IllegalArgumentException("component " + socket.componentId() + " of socket " + socket.id()
                + " is beyond the " + dataStream.components() + " configured");
        }
        sockets.add(socket);
        socketStreams.add(dataStream);
        if (!baseAddresses.contains(socket.address().getAddress())) {
            baseAddresses.add(socket.address().getAddress());
        }
        Candidate candidate = new Candidate(
            foundation(socket.type(), socket.address().getAddress(), null, socket.protocol()), socket.componentId(),
            socket.protocol(), Candidate.priority(socket.type().typePreference(socket.protocol()),
                localPreference(socket), socket.componentId()), socket.address(), socket.type(),
            socket.relatedAddress(), socket.tcpType() == null ? null : socket.tcpType().sdpName(), Map.of());
        addLocalCandidate(new LocalCandidate(candidate, socket, dataStream));
        if (gathersFromStunServers(socket)) {
            for (int i = 0; i < stunServers.size(); i++) {
                InetSocketAddress server = stunServers.get(i);
                gather(socket, dataStream, server);
            }
        }
        updateState(nowNanos);
    }

    /**
     * Adds a STUN server: each UDP host socket of the same address family sends it a Binding request, paced by Ta and
     * retransmitted as {@link IceConfig#transactionTimers()} say; its XOR-MAPPED-ADDRESS becomes a
     * server-reflexive candidate. Ignored in ICE-lite mode, which only has host candidates.
     */
    public void addStunServer(InetSocketAddress server, long nowNanos) {
        Objects.requireNonNull(server, "server");
        if (server.isUnresolved()) {
            throw new IllegalArgumentException("resolve the STUN server's name first: " + server);
        }
        if (config.lite() || stunServers.contains(server)) {
            return;
        }
        stunServers.add(server);
        for (int i = 0; i < sockets.size(); i++) {
            LocalSocket socket = sockets.get(i);
            if (gathersFromStunServers(socket)) {
                gather(socket, socketStreams.get(i), server);
            }
        }
        updateState(nowNanos);
    }

    /**
     * Says that every socket, relayed ones included, has been added: once the STUN servers have answered or timed
     * out, {@link IceEvent.GatheringComplete} follows (RFC 8838 §4: end-of-candidates).
     */
    public void endOfLocalSockets() {
        localSocketsComplete = true;
        checkGatheringComplete();
    }

    /** UDP host sockets ask the STUN servers; TCP candidates are host candidates only (RFC 6544 §5.1 allows more). */
    private boolean gathersFromStunServers(LocalSocket socket) {
        return socket.type() == CandidateType.HOST && socket.protocol() == TransportProtocol.UDP && !config.lite();
    }

    private void gather(LocalSocket socket, DataStream stream, InetSocketAddress server) {
        if ((socket.address().getAddress() instanceof Inet4Address) == (server.getAddress() instanceof Inet4Address)) {
            gatherings.add(new Gathering(socket, stream, server));
        }
    }

    private DataStream stream(int index) {
        if (index < 0 || index >= streams.size()) {
            throw new IllegalArgumentException("data stream " + index + " is not one of the " + streams.size()
                + " configured");
        }
        return streams.get(index);
    }

    /**
     * RFC 8445 §5.1.2.1: one preference per base IP address, in the order they were added; for a TCP candidate RFC
     * 6544 §4.2's, whose other-pref is that order.
     */
    private int localPreference(LocalSocket socket) {
        int order = baseAddresses.indexOf(socket.address().getAddress());
        if (socket.tcpType() != null) {
            return socket.tcpType().localPreference(TcpType.MAX_OTHER_PREFERENCE - order);
        }
        return Math.max(0, Candidate.MAX_LOCAL_PREFERENCE - order);
    }

    /**
     * RFC 8445 §5.1.1.3: candidates share a foundation when they have the same type, base IP address, server and
     * transport. Foundations are short numbers.
     */
    private String foundation(CandidateType type, InetAddress base, InetSocketAddress server,
                              TransportProtocol transport) {
        String key = type.sdpName() + ' ' + transport + ' ' + base.getHostAddress() + ' '
            + (server == null ? "" : server.toString());
        return foundations.computeIfAbsent(key, k -> Integer.toString(foundations.size() + 1));
    }

    private void addLocalCandidate(LocalCandidate local) {
        localCandidates.add(local);
        if (local.candidate().type() != CandidateType.PEER_REFLEXIVE) {
            events.add(new IceEvent.LocalCandidate(local.stream().index, local.candidate()));
        }
        if (local.candidate().type() == CandidateType.HOST || local.candidate().type() == CandidateType.RELAYED) {
            List<Candidate> remotes = local.stream().remoteCandidates;
            for (int i = 0; i < remotes.size(); i++) {
                Candidate remote = remotes.get(i);
                pair(local, remote);
            }
        }
    }

    private void checkGatheringComplete() {
        if (gatheringComplete || !localSocketsComplete) {
            return;
        }
        for (int i = 0; i < gatherings.size(); i++) {
            Gathering g = gatherings.get(i);
            if (!g.done) {
                return;
            }
        }
        gatheringComplete = true;
        events.add(new IceEvent.GatheringComplete());
    }

    // ---------------------------------------------------------------- remote side

    /**
     * The peer's {@code a=ice-ufrag} and {@code a=ice-pwd}. Checks start once these are known. New values while the
     * agent already has others mean the peer restarted ICE: the agent restarts too (RFC 8445 §9).
     */
    public void setRemoteCredentials(String ufrag, String password, long nowNanos) {
        IceCredentials remote = new IceCredentials(ufrag, password);
        if (generation.hasRemote() && !generation.remote.equals(remote)) {
            restart(nowNanos);
        }
        generation.remote(remote);
        updateState(nowNanos);
    }

    /**
     * The peer signalled {@code a=ice-lite} (RFC 8445 §6.1.1): a full agent then always controls, and the peer
     * never checks.
     */
    public void setRemoteLite(boolean lite, long nowNanos) {
        remoteLite = lite;
        if (lite && !config.lite() && role != IceRole.CONTROLLING) {
            switchRole(IceRole.CONTROLLING);
        }
        updateState(nowNanos);
    }

    /** Adds a candidate of the first (or only) data stream: see {@link #addRemoteCandidate(int, Candidate, long)}. */
    public boolean addRemoteCandidate(Candidate candidate, long nowNanos) {
        return addRemoteCandidate(0, candidate, nowNanos);
    }

    /**
     * Adds a candidate the peer signalled for data stream {@code stream}, at any time (trickle, RFC 8838 §11): it is
     * paired with the stream's local candidates of its component, address family and transport (RFC 6544 §6.2 for
     * TCP). Returns false when it cannot be used here (a component beyond the stream's, TLS, TCP without a known
     * {@code tcptype}, a name not resolved) or is already known.
     *
     * @throws IllegalArgumentException when the stream is not configured
     */
    public boolean addRemoteCandidate(int stream, Candidate candidate, long nowNanos) {
        Objects.requireNonNull(candidate, "candidate");
        DataStream dataStream = stream(stream);
        if (candidate.componentId() > dataStream.components() || candidate.transport() == TransportProtocol.TLS
            || (candidate.transport() == TransportProtocol.TCP && TcpType.fromSdpName(candidate.tcpType()) == null)
            || candidate.address().isUnresolved() || candidate.address().getPort() == 0 || closed) {
            return false;
        }
        List<Candidate> remoteCandidates = dataStream.remoteCandidates;
        CheckList checkList = dataStream.checkList;
        for (int i = 0; i < remoteCandidates.size(); i++) {
            Candidate known = remoteCandidates.get(i);
            if (known.componentId() == candidate.componentId() && known.transport() == candidate.transport()
                && known.address().equals(candidate.address())) {
                if (known.type() != CandidateType.PEER_REFLEXIVE || candidate.type() == CandidateType.PEER_REFLEXIVE) {
                    return false;
                }
                // RFC 8838 §11.4: a peer-reflexive candidate signalled later takes the signalled type and priority.
                Candidate replaced = known.withSignalled(candidate);
                remoteCandidates.set(i, replaced);
                for (int j = 0; j < checkList.pairs().size(); j++) {
                    CandidatePair p = checkList.pairs().get(j);
                    if (p.remote == known) {
                        p.remote(replaced);
                    }
                }
                checkList.prioritise(role);
                updateState(nowNanos);
                return true;
            }
        }
        remoteCandidates.add(candidate);
        for (int i = 0; i < localCandidates.size(); i++) {
            LocalCandidate local = localCandidates.get(i);
            CandidateType type = local.candidate().type();
            if (local.stream() == dataStream && (type == CandidateType.HOST || type == CandidateType.RELAYED)) {
                pair(local, candidate);
            }
        }
        updateState(nowNanos);
        return true;
    }

    /**
     * The peer signalled {@code a=end-of-candidates} (RFC 8838 §13) for every data stream: failure can now be
     * declared.
     */
    public void endOfRemoteCandidates(long nowNanos) {
        remoteCandidatesComplete = true;
        updateState(nowNanos);
    }

    /**
     * RFC 8445 §6.1.2.2: pairs of the same component, address family and transport, in the local candidate's
     * stream; TCP candidates by their types (RFC 6544 §6.2, {@link TcpType#checksTo}).
     */
    private CandidatePair pair(LocalCandidate local, Candidate remote) {
        Candidate c = local.candidate();
        if (c.transport() != remote.transport() || (local.base().tcpType() != null
            && !local.base().tcpType().checksTo(TcpType.fromSdpName(remote.tcpType())))) {
            return null;
        }
        return pairAlways(local, remote);
    }

    /** A pair of the same component and address family, whatever the TCP types (a check arrived on it). */
    private CandidatePair pairAlways(LocalCandidate local, Candidate remote) {
        if (local.candidate().componentId() != remote.componentId()
            || (local.candidate().address().getAddress() instanceof Inet4Address)
                != (remote.address().getAddress() instanceof Inet4Address)) {
            return null;
        }
        return local.stream().checkList.add(new CandidatePair(local, remote, generation), role);
    }

    /**
     * The driver's TCP connection between socket {@code socketId} and {@code remote} could not be opened, or closed.
     * A check waiting on it has failed (RFC 6544 §7.1) rather than waiting for its timeout; a selected pair on it
     * loses consent in due course (RFC 7675), as nothing more can reach the peer on it.
     */
    public void tcpConnectionClosed(int socketId, InetSocketAddress remote, long nowNanos) {
        for (int s = 0; s < streams.size(); s++) {
            CandidatePair p = streams.get(s).checkList.find(socketId, remote);
            if (p != null && p.isPending()) {
                p.check.close();
                checkFailed(p);
            }
        }
        updateState(nowNanos);
    }

    // ---------------------------------------------------------------- restart, send, close

    /**
     * ICE restart (RFC 8445 §9): new local credentials ({@link IceEvent.LocalCredentialsChanged}), the remote
     * credentials and candidates forgotten until the peer signals its new ones, the local candidates signalled again.
     * The selected pairs keep carrying data, and their consent checks go on with the old credentials, until new pairs
     * are selected.
     */
    public void restart(long nowNanos) {
        if (closed) {
            return;
        }
        generation = new Generation(IceCredentials.generate(config.random()));
        for (int i = 0; i < streams.size(); i++) {
            streams.get(i).restart();
        }
        remoteCandidatesComplete = false;
        consentLost = false;
        connectionWaitEndsNanos = Long.MAX_VALUE;
        connectionWaitOver = false;
        events.add(new IceEvent.LocalCredentialsChanged(generation.local.ufrag(), generation.local.password()));
        for (int i = 0; i < localCandidates.size(); i++) {
            LocalCandidate local = localCandidates.get(i);
            if (local.candidate().type() != CandidateType.PEER_REFLEXIVE) {
                events.add(new IceEvent.LocalCandidate(local.stream().index, local.candidate()));
            }
        }
        if (gatheringComplete) {
            events.add(new IceEvent.GatheringComplete());
        }
        updateState(nowNanos);
    }

    /** Sends on a component of the first (or only) data stream: see {@link #send(int, int, ByteBuf, long)}. */
    public boolean send(int componentId, ByteBuf data, long nowNanos) {
        return send(0, componentId, data, nowNanos);
    }

    /**
     * Sends application data on the selected pair of component {@code componentId} of data stream {@code stream}.
     * True when a {@link Transmit} carrying {@code data} was queued (it then belongs to the transmit); false when no
     * pair is selected or consent is lost (RFC 7675 §5.1: no data without consent), and the caller keeps
     * {@code data}.
     */
    public boolean send(int stream, int componentId, ByteBuf data, long nowNanos) {
        if (closed || consentLost || stream < 0 || stream >= streams.size() || componentId < 1
            || componentId > streams.get(stream).components()) {
            return false;
        }
        CandidatePair pair = streams.get(stream).selected[componentId];
        if (pair == null) {
            return false;
        }
        transmits.add(new Transmit(pair.socketId(), pair.remote.address(), data));
        pair.lastSentNanos = nowNanos;
        return true;
    }

    /** Stops everything: state {@link IceConnectionState#CLOSED}, queued datagrams released, nothing more sent. */
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Transmit t = transmits.poll(); t != null; t = transmits.poll()) {
            t.content().release();
        }
        setState(IceConnectionState.CLOSED);
    }

    // ---------------------------------------------------------------- output

    /** The next datagram to send, or null. */
    public Transmit pollTransmit() {
        return transmits.poll();
    }

    /** The next event, or null. */
    public IceEvent pollEvent() {
        return events.poll();
    }

    /**
     * When {@link #handleTimeout} must next be called, on the {@code nowNanos} scale: a deadline at or before now
     * means at once ({@link Long#MIN_VALUE} before the first call), {@link Long#MAX_VALUE} means never.
     */
    public long pollTimeout() {
        if (closed) {
            return Long.MAX_VALUE;
        }
        long deadline = Long.MAX_VALUE;
        if (hasTransactionToStart()) {
            deadline = nextPacingNanos;
        }
        for (int i = 0; i < gatherings.size(); i++) {
            Gathering g = gatherings.get(i);
            deadline = Math.min(deadline, g.transaction.deadline());
        }
        for (int s = 0; s < streams.size(); s++) {
            DataStream stream = streams.get(s);
            List<CandidatePair> pairs = stream.checkList.pairs();
            for (int i = 0; i < pairs.size(); i++) {
                deadline = Math.min(deadline, pairs.get(i).check.deadline());
            }
            for (int c = 1; c < stream.selected.length; c++) {
                CandidatePair p = stream.selected[c];
                if (p != null && sendsConsent() && !consentLost) {
                    deadline = Math.min(deadline, Math.min(p.nextConsentNanos, consentStateDeadline(p)));
                }
                if (p != null && !consentLost) {
                    deadline = Math.min(deadline, p.lastSentNanos + config.keepaliveInterval().toNanos());
                }
                deadline = Math.min(deadline, stream.nominationDueNanos[c]);
            }
        }
        if (!connectionWaitOver) {
            deadline = Math.min(deadline, connectionWaitEndsNanos);
        }
        return deadline;
    }

    /** When the pair goes disconnected, or, once it is, when its consent expires. */
    private long consentStateDeadline(CandidatePair p) {
        Duration after = p.disconnected ? config.consentTimeout() : config.disconnectedTimeout();
        return p.lastConsentNanos + after.toNanos();
    }

    /** How many datagrams were dropped for {@code reason}. */
    public long dropped(DropReason reason) {
        return drops[reason.ordinal()];
    }

    /**
     * The check lists (RFC 8445 §6.1.2), one pair a line, {@code local -> remote (STATE)}, each line opened by
     * {@code stream N: } when there are several data streams: what a person debugging a connection wants to see.
     */
    public List<String> describeCheckList() {
        List<String> lines = new ArrayList<>();
        for (int s = 0; s < streams.size(); s++) {
            List<CandidatePair> pairs = streams.get(s).checkList.pairs();
            for (int i = 0; i < pairs.size(); i++) {
                lines.add((streams.size() > 1 ? "stream " + s + ": " : "") + pairs.get(i));
            }
        }
        return lines;
    }

    /** The current connection state. */
    public IceConnectionState state() {
        return state;
    }

    // ---------------------------------------------------------------- timers

    /** Runs what is due at {@code nowNanos}: retransmissions, timeouts, the next paced check, consent checks. */
    public void handleTimeout(long nowNanos) {
        if (closed) {
            return;
        }
        for (int i = 0; i < gatherings.size(); i++) {
            Gathering g = gatherings.get(i);
            switch (g.transaction.poll(nowNanos)) {
                case RETRANSMIT -> sendGatheringRequest(g);
                case TIMEOUT -> {
                    g.done = true;
                    checkGatheringComplete();
                }
                default -> { }
            }
        }
        for (int s = 0; s < streams.size(); s++) {
            List<CandidatePair> pairs = streams.get(s).checkList.pairs();
            for (int i = 0; i < pairs.size(); i++) {
                CandidatePair p = pairs.get(i);
                switch (p.check.poll(nowNanos)) {
                    case RETRANSMIT -> sendCheck(p);
                    case TIMEOUT -> checkFailed(p);
                    default -> { }
                }
            }
        }
        if (nowNanos >= nextPacingNanos && startTransaction(nowNanos)) {
            // RFC 8445 §14.2: a new transaction at most every Ta; retransmissions are not paced.
            nextPacingNanos = nowNanos + taNanos;
        }
        nominate(nowNanos);
        refreshConsent(nowNanos);
        keepAlive(nowNanos);
        connectionWaitOver |= nowNanos >= connectionWaitEndsNanos;
        updateState(nowNanos);
    }

    /** RFC 8445 §11: a Binding indication on a selected pair that has carried nothing for Tr. */
    private void keepAlive(long nowNanos) {
        for (int s = 0; s < streams.size(); s++) {
            CandidatePair[] selected = streams.get(s).selected;
            for (int c = 1; c < selected.length; c++) {
                CandidatePair p = selected[c];
                if (p != null && !consentLost && nowNanos - p.lastSentNanos >= config.keepaliveInterval().toNanos()) {
                    ByteBuf out = config.allocator().buffer(StunMessage.HEADER_LENGTH + 8);
                    encoder.wrap(out).header(BINDING_INDICATION, config.random().nextLong(),
                        config.random().nextInt()).addFingerprint().finish();
                    transmits.add(new Transmit(p.socketId(), p.remote.address(), out));
                    p.lastSentNanos = nowNanos;
                }
            }
        }
    }

    private boolean hasTransactionToStart() {
        if (config.lite()) {
            return false;
        }
        for (int i = 0; i < gatherings.size(); i++) {
            Gathering g = gatherings.get(i);
            if (!g.started) {
                return true;
            }
        }
        if (!generation.hasRemote()) {
            return false;
        }
        for (int s = 0; s < streams.size(); s++) {
            if (streams.get(s).checkList.hasWork()) {
                return true;
            }
        }
        return false;
    }

    /**
     * Starts one transaction: a check ({@link CheckList#next()}) from the check lists in turn, round-robin (RFC 8445
     * §6.1.4.2), else a gathering request.
     */
    private boolean startTransaction(long nowNanos) {
        if (config.lite()) {
            return false;
        }
        if (generation.hasRemote()) {
            for (int k = 0; k < streams.size(); k++) {
                int s = (nextStream + k) % streams.size();
                CandidatePair next = streams.get(s).checkList.next();
                if (next != null) {
                    nextStream = (s + 1) % streams.size();
                    startCheck(next, nowNanos);
                    return true;
                }
            }
        }
        for (int i = 0; i < gatherings.size(); i++) {
            Gathering g = gatherings.get(i);
            if (!g.started) {
                g.started = true;
                g.transaction.start(config.random(), config.transactionTimers(),
                    config.transactionTimers().rto().toNanos(), nowNanos);
                sendGatheringRequest(g);
                return true;
            }
        }
        return false;
    }

    private void startCheck(CandidatePair p, long nowNanos) {
        p.state = CandidatePairState.IN_PROGRESS;
        p.checkRole = role;
        p.checkUsedCandidate = role == IceRole.CONTROLLING && (config.aggressiveNomination() || p.nominating);
        // The PRIORITY a peer-reflexive candidate learnt from this check would have (RFC 8445 §7.1.1).
        Candidate local = p.local.candidate();
        p.checkPriority = Candidate.priority(CandidateType.PEER_REFLEXIVE.typePreference(local.transport()),
            (int) ((local.priority() >> 8) & 0xFFFF), p.componentId());
        if (p.local.base().protocol().isStream()) {
            // RFC 6544 §7.1 and RFC 8489 §6.2.2: TCP is reliable, the check goes once and fails after Ti.
            p.check.start(config.random(), reliableTimers, reliableTimers.rto().toNanos(), nowNanos);
        } else {
            p.check.start(config.random(), config.transactionTimers(), checkRtoNanos(), nowNanos);
        }
        sendCheck(p);
    }

    /**
     * RFC 8445 §14.3: RTO = MAX(500 ms, Ta × (Waiting + In-Progress pairs of every check list)), the floor being the
     * configured RTO.
     */
    private long checkRtoNanos() {
        int active = 0;
        for (int s = 0; s < streams.size(); s++) {
            List<CandidatePair> pairs = streams.get(s).checkList.pairs();
            for (int i = 0; i < pairs.size(); i++) {
                CandidatePair p = pairs.get(i);
                if (p.state == CandidatePairState.WAITING || p.state == CandidatePairState.IN_PROGRESS) {
                    active++;
                }
            }
        }
        return Math.max(config.transactionTimers().rto().toNanos(), taNanos * active);
    }

    private void checkFailed(CandidatePair p) {
        p.state = CandidatePairState.FAILED;
        p.nominating = false;
    }

    /**
     * RFC 8445 §8.1.1, regular nomination: for each component without a nominated pair, the controlling agent
     * nominates its best valid pair once no better pair can still succeed, or after the nomination delay.
     */
    private void nominate(long nowNanos) {
        boolean nominates = role == IceRole.CONTROLLING && !config.aggressiveNomination() && !config.lite();
        for (int s = 0; s < streams.size(); s++) {
            DataStream stream = streams.get(s);
            if (!nominates) {
                Arrays.fill(stream.nominationDueNanos, Long.MAX_VALUE); // a role switch may leave one armed
                continue;
            }
            for (int c = 1; c < stream.selected.length; c++) {
                boolean due = nowNanos >= stream.nominationDueNanos[c];
                if (due) {
                    stream.nominationDueNanos[c] = Long.MAX_VALUE;
                }
                CandidatePair best = stream.checkList.bestValid(c);
                if (best == null || isNominatedInThisGeneration(stream.checkList, c)) {
                    continue;
                }
                if (due || !stream.checkList.hasPendingAbove(c, best.priority)) {
                    stream.nominationDueNanos[c] = Long.MAX_VALUE;
                    best.nominating = true;
                    stream.checkList.trigger(best);
                }
            }
        }
    }

    private static boolean isNominatedInThisGeneration(CheckList checkList, int componentId) {
        for (int i = 0; i < checkList.pairs().size(); i++) {
            CandidatePair p = checkList.pairs().get(i);
            if (p.componentId() == componentId && (p.nominated || (p.nominating && p.isPending()))) {
                return true;
            }
        }
        return false;
    }

    /** RFC 7675 §5.1: a consent check on each selected pair every 5 s ±20%; consent expires after 30 s. */
    private void refreshConsent(long nowNanos) {
        if (!sendsConsent()) {
            return;
        }
        for (int s = 0; s < streams.size(); s++) {
            CandidatePair[] selected = streams.get(s).selected;
            for (int c = 1; c < selected.length; c++) {
                CandidatePair p = selected[c];
                if (p != null) {
                    refreshConsent(p, nowNanos);
                }
            }
        }
    }

    private void refreshConsent(CandidatePair p, long nowNanos) {
        if (nowNanos - p.lastConsentNanos >= config.consentTimeout().toNanos()) {
            consentLost = true;
        }
        p.disconnected = nowNanos - p.lastConsentNanos >= config.disconnectedTimeout().toNanos();
        if (nowNanos >= p.nextConsentNanos && !consentLost) {
            p.consent.startOnce(config.random(), nowNanos);
            sendRequest(p, p.consent, false, p.checkPriority);
            p.lastSentNanos = nowNanos;
            p.nextConsentNanos = nowNanos + consentIntervalNanos();
        }
    }

    private boolean sendsConsent() {
        return !config.lite();
    }

    private long consentIntervalNanos() {
        double factor = 1 - CONSENT_JITTER + 2 * CONSENT_JITTER * config.random().nextDouble();
        return (long) (config.consentInterval().toNanos() * factor);
    }

    // ---------------------------------------------------------------- input

    /**
     * A datagram that arrived on the driver's socket {@code socketId} from {@code from}. The agent reads it and
     * leaves {@code datagram} (its indexes included) to the caller. STUN (first byte 0–3, RFC 7983) is the agent's;
     * anything else is application data, taken from a valid pair only.
     */
    public Received handleDatagram(int socketId, InetSocketAddress from, ByteBuf datagram, long nowNanos) {
        if (closed) {
            return drop(DropReason.CLOSED);
        }
        LocalSocket socket = socket(socketId);
        if (socket == null) {
            return drop(DropReason.UNKNOWN_SOCKET);
        }
        int length = datagram.readableBytes();
        if (length == 0 || datagram.getUnsignedByte(datagram.readerIndex()) > MAX_STUN_FIRST_BYTE) {
            return applicationData(socket, from, datagram);
        }
        if (!message.wrap(datagram, datagram.readerIndex(), length).validate().isWellFormed()) {
            return drop(DropReason.MALFORMED_STUN);
        }
        if (message.method() != StunMethod.BINDING) {
            return drop(DropReason.NOT_BINDING);
        }
        Received result;
        if (message.isRequest()) {
            result = handleRequest(socket, from, nowNanos);
        } else if (message.isIndication()) {
            result = Received.STUN; // RFC 8445 §11: a keepalive; nothing to do
        } else {
            result = handleResponse(socket, from, nowNanos);
            nominate(nowNanos);
        }
        updateState(nowNanos);
        return result;
    }

    private Received applicationData(LocalSocket socket, InetSocketAddress from, ByteBuf datagram) {
        DataStream stream = streamOf(socket);
        CandidatePair pair = stream.checkList.find(socket.id(), from);
        if (pair == null || !pair.isValid()) {
            pair = stream.selected[socket.componentId()];
            if (pair == null || pair.socketId() != socket.id() || !pair.remote.address().equals(from)) {
                return drop(DropReason.UNKNOWN_PEER);
            }
        }
        byte[] data = new byte[datagram.readableBytes()];
        datagram.getBytes(datagram.readerIndex(), data);
        events.add(new IceEvent.ApplicationData(stream.index, socket.componentId(), socket.id(), from, data));
        return Received.APPLICATION_DATA;
    }

    /** RFC 8445 §7.3: a connectivity check (or a consent check) from the peer. */
    private Received handleRequest(LocalSocket socket, InetSocketAddress from, long nowNanos) {
        int username = message.findAttribute(StunAttributeType.USERNAME);
        int priorityAttr = message.findAttribute(StunAttributeType.PRIORITY);
        // RFC 8445 §7.2.2: a check carries USERNAME, PRIORITY, MESSAGE-INTEGRITY and FINGERPRINT.
        if (username < 0 || !message.hasAttribute(StunAttributeType.MESSAGE_INTEGRITY) || priorityAttr < 0
            || !message.hasAttribute(StunAttributeType.FINGERPRINT)
            || StunAttributes.uint32(message, priorityAttr) <= 0) {
            respondError(socket, from, StunErrorCode.BAD_REQUEST, null);
            drop(DropReason.BAD_REQUEST);
            return Received.DROPPED;
        }
        Generation gen = generationFor(username);
        if (gen == null || !MessageIntegrity.check(message, gen.localKey)) {
            respondError(socket, from, StunErrorCode.UNAUTHENTICATED, null);
            drop(DropReason.UNAUTHENTICATED);
            return Received.DROPPED;
        }
        if (message.unknownAttributeCount() > 0) {
            respondError(socket, from, StunErrorCode.UNKNOWN_ATTRIBUTE, gen);
            return Received.STUN;
        }
        if (gen == generation && hasRoleConflict()) {
            respondError(socket, from, StunErrorCode.ROLE_CONFLICT, gen);
            return Received.STUN;
        }
        respondSuccess(socket, from, gen);
        if (gen != generation) {
            return Received.STUN; // a consent check on a pair selected before a restart
        }
        boolean useCandidate = message.hasAttribute(StunAttributeType.USE_CANDIDATE);
        long remotePriority = StunAttributes.uint32(message, priorityAttr);
        DataStream stream = streamOf(socket);
        CandidatePair pair = stream.checkList.find(socket.id(), from);
        if (pair == null) {
            pair = pairPeerReflexive(socket, stream, from, remotePriority);
            if (pair == null) {
                return Received.STUN;
            }
        }
        if (config.lite()) {
            // RFC 8445 §2.5: a lite agent never checks; an authenticated check makes the pair valid.
            pair.state = CandidatePairState.SUCCEEDED;
            if (useCandidate) {
                pair.nominated = true;
                select(pair, nowNanos);
            }
            return Received.STUN;
        }
        if (useCandidate && role == IceRole.CONTROLLED) {
            // RFC 8445 §7.3.1.5: nominated now if valid, else when the triggered check succeeds.
            if (pair.isValid()) {
                pair.nominated = true;
                select(pair, nowNanos);
            } else {
                pair.nominating = true;
            }
        }
        // RFC 8445 §7.3.1.4: a triggered check, unless one is under way or the pair is already valid.
        if (pair.state != CandidatePairState.SUCCEEDED && pair.state != CandidatePairState.IN_PROGRESS) {
            stream.checkList.trigger(pair);
        }
        return Received.STUN;
    }

    /**
     * RFC 8445 §7.3.1.3: a check from an unknown address makes a peer-reflexive remote candidate, up to
     * {@link IceConfig#maxPeerReflexiveCandidates()} per component; null when none is paired.
     */
    private CandidatePair pairPeerReflexive(LocalSocket socket, DataStream stream, InetSocketAddress from,
                                            long priority) {
        List<Candidate> remoteCandidates = stream.remoteCandidates;
        Candidate remote = null;
        for (int i = 0; i < remoteCandidates.size(); i++) {
            Candidate c = remoteCandidates.get(i);
            if (c.componentId() == socket.componentId() && c.transport() == socket.protocol()
                && c.address().equals(from)) {
                remote = c;
            }
        }
        if (remote == null) {
            if (peerReflexiveCount(remoteCandidates, socket.componentId()) >= config.maxPeerReflexiveCandidates()) {
                drop(DropReason.PEER_REFLEXIVE_LIMIT);
                return null;
            }
            // RFC 6544 §7.2: over TCP the check came on a connection the peer opened, from an active (or S-O)
            // candidate whose port was not signalled (port 9): a peer-reflexive candidate of that type.
            TcpType tcpType = socket.tcpType() == null ? null : socket.tcpType().connectingPeer();
            remote = new Candidate("p" + (++remotePeerReflexive), socket.componentId(), socket.protocol(), priority,
                from, CandidateType.PEER_REFLEXIVE, null, tcpType == null ? null : tcpType.sdpName(), Map.of());
            remoteCandidates.add(remote);
        }
        LocalCandidate local = baseCandidateOf(socket);
        return local == null ? null : pairAlways(local, remote);
    }

    /** The component's remote candidates learnt from checks and not signalled since. */
    private static int peerReflexiveCount(List<Candidate> remoteCandidates, int componentId) {
        int count = 0;
        for (int i = 0; i < remoteCandidates.size(); i++) {
            Candidate c = remoteCandidates.get(i);
            if (c.componentId() == componentId && c.type() == CandidateType.PEER_REFLEXIVE) {
                count++;
            }
        }
        return count;
    }

    private LocalCandidate baseCandidateOf(LocalSocket socket) {
        for (int i = 0; i < localCandidates.size(); i++) {
            LocalCandidate local = localCandidates.get(i);
            if (local.base() == socket && local.candidate().type() == socket.type()) {
                return local;
            }
        }
        return null;
    }

    /** The generation whose ufrag opens USERNAME: the current one, or one whose pair still carries data. */
    private Generation generationFor(int username) {
        if (startsWith(username, generation.usernamePrefix)) {
            return generation;
        }
        for (int s = 0; s < streams.size(); s++) {
            CandidatePair[] selected = streams.get(s).selected;
            for (int c = 1; c < selected.length; c++) {
                Generation old = selected[c] == null ? null : selected[c].generation;
                if (old != null && old != generation && startsWith(username, old.usernamePrefix)) {
                    return old;
                }
            }
        }
        return null;
    }

    private boolean startsWith(int attr, byte[] prefix) {
        if (StunAttributes.valueLength(message, attr) <= prefix.length) {
            return false;
        }
        ByteBuf b = message.buffer();
        int value = StunAttributes.valueOffset(attr);
        for (int i = 0; i < prefix.length; i++) {
            if (b.getByte(value + i) != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * RFC 8445 §7.3.1.1: both sides claim the same role. The larger tie-breaker keeps its role; when it is ours, the
     * peer is told 487 (true); otherwise we switch (false).
     */
    private boolean hasRoleConflict() {
        int controlling = message.findAttribute(StunAttributeType.ICE_CONTROLLING);
        int controlled = message.findAttribute(StunAttributeType.ICE_CONTROLLED);
        if (role == IceRole.CONTROLLING && controlling >= 0) {
            if (Long.compareUnsigned(config.tieBreaker(), StunAttributes.uint64(message, controlling)) >= 0) {
                return true;
            }
            switchRole(IceRole.CONTROLLED);
        } else if (role == IceRole.CONTROLLED && controlled >= 0) {
            if (Long.compareUnsigned(config.tieBreaker(), StunAttributes.uint64(message, controlled)) < 0) {
                return true;
            }
            switchRole(IceRole.CONTROLLING);
        }
        return false;
    }

    private void switchRole(IceRole newRole) {
        role = newRole;
        for (int s = 0; s < streams.size(); s++) {
            streams.get(s).checkList.prioritise(role);
        }
    }

    /** RFC 8445 §7.2.5: a response to a check, a consent check or a gathering request. */
    private Received handleResponse(LocalSocket socket, InetSocketAddress from, long nowNanos) {
        for (int i = 0; i < gatherings.size(); i++) {
            Gathering g = gatherings.get(i);
            if (g.transaction.matches(message)) {
                return gatheringResponse(g, from);
            }
        }
        for (int s = 0; s < streams.size(); s++) {
            DataStream stream = streams.get(s);
            List<CandidatePair> pairs = stream.checkList.pairs();
            for (int i = 0; i < pairs.size(); i++) {
                CandidatePair p = pairs.get(i);
                if (p.check.matches(message)) {
                    return checkResponse(p, socket, from, nowNanos);
                }
            }
            for (int c = 1; c < stream.selected.length; c++) {
                CandidatePair p = stream.selected[c];
                if (p != null && p.consent.matches(message)) {
                    return consentResponse(p, from, nowNanos);
                }
            }
        }
        return drop(DropReason.UNKNOWN_TRANSACTION);
    }

    private Received gatheringResponse(Gathering g, InetSocketAddress from) {
        if (!from.equals(g.server)) {
            return drop(DropReason.UNKNOWN_TRANSACTION);
        }
        g.transaction.close();
        g.done = true;
        if (message.isSuccessResponse()) {
            InetSocketAddress mapped = mappedAddress();
            if (mapped == null) {
                checkGatheringComplete();
                return drop(DropReason.BAD_RESPONSE);
            }
            addServerReflexive(g, mapped);
        }
        checkGatheringComplete();
        return Received.STUN;
    }

    /** RFC 8445 §5.1.3: a server-reflexive address equal to the base, or already known, is redundant. */
    private void addServerReflexive(Gathering g, InetSocketAddress mapped) {
        if (mapped.equals(g.socket.address())) {
            return;
        }
        for (int i = 0; i < localCandidates.size(); i++) {
            LocalCandidate local = localCandidates.get(i);
            if (local.base() == g.socket && local.candidate().address().equals(mapped)) {
                return;
            }
        }
        int component = g.socket.componentId();
        Candidate srflx = Candidate.udp(foundation(CandidateType.SERVER_REFLEXIVE, g.socket.address().getAddress(),
                g.server, TransportProtocol.UDP), component,
            Candidate.priority(CandidateType.SERVER_REFLEXIVE, localPreference(g.socket), component), mapped,
            CandidateType.SERVER_REFLEXIVE, g.socket.address());
        addLocalCandidate(new LocalCandidate(srflx, g.socket, g.stream));
    }

    private InetSocketAddress mappedAddress() {
        int attr = message.findAttribute(StunAttributeType.XOR_MAPPED_ADDRESS);
        return attr < 0 ? null : address.wrap(message, attr).toSocketAddress();
    }

    private Received checkResponse(CandidatePair p, LocalSocket socket, InetSocketAddress from, long nowNanos) {
        if (!MessageIntegrity.check(message, p.generation.remoteKey)) {
            if (message.isErrorResponse() && errorCode() != StunErrorCode.ROLE_CONFLICT) {
                // RFC 8489 §9.1.4: an error about the credentials need not be signed; the check failed.
                p.check.close();
                checkFailed(p);
                return Received.STUN;
            }
            return drop(DropReason.UNAUTHENTICATED);
        }
        p.check.close();
        if (message.isErrorResponse()) {
            if (errorCode() == StunErrorCode.ROLE_CONFLICT) {
                // RFC 8445 §7.2.5.1: take the role opposite to the one the check claimed, and check again.
                if (role == p.checkRole) {
                    switchRole(p.checkRole.opposite());
                }
                p.stream().checkList.trigger(p);
            } else {
                checkFailed(p);
            }
            return Received.STUN;
        }
        // RFC 8445 §7.2.5.2.1: the response must come from where the check went, to where it came from.
        if (socket.id() != p.socketId() || !from.equals(p.remote.address())) {
            checkFailed(p);
            return Received.STUN;
        }
        InetSocketAddress mapped = mappedAddress();
        if (mapped == null) {
            checkFailed(p);
            return drop(DropReason.BAD_RESPONSE);
        }
        p.validLocal = localCandidateFor(p, mapped);
        p.state = CandidatePairState.SUCCEEDED;
        // RFC 8445 §7.2.5.3.3: the foundation's Frozen pairs in every check list go to Waiting.
        for (int s = 0; s < streams.size(); s++) {
            streams.get(s).checkList.unfreeze(p.foundation);
        }
        DataStream stream = p.stream();
        int c = p.componentId();
        if (role == IceRole.CONTROLLING && !config.aggressiveNomination()
            && !isNominatedInThisGeneration(stream.checkList, c)) {
            stream.nominationDueNanos[c] = Math.min(stream.nominationDueNanos[c],
                nowNanos + config.nominationDelay().toNanos());
        }
        if (p.checkUsedCandidate || (role == IceRole.CONTROLLED && p.nominating)) {
            p.nominated = true;
            select(p, nowNanos);
        }
        return Received.STUN;
    }

    /**
     * RFC 8445 §7.2.5.3.1: the local candidate the mapped address names; a new peer-reflexive one when none does. An
     * active TCP candidate's port is the connection's, never signalled (RFC 6544 §4.5): its IP names it.
     */
    private LocalCandidate localCandidateFor(CandidatePair p, InetSocketAddress mapped) {
        if (p.local.base().tcpType() == TcpType.ACTIVE
            && p.local.candidate().address().getAddress().equals(mapped.getAddress())) {
            return p.local;
        }
        for (int i = 0; i < localCandidates.size(); i++) {
            LocalCandidate local = localCandidates.get(i);
            if (local.base() == p.local.base() && local.candidate().address().equals(mapped)) {
                return local;
            }
        }
        LocalSocket base = p.local.base();
        Candidate prflx = new Candidate(
            foundation(CandidateType.PEER_REFLEXIVE, base.address().getAddress(), null, base.protocol()),
            p.componentId(), base.protocol(), p.checkPriority, mapped, CandidateType.PEER_REFLEXIVE, base.address(),
            p.local.candidate().tcpType(), Map.of());
        LocalCandidate local = new LocalCandidate(prflx, p.local.base(), p.stream());
        addLocalCandidate(local);
        return local;
    }

    private Received consentResponse(CandidatePair p, InetSocketAddress from, long nowNanos) {
        if (!MessageIntegrity.check(message, p.generation.remoteKey) || !from.equals(p.remote.address())) {
            return drop(DropReason.UNAUTHENTICATED);
        }
        p.consent.close();
        if (message.isSuccessResponse() && !consentLost) {
            p.lastConsentNanos = nowNanos;
            p.disconnected = false;
        }
        return Received.STUN;
    }

    private int errorCode() {
        return StunAttributes.errorCode(message, message.findAttribute(StunAttributeType.ERROR_CODE));
    }

    /**
     * After {@code nominated} was nominated: the selected pair of its component is the component's best nominated
     * valid pair (RFC 8445 §8.1.1).
     */
    private void select(CandidatePair nominated, long nowNanos) {
        DataStream stream = nominated.stream();
        int componentId = nominated.componentId();
        CandidatePair best = stream.checkList.bestNominated(componentId);
        if (best == null || best == stream.selected[componentId]) {
            return;
        }
        best.lastConsentNanos = nowNanos;
        best.disconnected = false;
        best.nextConsentNanos = nowNanos + consentIntervalNanos();
        best.lastSentNanos = nowNanos;
        stream.selected[componentId] = best;
        if (role == IceRole.CONTROLLING) {
            stream.checkList.stopChecks(componentId);
        }
        events.add(new IceEvent.SelectedPairChanged(stream.index, componentId, best.reportedLocal(), best.remote));
    }

    // ---------------------------------------------------------------- state

    private void updateState(long nowNanos) {
        if (closed) {
            return;
        }
        if (remoteCandidatesComplete && gatheringComplete && connectionWaitEndsNanos == Long.MAX_VALUE) {
            connectionWaitEndsNanos = nowNanos + config.transactionTimers().timeout().toNanos();
        }
        setState(computeState(nowNanos));
    }

    private IceConnectionState computeState(long nowNanos) {
        if (consentLost) {
            return IceConnectionState.FAILED;
        }
        boolean allSelected = true;
        boolean disconnected = false;
        boolean selectedInThisGeneration = true;
        boolean pending = false;
        boolean hasPairs = false;
        boolean componentWithoutValidPair = false;
        for (int s = 0; s < streams.size(); s++) {
            DataStream stream = streams.get(s);
            pending |= stream.checkList.hasPending();
            hasPairs |= !stream.checkList.pairs().isEmpty();
            for (int c = 1; c < stream.selected.length; c++) {
                CandidatePair p = stream.selected[c];
                if (p == null) {
                    allSelected = false;
                    selectedInThisGeneration = false;
                    componentWithoutValidPair |= stream.checkList.bestValid(c) == null
                        && !awaitsConnection(stream, c);
                } else {
                    selectedInThisGeneration &= p.generation == generation;
                    disconnected |= p.disconnected;
                }
            }
        }
        if (allSelected) {
            if (disconnected) {
                return IceConnectionState.DISCONNECTED;
            }
            // A lite agent checks nothing, so its pairs never finish: its part is done once a pair is nominated.
            boolean done = selectedInThisGeneration && (config.lite() || !pending)
                && remoteCandidatesComplete && gatheringComplete;
            return done ? IceConnectionState.COMPLETED : IceConnectionState.CONNECTED;
        }
        if (remoteCandidatesComplete && gatheringComplete && !pending && componentWithoutValidPair) {
            return IceConnectionState.FAILED;
        }
        if (state == IceConnectionState.NEW && !(generation.hasRemote() && hasPairs)) {
            return IceConnectionState.NEW;
        }
        return IceConnectionState.CHECKING;
    }

    /**
     * Whether the component has a passive TCP candidate that the peer's active one has not connected to yet: such a
     * pair is not in the check list (RFC 6544 §6.2 prunes it) but may still succeed, so the component has not failed.
     * It waits for Ti (39.5 s, the time the peer's check on that connection would take to fail, RFC 8489 §6.2.2)
     * once both sides' candidates are complete, and no longer: RFC 8445 §8.1 and RFC 6544 §7 want the agent to fail
     * when no pair can succeed, and a peer that never connects (a firewall drops its SYNs, say) would otherwise
     * leave the agent checking forever.
     */
    private boolean awaitsConnection(DataStream stream, int componentId) {
        if (connectionWaitOver) {
            return false;
        }
        for (int i = 0; i < localCandidates.size(); i++) {
            LocalCandidate local = localCandidates.get(i);
            if (local.stream() == stream && local.candidate().componentId() == componentId
                && local.base().tcpType() == TcpType.PASSIVE && !hasPairOn(stream, local.base())
                && hasRemoteTcp(stream, componentId, TcpType.ACTIVE)) {
                return true;
            }
        }
        return false;
    }

    private static boolean hasPairOn(DataStream stream, LocalSocket socket) {
        List<CandidatePair> pairs = stream.checkList.pairs();
        for (int i = 0; i < pairs.size(); i++) {
            if (pairs.get(i).local.base() == socket) {
                return true;
            }
        }
        return false;
    }

    private static boolean hasRemoteTcp(DataStream stream, int componentId, TcpType tcpType) {
        for (int i = 0; i < stream.remoteCandidates.size(); i++) {
            Candidate c = stream.remoteCandidates.get(i);
            if (c.componentId() == componentId && tcpType.sdpName().equals(c.tcpType())) {
                return true;
            }
        }
        return false;
    }

    private void setState(IceConnectionState newState) {
        if (newState == IceConnectionState.COMPLETED
            && (state == IceConnectionState.NEW || state == IceConnectionState.CHECKING)) {
            // W3C: an application waiting for "connected" sees it on the way to "completed".
            setState(IceConnectionState.CONNECTED);
        }
        if (newState != state) {
            state = newState;
            events.add(new IceEvent.ConnectionStateChanged(newState));
        }
    }

    // ---------------------------------------------------------------- encoding

    private void sendCheck(CandidatePair p) {
        sendRequest(p, p.check, p.checkUsedCandidate, p.checkPriority);
    }

    /** RFC 8445 §7.2.2: USERNAME, PRIORITY, the role with the tie-breaker, USE-CANDIDATE, integrity, FINGERPRINT. */
    private void sendRequest(CandidatePair p, StunTransaction t, boolean useCandidate, long priority) {
        Generation gen = p.generation;
        ByteBuf out = config.allocator().buffer(STUN_BUFFER_SIZE);
        encoder.wrap(out)
            .header(BINDING_REQUEST, t.idHigh(), t.idLow())
            .addString(StunAttributeType.USERNAME, gen.username)
            .addUint32(StunAttributeType.PRIORITY, priority)
            .addUint64(role == IceRole.CONTROLLING ? StunAttributeType.ICE_CONTROLLING
                : StunAttributeType.ICE_CONTROLLED, config.tieBreaker());
        if (useCandidate) {
            encoder.addEmpty(StunAttributeType.USE_CANDIDATE);
        }
        encoder.addMessageIntegrity(gen.remoteKey).addFingerprint().finish();
        transmits.add(new Transmit(p.socketId(), p.remote.address(), out));
    }

    private void sendGatheringRequest(Gathering g) {
        ByteBuf out = config.allocator().buffer(StunMessage.HEADER_LENGTH + 8);
        encoder.wrap(out).header(BINDING_REQUEST, g.transaction.idHigh(), g.transaction.idLow())
            .addFingerprint().finish();
        transmits.add(new Transmit(g.socket.id(), g.server, out));
    }

    /**
     * RFC 8445 §7.3.1.2: XOR-MAPPED-ADDRESS is the source of the check, signed with our password. The transaction id
     * is copied as two numbers: a buffer-to-buffer copy between direct buffers would allocate NIO views.
     */
    private void respondSuccess(LocalSocket socket, InetSocketAddress to, Generation gen) {
        ByteBuf out = config.allocator().buffer(STUN_BUFFER_SIZE);
        encoder.wrap(out).header(BINDING_SUCCESS, message.transactionIdHigh(), message.transactionIdLow())
            .addAddress(StunAttributeType.XOR_MAPPED_ADDRESS, to)
            .addMessageIntegrity(gen.localKey).addFingerprint().finish();
        transmits.add(new Transmit(socket.id(), to, out));
    }

    /** An error response; signed when the request was authenticated ({@code gen} not null). */
    private void respondError(LocalSocket socket, InetSocketAddress to, int code, Generation gen) {
        ByteBuf out = config.allocator().buffer(STUN_BUFFER_SIZE);
        encoder.wrap(out).header(BINDING_ERROR, message.transactionIdHigh(), message.transactionIdLow())
            .addErrorCode(code, StunErrorCode.reason(code));
        if (code == StunErrorCode.UNKNOWN_ATTRIBUTE) {
            encoder.addUnknownAttributes(message);
        }
        if (gen != null) {
            encoder.addMessageIntegrity(gen.localKey);
        }
        encoder.addFingerprint().finish();
        transmits.add(new Transmit(socket.id(), to, out));
    }

    private Received drop(DropReason reason) {
        drops[reason.ordinal()]++;
        return Received.DROPPED;
    }

    private LocalSocket socket(int id) {
        for (int i = 0; i < sockets.size(); i++) {
            LocalSocket s = sockets.get(i);
            if (s.id() == id) {
                return s;
            }
        }
        return null;
    }

    /** The data stream an added socket serves. */
    private DataStream streamOf(LocalSocket socket) {
        for (int i = 0; i < sockets.size(); i++) {
            if (sockets.get(i) == socket) {
                return socketStreams.get(i);
            }
        }
        throw new IllegalStateException("socket " + socket.id() + " was never added");
    }

    /** One server-reflexive gathering transaction: a socket asking a STUN server (RFC 8445 §5.1.1.2). */
    private static final class Gathering {
        final LocalSocket socket;
        final DataStream stream;
        final InetSocketAddress server;
        final StunTransaction transaction = new StunTransaction();
        boolean started;
        boolean done;

        Gathering(LocalSocket socket, DataStream stream, InetSocketAddress server) {
            this.socket = socket;
            this.stream = stream;
            this.server = server;
        }
    }
}
