package io.turnkit.store.credential;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

class RedisRecordsTest {
    private static final String REALM = "north.gov";

    @Test
    void shouldCountASecretHeldUnderTwoIdsOnceWithItsNewestTime() {
        RedisRecords records = new RedisRecords();
        records.add("turn/realm/north.gov/secret/1368426581", "logen");
        records.add(RedisKeys.secret(REALM, RedisKeys.secretId("logen")), "logen");
        records.add(RedisKeys.secretAdded(REALM, RedisKeys.secretId("logen")), "2025-01-01T00:00:00Z");

        assertEquals(List.of(new SecretEntry(REALM, "logen", Instant.parse("2025-01-01T00:00:00Z"))),
                records.secrets());
    }

    @Test
    void shouldTakeATimeWithoutKeysForNoUser() {
        RedisRecords records = new RedisRecords();
        records.add(RedisKeys.user(REALM, "gone", RedisKeys.Kind.USER_ADDED), "2025-01-01T00:00:00Z");

        assertTrue(records.users().isEmpty());
    }

    @Test
    void shouldRefuseABadTimeNamingTheKey() {
        RedisRecords records = new RedisRecords();
        String key = RedisKeys.user(REALM, "gorst", RedisKeys.Kind.USER_ADDED);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> records.add(key, "yesterday"));

        assertTrue(e.getMessage().startsWith(key + ": expected an ISO-8601 instant"), e.getMessage());
    }
}
