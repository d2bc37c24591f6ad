package io.turnkit.ice.mdns;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The querying half of {@link MulticastDns} (RFC 6762 §5): one query per name however many wait for it, sent at
 * once with the QU bit, then again after 1 s and 2 s more without it (§5.2: intervals of at least a second, doubling;
 * §5.4: QU on the first query only), until an answer comes or the timeout ends it. Answers are cached for their TTL
 * (§10), a goodbye (TTL 0, §10.1) removes one.
 */
final class MdnsResolver {
    private static final long SECOND = 1_000_000_000L;
    /** Bounds the cache: names are only those this side asked for, so this is many sessions' worth. */
    private static final int MAX_CACHED = 1024;
    /** Bounds the queries at once, against a peer that signals names without end. */
    static final int MAX_PENDING = 256;

    private final MulticastDns mdns;
    private final long timeoutNanos;
    private final Map<String, Query> pending = new HashMap<>();
    private final Map<String, Cached> cache = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Cached> eldest) {
            return size() > MAX_CACHED;
        }
    };

    private static final class Query {
        final List<MulticastDns.Resolution> waiting = new ArrayList<>();
        final long deadline;
        long nextSend;
        long interval = SECOND;
        boolean unicastResponse = true;

        Query(long now, long timeout) {
            this.deadline = now + timeout;
            this.nextSend = now;
        }
    }

    private record Cached(InetAddress address, long expiresAt) {
    }

    MdnsResolver(MulticastDns mdns, long timeoutNanos) {
        this.mdns = mdns;
        this.timeoutNanos = timeoutNanos;
    }

    /** False when too many names are being resolved already: the caller leaves the name out. */
    boolean resolve(String name, MulticastDns.Resolution resolution, long now) {
        Cached cached = cache.get(name);
        if (cached != null && cached.expiresAt - now > 0) {
            resolution.resolved(name, cached.address, now);
            return true;
        }
        Query query = pending.get(name);
        if (query == null) {
            if (pending.size() >= MAX_PENDING) {
                return false;
            }
            query = new Query(now, timeoutNanos);
            pending.put(name, query);
            handleTimeout(now);
        }
        query.waiting.add(resolution);
        return true;
    }

    /** An address record for {@code name} with {@code ttlSeconds} from a response. */
    void answer(String name, InetAddress address, long ttlSeconds, long now) {
        if (ttlSeconds == 0) {
            cache.remove(name);
            return;
        }
        Query query = pending.remove(name);
        if (query == null && !cache.containsKey(name)) {
            return;   // an answer to someone else's question: every responder's answers reach every host
        }
        cache.put(name, new Cached(address, now + ttlSeconds * SECOND));
        if (query != null) {
            query.waiting.forEach(r -> r.resolved(name, address, now));
        }
    }

    void handleTimeout(long now) {
        List<Map.Entry<String, Query>> expired = null;
        for (Iterator<Map.Entry<String, Query>> it = pending.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Query> e = it.next();
            Query query = e.getValue();
            if (query.deadline - now <= 0) {
                it.remove();
                if (expired == null) {
                    expired = new ArrayList<>();
                }
                expired.add(e);
            } else if (query.nextSend - now <= 0) {
                mdns.sendQuery(e.getKey(), query.unicastResponse);
                query.unicastResponse = false;
                query.nextSend = now + query.interval;
                query.interval *= 2;
            }
        }
        if (expired != null) {
            // After the walk: a resolution may start another query, which changes the map.
            for (Map.Entry<String, Query> e : expired) {
                e.getValue().waiting.forEach(r -> r.resolved(e.getKey(), null, now));
            }
        }
    }

    long pollTimeout() {
        long next = Long.MAX_VALUE;
        for (Query query : pending.values()) {
            next = Math.min(next, Math.min(query.deadline, query.nextSend));
        }
        return next;
    }

    int pendingCount() {
        return pending.size();
    }
}
