package io.turnkit.cli.conf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.turnkit.server.config.ExternalIp;
import io.turnkit.server.config.ServerConfig;
import io.turnkit.server.policy.AddressRange;
import io.turnkit.server.policy.IpLiteral;

class ConfigFileTest {

    @Test
    void shouldReadACoturnTurnserverConf() throws Exception {
        ConfigFile file = ConfigFile.read(sample());

        ServerConfig config = ServeOption.toServerConfig(file.entries());

        assertEquals(3478, config.listeners().listeningPort());
        assertEquals(List.of(IpLiteral.parse("172.17.19.101"), IpLiteral.parse("2607:f0d0:1002:51::4")),
                config.listeners().listeningIps());
        assertEquals(List.of(IpLiteral.parse("172.17.19.101")), config.relay().relayIps());
        assertEquals(List.of(ExternalIp.parse("60.70.80.91/172.17.19.101")), config.relay().externalIps());
        assertEquals(49160, config.relay().minPort());
        assertEquals(49200, config.relay().maxPort());
        assertFalse(config.logging().verbose());
        assertTrue(config.auth().useAuthSecret());
        assertEquals(List.of("north", "south#2"), config.auth().staticAuthSecrets());
        assertEquals("example.org", config.auth().realm());
        assertArrayEquals(HexFormat.of().parseHex("bc807ee29df3c9ffa736523fb2c4e8ee"),
                config.auth().userKeys().get("ninefingers"));
        assertEquals(Map.of("alice", "wonder land"), config.auth().users());
        assertEquals(12, config.limits().userQuota());
        assertEquals(1200, config.limits().totalQuota());
        assertEquals(64000, config.relay().maxBps());
        assertEquals(Duration.ofSeconds(600), config.auth().staleNonce());
        assertEquals(Duration.ofSeconds(1800), config.limits().maxAllocateLifetime());
        assertTrue(config.listeners().noTcp());
        assertFalse(config.listeners().noUdp());
        assertEquals(List.of(AddressRange.parse("0.0.0.0/8"), AddressRange.parse("10.0.0.0/8"),
                AddressRange.parse("100.64.0.0/10")), config.peers().deniedPeerRanges());
        assertEquals(List.of(AddressRange.parse("172.17.19.200")), config.peers().allowedPeerRanges());
        assertNull(config.softwareAttribute());
    }

    @Test
    void shouldWarnOnceForEachIgnoredCoturnOptionNamingItsLine() throws Exception {
        ConfigFile file = ConfigFile.read(sample());

        assertEquals(4, file.warnings().size(), String.join("\n", file.warnings()));
        assertTrue(file.warnings().get(0).matches(".*turnserver\\.conf:16: ignoring 'fingerprint': .*"),
                file.warnings().get(0));
    }

    @ParameterizedTest
    @ValueSource(strings = {"min-port=50000", "min-port 50000", "min-port = 50000", "min-port\t50000",
        "--min-port=50000", "  min-port=50000  ", "min-port=\"50000\""})
    void shouldReadEveryWayCoturnSeparatesNameAndValue(String line) throws Exception {
        ConfigFile file = ConfigFile.parse("t.conf", List.of(line));

        assertEquals(50000, ServeOption.toServerConfig(file.entries()).relay().minPort());
    }

    @Test
    void shouldTurnABareFlagOn() throws Exception {
        ConfigFile file = ConfigFile.parse("t.conf", List.of("realm=r", "no-udp"));

        assertTrue(ServeOption.toServerConfig(file.entries()).listeners().noUdp());
    }

    @ParameterizedTest
    @ValueSource(strings = {"no-udp=off", "no-udp=0", "no-udp=false", "no-udp no", "no-udp=F"})
    void shouldTurnAFlagOffWithCoturnsFalseWords(String line) throws Exception {
        ConfigFile file = ConfigFile.parse("t.conf", List.of("realm=r", "no-udp", line));

        assertFalse(ServeOption.toServerConfig(file.entries()).listeners().noUdp());
    }

    @Test
    void shouldSkipCommentsAndBlankLines() throws Exception {
        ConfigFile file = ConfigFile.parse("t.conf", List.of("# listening-port=1", "", "   ", "\t# min-port=1"));

        assertEquals(List.of(), file.entries());
    }

    @Test
    void shouldKeepAHashInsideAValue() throws Exception {
        ConfigFile file = ConfigFile.parse("t.conf", List.of("static-auth-secret=a#b"));

        assertEquals("a#b", file.entries().get(0).value());
    }

    @Test
    void shouldRejectAnUnknownOptionNamingFileAndLine() {
        ConfigException error = assertThrows(ConfigException.class,
                () -> ConfigFile.parse("/etc/turnserver.conf", List.of("# coturn", "realm=r", "mobilty")));

        assertEquals("/etc/turnserver.conf:3: unknown option 'mobilty' (turnkit serve --help lists the options)",
                error.getMessage());
    }

    @Test
    void shouldRefuseACoturnOptionTurnkitCannotHonourSayingWhatToUseInstead() {
        ConfigException error = assertThrows(ConfigException.class,
                () -> ConfigFile.parse("/etc/turnserver.conf", List.of("realm=r", "proc-user=turnserver")));

        assertEquals("/etc/turnserver.conf:2: 'proc-user' is not supported: turnkit does not change its user or "
                + "group; instead: run turnkit under systemd's User= and Group=", error.getMessage());
    }

    @Test
    void shouldNameFileLineAndOptionForABadValue() throws Exception {
        ConfigFile file = ConfigFile.parse("t.conf", List.of("realm=r", "", "min-port=abc"));

        ConfigException error = assertThrows(ConfigException.class, () -> ServeOption.toServerConfig(file.entries()));

        assertEquals("t.conf:3: min-port: expected a port number 1-65535, got 'abc'", error.getMessage());
    }

    @Test
    void shouldRejectAValueOptionWithoutAValue() throws Exception {
        ConfigFile file = ConfigFile.parse("t.conf", List.of("realm"));

        ConfigException error = assertThrows(ConfigException.class, () -> ServeOption.toServerConfig(file.entries()));

        assertEquals("t.conf:1: realm: missing value, expected REALM", error.getMessage());
    }

    @Test
    void shouldRejectAWordThatIsNotABoolean() throws Exception {
        ConfigFile file = ConfigFile.parse("t.conf", List.of("no-udp=maybe"));

        ConfigException error = assertThrows(ConfigException.class, () -> ServeOption.toServerConfig(file.entries()));

        assertEquals("t.conf:1: no-udp: expected on/off, yes/no, true/false or 1/0, got 'maybe'", error.getMessage());
    }

    @Test
    void shouldAcceptEveryNameOfAnOption() throws Exception {
        ConfigFile file = ConfigFile.parse("t.conf", List.of("realm=r", "db=/tmp/users", "Verbose", "prod"));

        ServerConfig config = ServeOption.toServerConfig(file.entries());

        assertEquals(Path.of("/tmp/users"), config.auth().userdb());
        assertTrue(config.logging().verbose());
    }

    private static Path sample() throws URISyntaxException {
        return Path.of(ConfigFileTest.class.getResource("turnserver.conf").toURI());
    }
}
