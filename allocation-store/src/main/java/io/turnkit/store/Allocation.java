package io.turnkit.store;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

import io.turnkit.stun.ChannelData;

/**
 * One allocation's state (RFC 8656 §5): its 5-tuple, the credentials that created it, its relayed
 * transport address, its time-to-expiry, its permissions and its channel bindings.
 *
 * <p>An allocation is owned by one event loop: this class is not thread-safe and takes no locks.
 * Times are {@link System#nanoTime()} instants passed in by the caller. The lookups made for each
 * relayed packet ({@link #hasPermission}, {@link #peerOfChannel}, {@link #channelOfPeer}) allocate
 * nothing.
 *
 * <p>Channel numbers index an array that grows on demand up to the 16,384 numbers of the range, so an
 * allocation that binds a few low numbers, as clients do, stays small.
 */
public class Allocation {
    /** The lowest channel number a client may bind (RFC 8656 §12). */
    public static final int FIRST_CHANNEL_NUMBER = ChannelData.MIN_CHANNEL;
    /** The highest channel number a client may bind: RFC 5766's, see {@link ChannelData#isChannelNumber}. */
    public static final int LAST_CHANNEL_NUMBER = ChannelData.MAX_RFC5766_CHANNEL;
    /** RFC 8656 §9: a permission lasts 300 s unless refreshed. */
    public static final long PERMISSION_LIFETIME_NANOS = TimeUnit.SECONDS.toNanos(300);
    /** RFC 8656 §12: a channel binding lasts 10 minutes unless refreshed. */
    public static final long CHANNEL_LIFETIME_NANOS = TimeUnit.MINUTES.toNanos(10);
    /**
     * RFC 8656 §12: for 5 minutes after a channel binding expires, its number may not be bound to
     * another peer nor its peer to another number, so that ChannelData still in flight for the old
     * binding can never be relayed to a new peer.
     */
    public static final long CHANNEL_QUARANTINE_NANOS = TimeUnit.MINUTES.toNanos(5);

    private static final int CHANNEL_NUMBERS = LAST_CHANNEL_NUMBER - FIRST_CHANNEL_NUMBER + 1;
    private static final int MIN_CHANNEL_SLOTS = 8;
    private static final ChannelBinding[] NO_CHANNELS = new ChannelBinding[0];

    private final FiveTuple fiveTuple;
    private final String username;
    private final String realm;
    private final InetSocketAddress relayedAddress;
    private final long permissionLifetimeNanos;
    private final long channelLifetimeNanos;
    private long expiresAtNanos;

    // RFC 8656 §9: a permission is for an IP address; the port is ignored.
    private final Map<InetAddress, Permission> permissions = new HashMap<>();
    // RFC 8656 §12: a binding is found by its number (ChannelData from the client) or by its peer
    // (data from the peer); both views hold the same ChannelBinding objects.
    private ChannelBinding[] channelsByNumber = NO_CHANNELS;
    private final Map<InetSocketAddress, ChannelBinding> channelsByPeer = new HashMap<>();

    /**
     * A new allocation.
     *
     * @param fiveTuple the client's 5-tuple
     * @param username the USERNAME the allocation was created with (RFC 8656 §7.2: later requests must
     *     use the same one); empty when the server runs without authentication
     * @param realm the REALM it was created in
     * @param relayedAddress the relayed transport address the server allocated
     * @param lifetimeNanos how long until it expires unless refreshed
     * @param nowNanos the current instant
     * @param permissionLifetimeNanos how long a permission lasts ({@link #PERMISSION_LIFETIME_NANOS})
     * @param channelLifetimeNanos how long a channel binding lasts ({@link #CHANNEL_LIFETIME_NANOS})
     */
    public Allocation(FiveTuple fiveTuple, String username, String realm, InetSocketAddress relayedAddress,
            long lifetimeNanos, long nowNanos, long permissionLifetimeNanos, long channelLifetimeNanos) {
        this.fiveTuple = Objects.requireNonNull(fiveTuple, "fiveTuple");
        this.username = Objects.requireNonNull(username, "username");
        this.realm = Objects.requireNonNull(realm, "realm");
        this.relayedAddress = Objects.requireNonNull(relayedAddress, "relayedAddress");
        this.permissionLifetimeNanos = requirePositive(permissionLifetimeNanos, "permissionLifetimeNanos");
        this.channelLifetimeNanos = requirePositive(channelLifetimeNanos, "channelLifetimeNanos");
        this.expiresAtNanos = nowNanos + lifetimeNanos;
    }

    /** Whether a channel number is one a client may bind: 0x4000 through 0x7FFF ({@link ChannelData#isChannelNumber}). */
    public static boolean isValidChannelNumber(int channelNumber) {
        return ChannelData.isChannelNumber(channelNumber);
    }

    public FiveTuple fiveTuple() {
        return fiveTuple;
    }

    public String username() {
        return username;
    }

    public String realm() {
        return realm;
    }

    public InetSocketAddress relayedAddress() {
        return relayedAddress;
    }

    /**
     * Sets the time-to-expiry to {@code lifetimeNanos} from now (RFC 8656 §8, Refresh). A lifetime of 0
     * makes the allocation expire at once, which is how a Refresh with LIFETIME 0 deletes it.
     */
    public void refresh(long lifetimeNanos, long nowNanos) {
        expiresAtNanos = nowNanos + lifetimeNanos;
    }

    /** The {@link System#nanoTime()} instant at which the allocation expires unless refreshed. */
    public long expiresAt() {
        return expiresAtNanos;
    }

    public boolean isExpired(long nowNanos) {
        return Deadlines.passed(expiresAtNanos, nowNanos);
    }

    /** Installs a permission for the peer's IP address, or refreshes the one it has (RFC 8656 §9). */
    public void installPermission(InetAddress peer, long nowNanos) {
        long expiresAt = nowNanos + permissionLifetimeNanos;
        Permission permission = permissions.get(peer);
        if (permission == null) {
            permissions.put(Objects.requireNonNull(peer, "peer"), new Permission(expiresAt));
        } else {
            permission.expiresAtNanos = expiresAt;
        }
    }

    /** Whether data may be relayed to or from this IP address now (RFC 8656 §9). Allocates nothing. */
    public boolean hasPermission(InetAddress peer, long nowNanos) {
        Permission permission = permissions.get(peer);
        return permission != null && !permission.isExpired(nowNanos);
    }

    /** The peers' IP addresses that hold a permission now (RFC 8656 §9); a copy, for reports off the packet path. */
    public List<InetAddress> permittedPeers(long nowNanos) {
        List<InetAddress> peers = new ArrayList<>();
        permissions.forEach((peer, permission) -> {
            if (!permission.isExpired(nowNanos)) {
                peers.add(peer);
            }
        });
        return peers;
    }

    /** The permissions held, counting expired ones until {@link #expireStale} drops them. */
    public int permissionCount() {
        return permissions.size();
    }

    /**
     * Applies a ChannelBind request (RFC 8656 §12.2): binds the number to the peer, or refreshes that
     * binding, and installs or refreshes the permission for the peer's IP address. Changes nothing when
     * the request breaks a rule of §12.2: the number must be in range, must not be bound to another
     * peer, and the peer must not be bound to another number — where a binding that expired less than
     * {@link #CHANNEL_QUARANTINE_NANOS} ago still counts as bound (§12).
     *
     * @param peer the peer's transport address (XOR-PEER-ADDRESS), resolved
     */
    public ChannelBindResult bindChannel(int channelNumber, InetSocketAddress peer, long nowNanos) {
        if (!isValidChannelNumber(channelNumber)) {
            return ChannelBindResult.CONFLICT;
        }
        ChannelBinding byNumber = heldBinding(bindingAt(channelNumber), nowNanos);
        ChannelBinding byPeer = heldBinding(channelsByPeer.get(peer), nowNanos);
        if (byNumber != null && !byNumber.peer.equals(peer)) {
            return ChannelBindResult.CONFLICT;
        }
        if (byPeer != null && byPeer.channelNumber != channelNumber) {
            return ChannelBindResult.CONFLICT;
        }
        // RFC 8656 §12.2: a ChannelBind also installs or refreshes the permission for the peer.
        installPermission(peer.getAddress(), nowNanos);
        long expiresAt = nowNanos + channelLifetimeNanos;
        if (byNumber != null) {
            // The same number to the same peer: a refresh while the binding lives, a new binding of the
            // same pair once it has expired (allowed even in quarantine: nothing in flight can be misrouted).
            boolean live = !byNumber.isExpired(nowNanos);
            byNumber.expiresAtNanos = expiresAt;
            return live ? ChannelBindResult.REFRESHED : ChannelBindResult.BOUND;
        }
        ChannelBinding binding = new ChannelBinding(channelNumber, peer, expiresAt);
        slotsFor(channelNumber)[channelNumber - FIRST_CHANNEL_NUMBER] = binding;
        channelsByPeer.put(peer, binding);
        return ChannelBindResult.BOUND;
    }

    /** The peer a channel is bound to now, or null when it is not bound or has expired. Allocates nothing. */
    public InetSocketAddress peerOfChannel(int channelNumber, long nowNanos) {
        ChannelBinding binding = bindingAt(channelNumber);
        return binding == null || binding.isExpired(nowNanos) ? null : binding.peer;
    }

    /** The channel bound to a peer now, or -1 when none is or it has expired. Allocates nothing. */
    public int channelOfPeer(InetSocketAddress peer, long nowNanos) {
        ChannelBinding binding = channelsByPeer.get(peer);
        return binding == null || binding.isExpired(nowNanos) ? -1 : binding.channelNumber;
    }

    /**
     * Drops the permissions that have expired, and the channel bindings whose 5-minute quarantine after
     * expiry (RFC 8656 §12) is over; expired bindings still in quarantine are kept.
     */
    public void expireStale(long nowNanos) {
        if (!permissions.isEmpty()) {
            permissions.values().removeIf(permission -> permission.isExpired(nowNanos));
        }
        if (!channelsByPeer.isEmpty()) {
            for (Iterator<ChannelBinding> it = channelsByPeer.values().iterator(); it.hasNext();) {
                ChannelBinding binding = it.next();
                if (binding.isReleased(nowNanos, CHANNEL_QUARANTINE_NANOS)) {
                    it.remove();
                    channelsByNumber[binding.channelNumber - FIRST_CHANNEL_NUMBER] = null;
                }
            }
        }
    }

    @Override
    public String toString() {
        return "Allocation[" + fiveTuple + ", relayed " + relayedAddress + ", user " + username + "]";
    }

    /** The binding at this number in any state, or null. */
    private ChannelBinding bindingAt(int channelNumber) {
        int index = channelNumber - FIRST_CHANNEL_NUMBER;
        return index >= 0 && index < channelsByNumber.length ? channelsByNumber[index] : null;
    }

    /**
     * The binding if it still holds its number and peer (live or in quarantine); null when there is
     * none or it has been released, in which case it is forgotten here so that a new binding can take
     * its place.
     */
    private ChannelBinding heldBinding(ChannelBinding binding, long nowNanos) {
        if (binding == null || !binding.isReleased(nowNanos, CHANNEL_QUARANTINE_NANOS)) {
            return binding;
        }
        int index = binding.channelNumber - FIRST_CHANNEL_NUMBER;
        if (channelsByNumber[index] == binding) {
            channelsByNumber[index] = null;
        }
        channelsByPeer.remove(binding.peer, binding);
        return null;
    }

    /** The number-indexed slots, grown to hold this channel number. */
    private ChannelBinding[] slotsFor(int channelNumber) {
        int index = channelNumber - FIRST_CHANNEL_NUMBER;
        if (index >= channelsByNumber.length) {
            int size = Math.max(MIN_CHANNEL_SLOTS, Integer.highestOneBit(index) << 1);
            channelsByNumber = Arrays.copyOf(channelsByNumber, Math.min(size, CHANNEL_NUMBERS));
        }
        return channelsByNumber;
    }

    private static long requirePositive(long nanos, String name) {
        if (nanos <= 0) {
            throw new IllegalArgumentException(name + " must be positive: " + nanos);
        }
        return nanos;
    }
}
