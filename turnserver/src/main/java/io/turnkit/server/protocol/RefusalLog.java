package io.turnkit.server.protocol;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * INFO lines about refused requests (failed authentication, forbidden peers, quotas), at most
 * {@value #LINES_PER_SECOND} a second of each kind, so that a flood of bad requests cannot fill the disk. The
 * lines held back are counted, and the next line of their kind says how many there were. Shared by every event
 * loop; only requests that are refused come here, never the relay path.
 */
public final class RefusalLog {
    /** What was refused; each kind has its own allowance. */
    enum Kind {
        /** 401 for an unknown user, a wrong key or too many failures, 438 for a stale nonce. */
        AUTHENTICATION,
        /** 403: a peer the policy does not let the relay reach. */
        FORBIDDEN_PEER,
        /** 486: a user or the server at its allocation quota. */
        QUOTA,
        /** 508: no relay port left to bind. */
        CAPACITY,
        /** An Allocate refused while the server drains ({@link AllocationAdmission}). */
        DRAINING
    }

    static final int LINES_PER_SECOND = 10;
    private static final Logger LOG = LoggerFactory.getLogger(RefusalLog.class);
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    private final LongSupplier nanoTime;
    private final long[] windowStart = new long[Kind.values().length];
    private final int[] linesInWindow = new int[Kind.values().length];
    private final long[] heldBack = new long[Kind.values().length];

    /** @param nanoTime the monotonic time, {@code System::nanoTime} but in tests */
    public RefusalLog(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
        long now = nanoTime.getAsLong();
        Arrays.fill(windowStart, now);
    }

    /** Logs {@code line} (an SLF4J pattern) with its arguments, unless its kind used up this second's lines. */
    void log(Kind kind, String line, Object... arguments) {
        long held = admit(kind);
        if (held < 0) {
            return;
        }
        if (held == 0) {
            LOG.info(line, arguments);
        } else {
            LOG.info(line + " ({} more of these held back)", append(arguments, held));
        }
    }

    /**
     * Whether a line of {@code kind} may be written now.
     *
     * @return -1 when it is held back, else how many were held back since the last one written
     */
    synchronized long admit(Kind kind) {
        int k = kind.ordinal();
        long now = nanoTime.getAsLong();
        if (now - windowStart[k] >= SECOND) {
            windowStart[k] = now;
            linesInWindow[k] = 0;
        }
        if (linesInWindow[k] == LINES_PER_SECOND) {
            heldBack[k]++;
            return -1;
        }
        linesInWindow[k]++;
        long held = heldBack[k];
        heldBack[k] = 0;
        return held;
    }

    private static Object[] append(Object[] arguments, Object last) {
        Object[] all = Arrays.copyOf(arguments, arguments.length + 1);
        all[arguments.length] = last;
        return all;
    }
}
