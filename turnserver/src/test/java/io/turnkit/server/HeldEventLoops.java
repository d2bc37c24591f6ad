package io.turnkit.server;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;

/**
 * Every event loop of a server kept busy until released, so datagrams sent meanwhile wait in the sockets and the
 * server then reads them in batches, as it does under load. Without it a fast server may read a client's
 * burst one datagram at a time, and a test of what a batch does (GSO runs) would depend on timing.
 */
public final class HeldEventLoops {
    /** A held loop is let go after this even if the test never releases it. */
    private static final long LIMIT_SECONDS = 10;
    private final CountDownLatch release = new CountDownLatch(1);

    public HeldEventLoops(EventLoopGroup group) throws InterruptedException {
        int loops = 0;
        for (EventExecutor ignored : group) {
            loops++;
        }
        CountDownLatch held = new CountDownLatch(loops);
        for (EventExecutor loop : group) {
            loop.execute(() -> {
                held.countDown();
                try {
                    release.await(LIMIT_SECONDS, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
        if (!held.await(LIMIT_SECONDS, TimeUnit.SECONDS)) {
            release.countDown();
            throw new IllegalStateException("the event loops did not all take the holding task");
        }
    }

    public void release() {
        release.countDown();
    }
}
