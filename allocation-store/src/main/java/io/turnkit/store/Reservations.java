package io.turnkit.store;

import java.net.InetAddress;
import java.security.SecureRandom;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The relay ports held for a RESERVATION-TOKEN (RFC 8656 §7.2, §14.9): an Allocate with EVEN-PORT
 * R=1 reserves the port after its own, and a later Allocate presenting the token gets that port.
 * A reservation not claimed within the hold time lapses and its port goes back to the pool.
 *
 * <p>Thread-safe: any event loop may reserve, and a client may claim on another one. Not on the
 * packet path, so a {@link ConcurrentHashMap} does.
 */
public final class Reservations {
    /** RFC 8656 §7.2 suggests holding a reserved port for about 30 seconds. */
    public static final long DEFAULT_HOLD_NANOS = TimeUnit.SECONDS.toNanos(30);

    private final RelayPortPool pool;
    private final long holdNanos;
    private final Map<Long, Reservation> byToken = new ConcurrentHashMap<>();
    // RFC 8656 §14.9: the token must not be guessable, or another client could take the port.
    private final SecureRandom random = new SecureRandom();

    public Reservations(RelayPortPool pool, long holdNanos) {
        if (holdNanos <= 0) {
            throw new IllegalArgumentException("holdNanos must be positive: " + holdNanos);
        }
        this.pool = Objects.requireNonNull(pool, "pool");
        this.holdNanos = holdNanos;
    }

    /**
     * Reserves a port the caller holds (in use, or reserved by {@link RelayPortPool#acquireEvenPair})
     * on {@code relayIp} until {@code nowNanos} plus the hold time.
     *
     * @return the RESERVATION-TOKEN: 8 random bytes
     * @throws IllegalArgumentException when the port is not held from the pool
     */
    public long reserve(int port, InetAddress relayIp, long nowNanos) {
        if (!pool.markReserved(port)) {
            throw new IllegalArgumentException("port " + port + " is not held from the pool");
        }
        Reservation reservation = new Reservation(port, Objects.requireNonNull(relayIp, "relayIp"), nowNanos + holdNanos);
        for (;;) {
            long token = random.nextLong();
            if (byToken.putIfAbsent(token, reservation) == null) {
                return token;
            }
        }
    }

    /**
     * The relay address a token reserved its port on, without claiming it: RFC 8656 §7.2 gives the allocation
     * that presents the token the reserved relayed address, whatever family the client came over.
     *
     * @return the address, or null when the token is unknown or already claimed
     */
    public InetAddress relayAddress(long token) {
        Reservation reservation = byToken.get(token);
        return reservation == null ? null : reservation.relayIp();
    }

    /**
     * Claims the port reserved under a token: it becomes in use by the caller, who releases it to the
     * pool when its allocation ends. A token is good once.
     *
     * @return the port, or -1 when the token is unknown, already claimed or has lapsed (its port is
     *     then back in the pool)
     */
    public int claim(long token, long nowNanos) {
        Reservation reservation = byToken.remove(token);
        if (reservation == null) {
            return -1;
        }
        if (reservation.hasLapsed(nowNanos)) {
            pool.release(reservation.port());
            return -1;
        }
        return pool.claimReserved(reservation.port()) ? reservation.port() : -1;
    }

    /** Ends the reservations whose hold time is over and gives their ports back to the pool. */
    public void expire(long nowNanos) {
        byToken.forEach((token, reservation) -> {
            if (reservation.hasLapsed(nowNanos) && byToken.remove(token, reservation)) {
                pool.release(reservation.port());
            }
        });
    }

    /** How many reservations are held. */
    public int size() {
        return byToken.size();
    }

    private record Reservation(int port, InetAddress relayIp, long expiresAtNanos) {
        boolean hasLapsed(long nowNanos) {
            return Deadlines.passed(expiresAtNanos, nowNanos);
        }
    }
}
