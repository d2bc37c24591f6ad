package io.turnkit.cli.conf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import io.turnkit.server.config.ServerConfig;
import io.turnkit.store.credential.StoreLocation;

class ServeOptionTest {

    @ParameterizedTest
    @EnumSource(ServeOption.class)
    void shouldBeReadableFromAFileUnderItsLongName(ServeOption option) {
        assertEquals(option, ServeOption.forFileKey(option.longName().substring(2)));
    }

    @Test
    void shouldNotCallAnOptionTurnkitReadsUnsupported() {
        for (ServeOption option : ServeOption.values()) {
            assertNull(UnsupportedOption.forFileKey(option.longName().substring(2)), option.longName());
        }
    }

    @Test
    void shouldReadAUserGivenByItsMd5Key() throws Exception {
        ServerConfig config = config("--user", "ninefingers:0xBC807EE29DF3C9FFA736523FB2C4E8EE");

        assertArrayEquals(HexFormat.of().parseHex("bc807ee29df3c9ffa736523fb2c4e8ee"),
                config.auth().userKeys().get("ninefingers"));
    }

    @Test
    void shouldKeepTheColonsOfAPassword() throws Exception {
        assertEquals("a:b:c", config("--user", "alice:a:b:c").auth().users().get("alice"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0xabc", "0xZZ807ee29df3c9ffa736523fb2c4e8ee", "0x"})
    void shouldRejectAKeyThatIsNot32HexDigits(String key) {
        ConfigException error = assertThrows(ConfigException.class, () -> config("--user", "bob:" + key));

        assertEquals("--user: expected NAME:0xKEY with the 32 hex digits of the MD5 key for user 'bob'",
                error.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"alice", ":s3cret", "alice:"})
    void shouldRejectAMalformedUserWithoutRepeatingIt(String value) {
        ConfigException error = assertThrows(ConfigException.class, () -> config("--user", value));

        assertEquals("--user: expected NAME:PASSWORD or NAME:0xKEY", error.getMessage());
        assertFalse(error.getMessage().contains("s3cret"));
    }

    @Test
    void shouldGiveTheDefaultSoftwareAttributeWhenNoTextIsGiven() throws Exception {
        assertEquals(ServerConfig.defaultSoftwareAttribute(), config("--software-attribute", null).softwareAttribute());
    }

    @Test
    void shouldTakeTheSoftwareAttributeText() throws Exception {
        assertEquals("relay", config("--software-attribute", "relay").softwareAttribute());
    }

    @Test
    void shouldGiveTheDefaultNonceLifetimeWhenNoneIsGiven() throws Exception {
        assertEquals(Duration.ofSeconds(600), config("--stale-nonce", null).auth().staleNonce());
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1", "1.5", "", "99999999999999999999", "1e3"})
    void shouldRejectAQuotaThatIsNotAWholeNumber(String value) {
        ConfigException error = assertThrows(ConfigException.class, () -> config("--user-quota", value));

        assertEquals("--user-quota: expected a number of allocations, 0 or more, got '" + value + "'",
                error.getMessage());
    }

    @Test
    void shouldRejectASeparatorOfMoreThanOneCharacter() {
        ConfigException error = assertThrows(ConfigException.class, () -> config("--rest-api-separator", "::"));

        assertEquals("--rest-api-separator: expected one character, got '::'", error.getMessage());
    }

    @Test
    void shouldTakeATlsAlternateServerByHostNameAndKeepTheName() throws Exception {
        InetSocketAddress alternate = config("--tls-alternate-server", "localhost:443").relay().tlsAlternateServers().get(0);

        assertEquals("localhost", alternate.getHostString());
        assertEquals(443, alternate.getPort());
    }

    @Test
    void shouldRefuseATlsAlternateServerWhoseNameDoesNotResolve() {
        ConfigException error = assertThrows(ConfigException.class,
                () -> config("--tls-alternate-server", "no-such-host.invalid"));

        assertTrue(error.getMessage().endsWith("tls-alternate-server no-such-host.invalid does not resolve to an "
                + "address"), error.getMessage());
    }

    @Test
    void shouldReportOptionsThatDoNotFitTogetherWithoutAnOrigin() {
        ConfigException error = assertThrows(ConfigException.class, () -> ServeOption.toServerConfig(List.of(
                entry("--min-port", "60000"), entry("--max-port", "50000"))));

        assertEquals("min-port 60000 is above max-port 50000", error.getMessage());
    }

    @Test
    void shouldMakeAPicocliOptionUnderEveryName() {
        assertTrue(List.of(ServeOption.USERDB.toOptionSpec(null).names()).containsAll(List.of("--userdb", "--db", "-b")));
        assertNotNull(ServeOption.SOFTWARE_ATTRIBUTE.toOptionSpec(null).fallbackValue());
    }

    @Test
    void shouldKeepTheFileStoreUnlessRedisIsGiven() throws Exception {
        ServerConfig config = config("--userdb", "/var/lib/turnkit/userdb");

        assertEquals("file /var/lib/turnkit/userdb", config.auth().credentialStore().describe());
    }

    @Test
    void shouldReadCoturnsRedisUserdb() throws Exception {
        StoreLocation store = config("--redis-userdb", "ip=10.0.0.5 dbname=2 password=turn connect_timeout=30")
                .auth().credentialStore();

        assertEquals("redis://10.0.0.5:6379/2", store.describe());
        assertEquals("turn", store.redisPassword());
    }

    @Test
    void shouldReadCoturnsQuotedRedisUserdbLine() throws Exception {
        ConfigFile file = ConfigFile.parse("turnserver.conf",
                List.of("realm=r", "redis-userdb=\"ip=127.0.0.1 dbname=2 password=turn connect_timeout=30\""));

        assertEquals("redis://127.0.0.1:6379/2",
                ServeOption.toServerConfig(file.entries()).auth().credentialStore().describe());
    }

    @Test
    void shouldLetRedisPasswordAndTlsApplyToTheUri() throws Exception {
        StoreLocation store = ServeOption.toServerConfig(List.of(entry("--realm", "r"),
                entry("--redis-password", "given"), entry("--redis-tls", null),
                entry("--redis-userdb", "redis://:inline@10.0.0.5:6390/1"))).auth().credentialStore();

        assertEquals("rediss://10.0.0.5:6390/1", store.describe());
        assertEquals("given", store.redisPassword());
    }

    @Test
    void shouldRefuseABadRedisUserdbWithoutRepeatingItsPassword() {
        ConfigException error = assertThrows(ConfigException.class,
                () -> config("--redis-userdb", "ip=10.0.0.5 password=hunter2 port=high"));

        assertTrue(error.getMessage().startsWith("redis-userdb: expected a port 1-65535"), error.getMessage());
        assertFalse(error.getMessage().contains("hunter2"), error.getMessage());
    }

    @Test
    void shouldRefuseRedisTlsWithoutRedisUserdb() {
        ConfigException error = assertThrows(ConfigException.class, () -> config("--redis-tls", null));

        assertEquals("redis-tls needs redis-userdb", error.getMessage());
    }

    @Test
    void shouldReadTheTlsAndProxyOptions() throws Exception {
        ServerConfig config = ServeOption.toServerConfig(List.of(entry("--realm", "r"),
                entry("--tls-listening-port", "443"),
                entry("--cert", "/etc/letsencrypt/live/turn.example.com/fullchain.pem"),
                entry("--pkey", "/etc/letsencrypt/live/turn.example.com/privkey.pem"),
                entry("--pkey-pwd", "pw"), entry("--cipher-list", "TLS_AES_128_GCM_SHA256"),
                entry("--proxy-protocol", null), entry("--no-tls", "off")));

        assertEquals(443, config.listeners().tlsListeningPort());
        assertEquals(Path.of("/etc/letsencrypt/live/turn.example.com/fullchain.pem"), config.listeners().cert());
        assertEquals(Path.of("/etc/letsencrypt/live/turn.example.com/privkey.pem"), config.listeners().pkey());
        assertEquals("pw", config.listeners().pkeyPwd());
        assertEquals("TLS_AES_128_GCM_SHA256", config.listeners().cipherList());
        assertTrue(config.listeners().proxyProtocol());
        assertFalse(config.listeners().noTls());
    }

    @Test
    void shouldDefaultToTlsOn5349WithoutCertificate() throws Exception {
        ServerConfig config = ServeOption.toServerConfig(List.of(entry("--realm", "r")));

        assertEquals(5349, config.listeners().tlsListeningPort());
        assertNull(config.listeners().cert());
        assertFalse(config.listeners().noTls());
        assertFalse(config.listeners().proxyProtocol());
    }

    @Test
    void shouldRefuseACertificateWithoutItsKey() {
        ConfigException error = assertThrows(ConfigException.class, () -> config("--cert", "/etc/ssl/turn.pem"));

        assertEquals("cert needs pkey", error.getMessage());
    }

    private static ServerConfig config(String name, String value) throws ConfigException {
        return ServeOption.toServerConfig(List.of(entry("--realm", "r"), entry(name, value)));
    }

    private static ConfigEntry entry(String name, String value) {
        return new ConfigEntry(ServeOption.forFileKey(name.substring(2)), value, name);
    }
}
