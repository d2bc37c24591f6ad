package io.turnkit.store;

import java.security.SecureRandom;
import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;

import org.jctools.queues.atomic.MpmcAtomicArrayQueue;

/**
 * The ports relayed transport addresses are made of (RFC 8656 §7.2), shared by every event loop
 * without locks.
 *
 * <p>Each port has a state in an {@link AtomicIntegerArray}, which is the authority: {@code FREE},
 * {@code IN_USE} (an allocation's relayed port) or {@code RESERVED} (held for a RESERVATION-TOKEN,
 * RFC 8656 §7.2). Free ports also wait in a FIFO free list of pre-boxed {@link Integer}s, so taking
 * any port is one poll and a released port goes to the back of the line rather than straight to the
 * next client. A port can be taken directly by its state too ({@link #acquireSpecific},
 * {@link #acquireEven}); its entry then stays in the free list and is skipped when polled.
 *
 * <p>A {@code QUEUED} bit next to the state says the port has an entry in the free list, or is being
 * put in or taken out. It is set by the release that offers the port and cleared by the poll that
 * takes the entry out, so a port is never in the list twice and the list, sized to the range, never
 * overflows.
 *
 * <p>The free list starts in a random order so that relayed ports are hard to guess (RFC 6056). It is
 * JCTools' queue on atomic field updaters rather than sun.misc.Unsafe, whose memory-access methods JDK 24
 * and later warn about at start and a later JDK removes (JEP 471, JEP 498); a port is taken once per
 * allocation, not per packet.
 */
public final class RelayPortPool {
    private static final int FREE = 0;
    private static final int IN_USE = 1;
    private static final int RESERVED = 2;
    private static final int STATE_MASK = 0x3;
    private static final int QUEUED = 0x4;

    private final int minPort;
    private final int maxPort;
    private final Integer[] boxedPorts;
    private final AtomicIntegerArray states;
    private final MpmcAtomicArrayQueue<Integer> freeList;
    private final AtomicInteger available;

    /** A pool of the ports from {@code minPort} to {@code maxPort}, both included, all free. */
    public RelayPortPool(int minPort, int maxPort) {
        if (minPort < 1 || maxPort > 0xFFFF || minPort > maxPort) {
            throw new IllegalArgumentException("bad relay port range " + minPort + "-" + maxPort);
        }
        this.minPort = minPort;
        this.maxPort = maxPort;
        int capacity = maxPort - minPort + 1;
        boxedPorts = new Integer[capacity];
        states = new AtomicIntegerArray(capacity);
        freeList = new MpmcAtomicArrayQueue<>(Math.max(2, capacity));
        available = new AtomicInteger(capacity);
        for (int i = 0; i < capacity; i++) {
            boxedPorts[i] = minPort + i;
            states.set(i, FREE | QUEUED);
        }
        for (int index : shuffledIndexes(capacity, new SecureRandom())) {
            offer(index);
        }
    }

    /** Takes any free port; -1 when none is free. */
    public int acquire() {
        for (Integer port; (port = freeList.poll()) != null;) {
            if (takeFromFreeList(port - minPort)) {
                return port;
            }
        }
        return -1;
    }

    /** Takes a free even port, for EVEN-PORT with R=0 (RFC 8656 §7.2); -1 when none is free. */
    public int acquireEven() {
        return acquireEvenPort(false);
    }

    /**
     * Takes an even port P and puts P+1 in the RESERVED state, for EVEN-PORT with R=1 (RFC 8656 §7.2);
     * -1 when no such pair is free. P+1 is then handed to {@link Reservations#reserve}.
     */
    public int acquireEvenPair() {
        return acquireEvenPort(true);
    }

    /** Takes exactly this port if it is free (a RESERVATION-TOKEN's port, a configured port). */
    public boolean acquireSpecific(int port) {
        return inRange(port) && take(port - minPort, IN_USE);
    }

    /**
     * Gives a port back, whether it was in use or reserved. Releasing a port that is already free, or
     * is outside the range, does nothing.
     */
    public void release(int port) {
        if (!inRange(port)) {
            return;
        }
        int index = port - minPort;
        for (;;) {
            int state = states.get(index);
            if ((state & STATE_MASK) == FREE) {
                return;
            }
            if (states.compareAndSet(index, state, FREE | QUEUED)) {
                available.incrementAndGet();
                if ((state & QUEUED) == 0) {
                    offer(index);
                }
                return;
            }
        }
    }

    /** How many ports are free now. */
    public int available() {
        return available.get();
    }

    /** How many ports the pool has. */
    public int capacity() {
        return boxedPorts.length;
    }

    public int minPort() {
        return minPort;
    }

    public int maxPort() {
        return maxPort;
    }

    /** Moves an in-use port to RESERVED; true when it is reserved afterwards. */
    boolean markReserved(int port) {
        return inRange(port)
                && (move(port - minPort, IN_USE, RESERVED) || (states.get(port - minPort) & STATE_MASK) == RESERVED);
    }

    /** Moves a reserved port to IN_USE, for the allocation that claimed it; false when it was not reserved. */
    boolean claimReserved(int port) {
        return inRange(port) && move(port - minPort, RESERVED, IN_USE);
    }

    private int acquireEvenPort(boolean withNext) {
        int firstEven = minPort + (minPort & 1);
        int lastEven = withNext ? maxPort - 1 : maxPort;
        if (firstEven > lastEven) {
            return -1;
        }
        int candidates = (lastEven - firstEven) / 2 + 1;
        // A random starting point: the ports handed out stay hard to guess, and concurrent callers
        // rarely race for the same one.
        int start = ThreadLocalRandom.current().nextInt(candidates);
        for (int i = 0; i < candidates; i++) {
            int index = firstEven + 2 * ((start + i) % candidates) - minPort;
            if (withNext && (states.get(index + 1) & STATE_MASK) != FREE) {
                continue;
            }
            if (take(index, IN_USE)) {
                if (!withNext || take(index + 1, RESERVED)) {
                    return minPort + index;
                }
                release(minPort + index);
            }
        }
        return -1;
    }

    /** Takes a port out of the FREE state; its free-list entry, if any, stays and is skipped later. */
    private boolean take(int index, int newState) {
        if (move(index, FREE, newState)) {
            available.decrementAndGet();
            return true;
        }
        return false;
    }

    /** Moves a port from one state to another, keeping its QUEUED bit; false when it was not in {@code from}. */
    private boolean move(int index, int from, int to) {
        for (;;) {
            int state = states.get(index);
            if ((state & STATE_MASK) != from) {
                return false;
            }
            if (states.compareAndSet(index, state, to | (state & QUEUED))) {
                return true;
            }
        }
    }

    /**
     * Settles a port whose entry was just polled from the free list: takes it when it is free, and
     * in every case clears QUEUED, since the entry is out of the list.
     */
    private boolean takeFromFreeList(int index) {
        for (;;) {
            int state = states.get(index);
            boolean free = (state & STATE_MASK) == FREE;
            int next = free ? IN_USE : state & STATE_MASK;
            if (states.compareAndSet(index, state, next)) {
                if (free) {
                    available.decrementAndGet();
                }
                return free;
            }
        }
    }

    private void offer(int index) {
        if (!freeList.offer(boxedPorts[index])) {
            // Cannot happen: the QUEUED bit keeps each port in the list at most once.
            throw new IllegalStateException("relay port free list overflow at port " + (minPort + index));
        }
    }

    private boolean inRange(int port) {
        return port >= minPort && port <= maxPort;
    }

    private static int[] shuffledIndexes(int count, Random random) {
        int[] indexes = new int[count];
        for (int i = 0; i < count; i++) {
            indexes[i] = i;
        }
        for (int i = count - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int swap = indexes[i];
            indexes[i] = indexes[j];
            indexes[j] = swap;
        }
        return indexes;
    }
}
