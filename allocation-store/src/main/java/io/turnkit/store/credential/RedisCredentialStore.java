package io.turnkit.store.credential;

import java.io.IOException;
import java.net.SocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.KeyValue;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisException;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.SetArgs;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;

/**
 * Credentials in Redis ({@code --redis-userdb redis://HOST:PORT/DB}), shared by every server and admin command that
 * points at the same database. Keys, never passwords, as in the {@link FileCredentialStore}. The layout keeps
 * coturn's keys, so coturn and turnkit can read one database, and adds turnkit's own next to them:
 *
 * <pre>
 * turn/realm/REALM/user/NAME/key          hex MD5 key, 32 digits (RFC 8489 §9.2.2)    coturn's key
 * turn/realm/REALM/user/NAME/sha256-key   hex SHA-256 key, 64 digits (§18.5.1.2)      turnkit
 * turn/realm/REALM/user/NAME/added        when the user was added, ISO-8601           turnkit
 * turn/realm/REALM/secret/ID              TURN REST API secret                         coturn's key
 * turn/realm/REALM/secret-added/ID        when the secret was added, ISO-8601         turnkit
 * </pre>
 *
 * All are plain strings. turnkit writes a secret under the hex SHA-256 of the secret as its ID; coturn's secrets
 * with any other ID are read as well. What coturn wrote carries no time and counts as the oldest. REALM, NAME and
 * ID are percent-encoded where they hold '%', '/', white space, control or glob characters ({@link RedisKeys}).
 * coturn's {@code …/password} keys (clear-text passwords) are not read: turnkit holds keys only. A value of the
 * wrong form fails {@link #open} with the key's name, as a bad line fails the file store.
 *
 * <p><b>Reads</b> never touch the network: lookups answer from an immutable snapshot, swapped in whole. The
 * snapshot is loaded at {@link #open} (SCAN {@code turn/realm/*} and MGET), and again on a thread of its own when
 * another store publishes a change on {@value #CHANGES_CHANNEL}, and every {@link #RELOAD_INTERVAL} in case a
 * message was missed (Redis restarted, a write by coturn's tools). A load that fails keeps the previous snapshot
 * and is logged once until a load succeeds.
 *
 * <p><b>Writes</b> go to Redis first, then into this store's snapshot (a store sees its own writes at once), then
 * {@code PUBLISH turnkit/credentials/changed STORE-ID}. Each command is atomic (on a Redis Cluster, for the keys of
 * each hash slot: the keys are coturn's, without a hash tag, so a user's keys lie in different slots); between two
 * of them a reader may see a user half updated, and the message that follows makes every store load again.
 *
 * <p>The database may be one server, a master behind Redis Sentinel, or a Redis Cluster ({@link RedisDatabase}).
 */
public final class RedisCredentialStore implements CredentialStore {
    /** The pub/sub channel a write is announced on; the message is the writing store's id. */
    public static final String CHANGES_CHANNEL = "turnkit/credentials/changed";
    /** How often the snapshot is loaded again without a message. */
    public static final Duration RELOAD_INTERVAL = Duration.ofSeconds(30);
    /** How long to wait for a TCP (and TLS) connection before calling Redis unreachable. */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    /** How long one command may take; a store that cannot write within it says so rather than hang. */
    static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(5);
    private static final int SCAN_BATCH = 1000;
    /** "connect(..) failed: ", "finishConnect(..) failed with error(-111): ": what the native transport adds. */
    private static final Pattern NATIVE_CALL = Pattern.compile("^\\w+\\(\\.\\.\\) failed[^:]*: ");
    /** Causes are followed this deep, in case a chain loops. */
    private static final int MAX_CAUSES = 16;
    private static final Logger LOG = LoggerFactory.getLogger(RedisCredentialStore.class);

    private final StoreLocation location;
    private final Clock clock;
    private final RedisDatabase database;
    private final RedisClusterCommands<String, String> commands;
    private final StatefulRedisPubSubConnection<String, String> changes;
    private final ScheduledExecutorService loader;
    /** Tells this store's own messages from other stores'. */
    private final String storeId = UUID.randomUUID().toString();
    private final AtomicReference<Loaded> loaded = new AtomicReference<>(Loaded.of(List.of(), List.of()));
    private final AtomicBoolean loadRequested = new AtomicBoolean();
    /** Whether the last load failed; guarded by {@code this}, which loads hold. */
    private boolean failing;
    private volatile boolean closed;
    /** Told of the users and secrets a load found gone: deleted through another store. */
    private volatile Consumer<RemovedCredentials> removed = gone -> { };

    /** The lists a snapshot was built from, kept so that a write can make the next snapshot. */
    private record Loaded(List<UserKeys> users, List<SecretEntry> secrets, CredentialSnapshot snapshot) {
        static Loaded of(List<UserKeys> users, List<SecretEntry> secrets) {
            List<UserKeys> sortedUsers = new ArrayList<>(users);
            sortedUsers.sort(RedisRecords.USER_ORDER);
            List<SecretEntry> sortedSecrets = new ArrayList<>(secrets);
            sortedSecrets.sort(RedisRecords.SECRET_ORDER);
            return new Loaded(List.copyOf(sortedUsers), List.copyOf(sortedSecrets),
                    CredentialSnapshot.of(sortedUsers, sortedSecrets));
        }

        /** With the user named {@code realm}, {@code username} replaced by {@code keys}, or removed when null. */
        Loaded withUser(String realm, String username, UserKeys keys) {
            List<UserKeys> next = new ArrayList<>(users.size() + 1);
            for (UserKeys user : users) {
                if (!user.realm().equals(realm) || !user.username().equals(username)) {
                    next.add(user);
                }
            }
            if (keys != null) {
                next.add(keys);
            }
            return of(next, secrets);
        }

        /** With {@code entry}'s secret added ({@code present}) or removed. */
        Loaded withSecret(SecretEntry entry, boolean present) {
            List<SecretEntry> next = new ArrayList<>(secrets);
            next.removeIf(secret -> secret.sameAs(entry.realm(), entry.secret()));
            if (present) {
                next.add(entry);
            }
            return of(users, next);
        }
    }

    private RedisCredentialStore(StoreLocation location, Clock clock, RedisDatabase database,
            StatefulRedisPubSubConnection<String, String> changes) {
        this.location = location;
        this.clock = clock;
        this.database = database;
        this.commands = database.sync();
        this.changes = changes;
        this.loader = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "turnkit-redis-credentials");
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Connects to the Redis database at {@code location}, loads the credentials and follows their changes.
     *
     * @throws IOException "cannot reach redis://HOST:PORT/DB: REASON" when Redis does not answer within a few
     *                     seconds or refuses the password; "cannot read …: KEY: PROBLEM" when a value is malformed
     */
    public static RedisCredentialStore open(StoreLocation location) throws IOException {
        return open(location, Clock.systemUTC(), RELOAD_INTERVAL);
    }

    /**
     * As {@link #open(StoreLocation)}; {@code clock} dates the secrets added, which orders them newest first, and
     * {@code reloadInterval} replaces {@link #RELOAD_INTERVAL}.
     */
    static RedisCredentialStore open(StoreLocation location, Clock clock, Duration reloadInterval) throws IOException {
        RedisDatabase database = RedisDatabase.open(location, COMMAND_TIMEOUT, CONNECT_TIMEOUT);
        RedisCredentialStore store;
        try {
            store = new RedisCredentialStore(location, clock, database, database.connectPubSub());
        } catch (RedisException e) {
            database.close();
            throw new IOException("cannot reach " + location.describe() + ": " + reason(e), e);
        }
        database.addListener(store.new Outage());
        try {
            store.follow(reloadInterval);
            return store;
        } catch (RedisException | IllegalArgumentException e) {
            store.close();
            throw new IOException("cannot read " + location.describe() + ": " + reason(e), e);
        }
    }

    @Override
    public Optional<UserKeys> user(String realm, String username) {
        return loaded.get().snapshot().user(realm, username);
    }

    @Override
    public Optional<UserKeys> userByHash(String realm, byte[] userHash) {
        return loaded.get().snapshot().userByHash(realm, userHash);
    }

    @Override
    public List<String> secrets(String realm) {
        return loaded.get().snapshot().secrets(realm);
    }

    @Override
    public List<UserKeys> users() {
        return loaded.get().snapshot().users();
    }

    @Override
    public void putUser(UserKeys keys) throws IOException {
        Map<String, String> values = new LinkedHashMap<>();
        List<String> absent = new ArrayList<>();
        put(values, absent, RedisKeys.user(keys.realm(), keys.username(), RedisKeys.Kind.USER_MD5_KEY), keys.md5Key());
        put(values, absent, RedisKeys.user(keys.realm(), keys.username(), RedisKeys.Kind.USER_SHA256_KEY),
                keys.sha256Key());
        values.put(RedisKeys.user(keys.realm(), keys.username(), RedisKeys.Kind.USER_ADDED), keys.added().toString());
        write(() -> {
            if (!absent.isEmpty()) {
                commands.del(absent.toArray(String[]::new));
            }
            return commands.mset(values);
        });
        changed(current -> current.withUser(keys.realm(), keys.username(), keys));
    }

    /**
     * The "added" key is claimed first, alone, with SET NX: one key, so the claim is atomic on a Redis Cluster too,
     * where a user's keys lie in different hash slots and no command sets them all in one step. Every turnkit writer
     * sets that key, so two adding the same name cannot both succeed; until the keys follow, a load meets a time
     * without keys, which is no user. A user written by coturn has only its MD5 key: that one is looked for first.
     */
    @Override
    public boolean addUser(UserKeys keys) throws IOException {
        Map<String, String> values = new LinkedHashMap<>();
        String md5Key = RedisKeys.user(keys.realm(), keys.username(), RedisKeys.Kind.USER_MD5_KEY);
        put(values, new ArrayList<>(), md5Key, keys.md5Key());
        put(values, new ArrayList<>(), RedisKeys.user(keys.realm(), keys.username(), RedisKeys.Kind.USER_SHA256_KEY),
                keys.sha256Key());
        String addedKey = RedisKeys.user(keys.realm(), keys.username(), RedisKeys.Kind.USER_ADDED);
        boolean added = write(() -> commands.exists(md5Key) == 0 && claim(addedKey, keys.added().toString())
                && "OK".equals(commands.mset(values)));
        if (added) {
            changed(current -> current.withUser(keys.realm(), keys.username(), keys));
        }
        return added;
    }

    @Override
    public boolean deleteUser(String realm, String username) throws IOException {
        long removed = write(() -> {
            long keys = commands.del(RedisKeys.user(realm, username, RedisKeys.Kind.USER_MD5_KEY),
                    RedisKeys.user(realm, username, RedisKeys.Kind.USER_SHA256_KEY));
            commands.del(RedisKeys.user(realm, username, RedisKeys.Kind.USER_ADDED));
            return keys;
        });
        if (removed > 0) {
            changed(current -> current.withUser(realm, username, null));
        }
        return removed > 0;
    }

    @Override
    public void addSecret(String realm, String secret) throws IOException {
        SecretEntry entry = new SecretEntry(realm, secret, clock.instant());
        String id = RedisKeys.secretId(secret);
        // The time is claimed first, as a user's (see addUser): a secret added twice, even by two stores at once,
        // keeps its first time, and a load that meets the time before the secret counts no secret.
        if (write(() -> claim(RedisKeys.secretAdded(realm, id), entry.added().toString())
                && "OK".equals(commands.set(RedisKeys.secret(realm, id), secret)))) {
            changed(current -> current.withSecret(entry, true));
        }
    }

    @Override
    public boolean deleteSecret(String realm, String secret) throws IOException {
        long removed = write(() -> {
            List<String> keys = new ArrayList<>();
            forEachValue(RedisKeys.secretsOf(realm), (key, value) -> {
                RedisKeys.Parsed parsed = RedisKeys.parse(key);
                if (value.equals(secret) && parsed != null) {
                    keys.add(key);
                    keys.add(RedisKeys.secretAdded(realm, parsed.name()));
                }
            });
            return keys.isEmpty() ? 0L : commands.del(keys.toArray(String[]::new));
        });
        if (removed > 0) {
            changed(current -> current.withSecret(new SecretEntry(realm, secret, clock.instant()), false));
        }
        return removed > 0;
    }

    /**
     * Loads the credentials from Redis now, on the calling thread, and swaps them in unless a write of this store
     * replaced the snapshot meanwhile (then another load is asked for, since this one may lack other stores'
     * changes).
     */
    synchronized void reload() {
        Loaded before = loaded.get();
        Loaded fresh;
        try {
            fresh = load();
        } catch (RedisException | IllegalArgumentException e) {
            if (!failing && !closed) {
                LOG.warn("Keeping the credentials loaded before: cannot read {}: {}", location, reason(e));
                failing = true;
            }
            return;
        }
        if (failing) {
            LOG.info("Credentials loaded from {} again", location);
            failing = false;
        }
        if (!loaded.compareAndSet(before, fresh)) {
            requestReload();
            return;
        }
        List<UserKeys> users = new ArrayList<>();
        for (UserKeys user : before.users()) {
            if (fresh.snapshot().user(user.realm(), user.username()).isEmpty()) {
                users.add(user);
            }
        }
        List<SecretEntry> secrets = new ArrayList<>();
        for (SecretEntry secret : before.secrets()) {
            if (fresh.secrets().stream().noneMatch(kept -> kept.sameAs(secret.realm(), secret.secret()))) {
                secrets.add(secret);
            }
        }
        RemovedCredentials removed = new RemovedCredentials(users, secrets);
        if (!removed.isEmpty()) {
            this.removed.accept(removed);
        }
    }

    /**
     * Calls {@code listener}, on this store's loader thread, with the users and REST API secrets a load finds
     * deleted since the last one: within moments of their deletion through any store, since a write is announced
     * on {@value #CHANGES_CHANNEL}. A server closes the allocations they authenticated.
     */
    public void onRemoved(Consumer<RemovedCredentials> listener) {
        removed = listener;
    }

    @Override
    public void close() {
        closed = true;
        loader.shutdownNow();
        database.close();
    }

    /**
     * One line when the connection to Redis goes and one when it is back, whatever the number of reconnection
     * attempts between them (Lettuce's own lines for each attempt are for debugging, not for operators).
     */
    private final class Outage implements RedisConnectionStateListener {
        private boolean down;

        @Override
        public synchronized void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
            if (!down && !closed) {
                down = true;
                LOG.warn("Lost the connection to {}; reconnecting", location);
            }
        }

        @Override
        public synchronized void onRedisConnected(RedisChannelHandler<?, ?> connection, SocketAddress address) {
            if (down) {
                down = false;
                LOG.info("Connected to {} again", location);
            }
        }
    }

    /** Subscribes to changes, then loads (so no change falls between the two), then loads on a timer. */
    private void follow(Duration reloadInterval) {
        changes.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String channel, String message) {
                // Called on a Lettuce I/O thread: the load runs on the loader thread.
                if (!storeId.equals(message)) {
                    requestReload();
                }
            }
        });
        changes.sync().subscribe(CHANGES_CHANNEL);
        loaded.set(load());
        long millis = reloadInterval.toMillis();
        loader.scheduleWithFixedDelay(this::reload, millis, millis, TimeUnit.MILLISECONDS);
    }

    /** Queues one load; messages that come before it starts are served by it. */
    private void requestReload() {
        if (loadRequested.compareAndSet(false, true)) {
            try {
                loader.execute(() -> {
                    loadRequested.set(false);
                    reload();
                });
            } catch (RejectedExecutionException closed) {
                // The store was closed: nobody reads the snapshot any more.
            }
        }
    }

    private Loaded load() {
        RedisRecords records = new RedisRecords();
        forEachValue(RedisKeys.ALL, records::add);
        return Loaded.of(records.users(), records.secrets());
    }

    /** SCANs the keys matching {@code pattern} and hands each string key with its value to {@code action}. */
    private void forEachValue(String pattern, BiConsumer<String, String> action) {
        ScanArgs args = ScanArgs.Builder.matches(pattern).limit(SCAN_BATCH);
        KeyScanCursor<String> cursor = commands.scan(args);
        while (true) {
            if (!cursor.getKeys().isEmpty()) {
                for (KeyValue<String, String> entry : commands.mget(cursor.getKeys().toArray(String[]::new))) {
                    // A key of another type, or deleted since the SCAN, has no value.
                    if (entry.hasValue()) {
                        action.accept(entry.getKey(), entry.getValue());
                    }
                }
            }
            if (cursor.isFinished()) {
                return;
            }
            cursor = commands.scan(cursor, args);
        }
    }

    /** SET NX: whether {@code key} was absent and now holds {@code value}. */
    private boolean claim(String key, String value) {
        return "OK".equals(commands.set(key, value, SetArgs.Builder.nx()));
    }

    /** Runs Redis commands, turning their failure into an IOException naming the store. */
    private <T> T write(Supplier<T> commandsToRun) throws IOException {
        try {
            return commandsToRun.get();
        } catch (RedisException e) {
            throw new IOException("cannot write to " + location.describe() + ": " + reason(e), e);
        }
    }

    /** Puts a written change into this store's snapshot, and tells the other stores. */
    private void changed(UnaryOperator<Loaded> change) {
        loaded.updateAndGet(change);
        try {
            commands.publish(CHANGES_CHANNEL, storeId);
        } catch (RedisException e) {
            // The change is stored; other stores will see it at their next timed load.
            LOG.warn("Cannot announce a credential change on {}: {}", location, reason(e));
        }
    }

    private static void put(Map<String, String> values, List<String> absent, String key, byte[] value) {
        if (value == null) {
            absent.add(key);
        } else {
            values.put(key, HexFormat.of().formatHex(value));
        }
    }

    /**
     * The innermost message of a failure: "Connection refused", "WRONGPASS invalid username-password pair…".
     * The system call Netty's native transport names before the system's words ("finishConnect(..) failed with
     * error(-111): ") is left out, and NOAUTH's own text, which talks of HELLO, a detail of the protocol, is said in
     * the operator's words instead.
     */
    public static String reason(Throwable failure) {
        String reason = failure.getClass().getSimpleName();
        Throwable cause = failure;
        for (int depth = 0; cause != null && depth < MAX_CAUSES; depth++, cause = cause.getCause()) {
            if (cause.getMessage() != null) {
                reason = cause.getMessage();
            }
        }
        return reason.startsWith("NOAUTH") ? "Redis asks for a password (NOAUTH)"
                : NATIVE_CALL.matcher(reason).replaceFirst("");
    }
}
