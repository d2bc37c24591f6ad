package io.turnkit.store.credential;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class StoreLocationTest {
    @Test
    void shouldDescribeAFile() {
        StoreLocation file = StoreLocation.file(Path.of("/var/lib/turnkit/userdb"));

        assertEquals("file /var/lib/turnkit/userdb", file.describe());
        assertFalse(file.isRedis());
    }

    @ParameterizedTest
    @CsvSource({
        "redis://10.0.0.5, redis://10.0.0.5:6379/0",
        "redis://10.0.0.5:6390/2, redis://10.0.0.5:6390/2",
        "redis://redis.internal/, redis://redis.internal:6379/0",
        "rediss://redis.internal:6380/1, rediss://redis.internal:6380/1",
        "redis://:pw@10.0.0.5/3, redis://10.0.0.5:6379/3",
        "redis://turn:pw@10.0.0.5/3, redis://turn@10.0.0.5:6379/3",
        "redis://[::1]:6390/0, redis://[::1]:6390/0",
        "'ip=10.0.0.5 dbname=2 password=turn port=6390 connect_timeout=30', redis://10.0.0.5:6390/2",
        "dbname=4, redis://127.0.0.1:6379/4",
        "ip=::1, redis://[::1]:6379/0",
        "redis-sentinel://10.0.0.5#main, redis-sentinel://10.0.0.5:26379/0#main",
        "'redis-sentinel://:pw@10.0.0.5:26380,10.0.0.6/2#main', 'redis-sentinel://10.0.0.5:26380,10.0.0.6:26379/2#main'",
        "rediss-sentinel://turn:pw@[::1]/0#main, rediss-sentinel://turn@[::1]:26379/0#main",
        "'redis-cluster://10.0.0.5,10.0.0.6:7001', 'redis-cluster://10.0.0.5:6379,10.0.0.6:7001/0'",
        "rediss-cluster://:pw@10.0.0.5:7000/, rediss-cluster://10.0.0.5:7000/0",
    })
    void shouldReadTheUriAndCoturnForms(String value, String described) {
        assertEquals(described, StoreLocation.parseRedis(value, null, false).describe());
    }

    @Test
    void shouldKeepThePasswordOutOfTheDescription() {
        StoreLocation location = StoreLocation.parseRedis("redis://:pa55word@10.0.0.5/1", null, false);

        assertEquals("pa55word", location.redisPassword());
        assertEquals("redis://10.0.0.5:6379/1", location.toString());
        assertFalse(location.redisUri().toString().contains("pa55word"));
    }

    @Test
    void shouldNameTheSentinelsAndMasterOrTheClustersSeeds() {
        StoreLocation sentinel = StoreLocation.parseRedis("redis-sentinel://:pw@10.0.0.5,10.0.0.6:26380/1#main", null,
                false);
        StoreLocation cluster = StoreLocation.parseRedis("rediss-cluster://10.0.0.5:7000", null, false);

        assertEquals(StoreLocation.Topology.SENTINEL, sentinel.redisTopology());
        assertEquals("main", sentinel.redisMaster());
        assertEquals("pw", sentinel.redisPassword());
        assertEquals(List.of(InetSocketAddress.createUnresolved("10.0.0.5", 26379),
                InetSocketAddress.createUnresolved("10.0.0.6", 26380)), sentinel.redisHosts());
        assertEquals(StoreLocation.Topology.CLUSTER, cluster.redisTopology());
        assertTrue(cluster.redisTls());
        assertEquals(List.of(InetSocketAddress.createUnresolved("10.0.0.5", 7000)), cluster.redisHosts());
    }

    @Test
    void shouldReadCoturnsPassword() {
        assertEquals("turn", StoreLocation.parseRedis("ip=10.0.0.5 password=turn", null, false).redisPassword());
    }

    @Test
    void shouldLetAPasswordGivenApartWinOverTheOneInTheUri() {
        assertEquals("given", StoreLocation.parseRedis("redis://:inline@10.0.0.5/1", "given", false).redisPassword());
    }

    @Test
    void shouldUseTlsForRedissOrWhenAsked() {
        assertTrue(StoreLocation.parseRedis("rediss://10.0.0.5", null, false).redisTls());
        StoreLocation asked = StoreLocation.parseRedis("redis://10.0.0.5", null, true);

        assertTrue(asked.redisTls());
        assertEquals("rediss://10.0.0.5:6379/0", asked.describe());
    }

    @Test
    void shouldHaveNoPasswordUnlessGiven() {
        assertNull(StoreLocation.redis(URI.create("redis://10.0.0.5"), null, false).redisPassword());
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://10.0.0.5", "redis:///0", "redis://10.0.0.5/x", "redis://10.0.0.5/0?timeout=1",
        "ip=10.0.0.5 port=99999", "host", "user=turn", "", "redis://10.0.0.5:6379/0/1",
        "redis://10.0.0.5,10.0.0.6", "redis-sentinel://10.0.0.5/0", "redis-sentinel://10.0.0.5/0#",
        "redis-cluster://10.0.0.5/1", "redis-cluster://10.0.0.5,/0", "redis-cluster://10.0.0.5/0#main"})
    void shouldRefuseWhatItCannotRead(String value) {
        assertThrows(IllegalArgumentException.class, () -> StoreLocation.parseRedis(value, null, false));
    }

    @Test
    void shouldNotRepeatAPasswordWhenRefusingAValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> StoreLocation.parseRedis("ip=10.0.0.5 password=hunter2 dbname=x", null, false));

        assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
    }
}
