package io.turnkit.store.credential;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Path;

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
        "ip=10.0.0.5 port=99999", "host", "user=turn", "", "redis://10.0.0.5:6379/0/1"})
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
