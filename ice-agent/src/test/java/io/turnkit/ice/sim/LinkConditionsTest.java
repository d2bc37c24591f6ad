package io.turnkit.ice.sim;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * Delay, jitter, loss and reordering on a router's link, measured over many datagrams with a fixed seed: the
 * statistics must match the settings, and the same seed must give the same run.
 */
class LinkConditionsTest {
    private static final int DATAGRAMS = 10_000;
    /** The sender's pace: one datagram per millisecond. */
    private static final Duration PACE = Duration.ofMillis(1);

    private final SimulatedClock clock = new SimulatedClock();
    private final VirtualNetwork network = new VirtualNetwork(clock, new Random(7675));
    private final VirtualUdpSocket sender = network.internet().addHost("sender", "198.51.100.1").bind(5000);
    private final VirtualUdpSocket receiver = network.internet().addHost("receiver", "198.51.100.2").bind(6000);
    private final Inbox inbox = Inbox.of(receiver);

    @Test
    void shouldDelayEveryDatagramByTheFixedDelay() {
        network.internet().setLinkConditions(LinkConditions.PERFECT.withDelay(Duration.ofMillis(50)));

        sendNumbered(100);

        assertEquals(100, inbox.size());
        for (Inbox.Received received : inbox.all()) {
            long sentAt = Integer.parseInt(received.text()) * PACE.toNanos();
            assertEquals(Duration.ofMillis(50).toNanos(), received.nanos() - sentAt, received.text());
        }
    }

    @Test
    void shouldSpreadDelaysOverTheJitter() {
        network.internet().setLinkConditions(LinkConditions.PERFECT.withDelay(Duration.ofMillis(50))
                .withJitter(Duration.ofMillis(20)));

        sendNumbered(DATAGRAMS);

        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        double sum = 0;
        for (Inbox.Received received : inbox.all()) {
            long transit = received.nanos() - Integer.parseInt(received.text()) * PACE.toNanos();
            min = Math.min(min, transit);
            max = Math.max(max, transit);
            sum += transit;
        }
        double meanMillis = sum / inbox.size() / 1e6;
        long minimum = min;
        long maximum = max;
        assertAll(
                () -> assertEquals(DATAGRAMS, inbox.size()),
                () -> assertTrue(minimum >= Duration.ofMillis(50).toNanos(), "never below the delay: " + minimum),
                () -> assertTrue(maximum < Duration.ofMillis(70).toNanos(), "below delay + jitter: " + maximum),
                () -> assertEquals(60, meanMillis, 0.5, "uniform jitter averages half its width"));
    }

    @Test
    void shouldLoseTheLossRateOfDatagramsAndCountThem() {
        network.internet().setLinkConditions(LinkConditions.PERFECT.withLossRate(0.2));

        sendNumbered(DATAGRAMS);

        double delivered = (double) inbox.size() / DATAGRAMS;
        assertEquals(0.8, delivered, 0.02, "share delivered");
        assertEquals(DATAGRAMS, inbox.size() + network.drops(DropReason.LOSS), "every datagram delivered or lost");
    }

    @Test
    void shouldReorderTheReorderRateOfDatagrams() {
        // Held back by 5 ms while one leaves every 1 ms: each held-back datagram arrives after the next four.
        network.internet().setLinkConditions(LinkConditions.PERFECT.withDelay(Duration.ofMillis(10))
                .withReordering(0.1, Duration.ofMillis(5)));

        sendNumbered(DATAGRAMS);

        double late = (double) arrivedAfterALaterOne(inbox.all()) / DATAGRAMS;
        assertEquals(DATAGRAMS, inbox.size(), "reordering loses nothing");
        assertEquals(0.1, late, 0.02, "share arriving after a later datagram");
    }

    @Test
    void shouldKeepTheOrderOnAPerfectLink() {
        sendNumbered(1000);

        assertEquals(0, arrivedAfterALaterOne(inbox.all()));
    }

    @Test
    void shouldGiveTheSameRunForTheSameSeed() {
        LinkConditions lossy = LinkConditions.PERFECT.withLossRate(0.3).withJitter(Duration.ofMillis(30));
        network.internet().setLinkConditions(lossy);
        sendNumbered(1000);

        LinkConditionsTest again = new LinkConditionsTest();
        again.network.internet().setLinkConditions(lossy);
        again.sendNumbered(1000);

        assertEquals(inbox.all(), again.inbox.all());
    }

    @Test
    void shouldRefuseRatesOutsideZeroToOne() {
        assertThrows(IllegalArgumentException.class, () -> LinkConditions.PERFECT.withLossRate(1.5));
        assertThrows(IllegalArgumentException.class, () -> LinkConditions.PERFECT.withLossRate(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> LinkConditions.PERFECT.withDelay(Duration.ofMillis(-1)));
    }

    /** Sends datagrams "0", "1", ... one per {@link #PACE}, then runs the network until all arrived or were lost. */
    private void sendNumbered(int count) {
        for (int i = 0; i < count; i++) {
            clock.runUntil(i * PACE.toNanos());
            sender.send(receiver.localAddress(), Inbox.bytes(Integer.toString(i)));
        }
        clock.runUntilIdle(count);
    }

    /** How many datagrams arrived after one sent later than they were. */
    private static int arrivedAfterALaterOne(List<Inbox.Received> received) {
        int late = 0;
        int highest = -1;
        for (Inbox.Received datagram : received) {
            int number = Integer.parseInt(datagram.text());
            if (number < highest) {
                late++;
            }
            highest = Math.max(highest, number);
        }
        return late;
    }
}
