package io.turnkit.store.credential;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RedisKeysTest {
    @Test
    void shouldNameAPlainUsersKeyAsCoturnDoes() {
        assertEquals("turn/realm/north.gov/user/gorst/key",
                RedisKeys.user("north.gov", "gorst", RedisKeys.Kind.USER_MD5_KEY));
    }

    @ParameterizedTest
    @ValueSource(strings = {"gorst", "a/b", "100%", "*", "x?[y]\\z", "jo smith", "ünï"})
    void shouldParseBackTheRealmAndNameItEncodes(String name) {
        String key = RedisKeys.user("realm/" + name, name, RedisKeys.Kind.USER_SHA256_KEY);

        assertEquals(new RedisKeys.Parsed(RedisKeys.Kind.USER_SHA256_KEY, "realm/" + name, name), RedisKeys.parse(key));
    }

    @Test
    void shouldKeepGlobCharactersOutOfAPattern() {
        assertEquals("turn/realm/a%2A%3F%5B%5D%5C%2Fb/secret/*", RedisKeys.secretsOf("a*?[]\\/b"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"turn/realm/north.gov/user/gorst/password", "turn/realm/north.gov/max-bps",
        "turn/user/gorst/password", "turn/realm/north.gov/secret/1/2", "turn/denied-peer-ip/1", "other"})
    void shouldSkipKeysOutsideTheLayout(String key) {
        assertNull(RedisKeys.parse(key));
    }

    @Test
    void shouldReadCoturnsSecretUnderAnyId() {
        assertEquals(new RedisKeys.Parsed(RedisKeys.Kind.SECRET, "north.gov", "1368426581"),
                RedisKeys.parse("turn/realm/north.gov/secret/1368426581"));
    }
}
