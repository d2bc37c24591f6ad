package io.turnkit.server.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.turnkit.server.policy.AddressRange;
import io.turnkit.server.policy.IpLiteral;
import io.turnkit.server.policy.PeerPolicy;
import io.turnkit.store.credential.StoreLocation;

class ServerConfigTest {
    private static final byte[] KEY = {
        (byte) 0xbc, (byte) 0x80, 0x7e, (byte) 0xe2, (byte) 0x9d, (byte) 0xf3, (byte) 0xc9, (byte) 0xff,
        (byte) 0xa7, 0x36, 0x52, 0x3f, (byte) 0xb2, (byte) 0xc4, (byte) 0xe8, (byte) 0xee};

    @Test
    void shouldHoldCoturnDefaults() {
        ServerConfig config = ServerConfig.builder().realm("example.org").build();

        assertEquals(List.of(), config.listeningIps());
        assertEquals(3478, config.listeningPort());
        assertEquals(List.of(), config.relayIps());
        assertEquals(List.of(), config.externalIps());
        assertEquals(49152, config.minPort());
        assertEquals(65535, config.maxPort());
        assertFalse(config.ltCredMech());
        assertFalse(config.useAuthSecret());
        assertEquals(':', config.restApiSeparator());
        assertFalse(config.allowLoopbackPeers());
        assertEquals(0, config.userQuota());
        assertEquals(0, config.totalQuota());
        assertEquals(0, config.maxBps());
        assertEquals(Duration.ofSeconds(3600), config.maxAllocateLifetime());
        assertEquals(Duration.ofSeconds(300), config.permissionLifetime());
        assertEquals(Duration.ofSeconds(600), config.channelLifetime());
        assertEquals(Duration.ofSeconds(600), config.staleNonce());
        assertFalse(config.noUdp());
        assertFalse(config.noTcp());
        assertFalse(config.verbose());
        assertEquals(ServerConfig.defaultUserdb(), config.userdb());
    }

    @Test
    void shouldSendNoSoftwareAttributeByDefault() {
        assertNull(ServerConfig.builder().realm("example.org").build().softwareAttribute());
    }

    @Test
    void shouldKeepTheUserdbUnderTheHomeDirectory() {
        assertTrue(ServerConfig.defaultUserdb().endsWith(".local/share/turnkit/userdb"),
                ServerConfig.defaultUserdb().toString());
    }

    @Test
    void shouldKeepCredentialsInTheUserdbUnlessRedisIsGiven() {
        Path userdb = Path.of("/var/lib/turnkit/userdb");

        assertEquals(StoreLocation.file(userdb),
                ServerConfig.builder().realm("example.org").userdb(userdb).build().credentialStore());
    }

    @Test
    void shouldKeepCredentialsInRedisWithItsPasswordAndTls() {
        ServerConfig config = ServerConfig.builder().realm("example.org").userdb(Path.of("/var/lib/turnkit/userdb"))
                .redisUserdb("redis://10.0.0.5/2").redisPassword("hunter2").redisTls(true).build();

        assertEquals(StoreLocation.redis(URI.create("rediss://10.0.0.5:6379/2"), "hunter2", true),
                config.credentialStore());
        assertFalse(config.toString().contains("hunter2"), config.toString());
    }

    @Test
    void shouldRefuseRedisTlsWithoutRedis() {
        ServerConfig.Builder builder = ServerConfig.builder().realm("example.org").redisTls(true);

        assertThrows(IllegalArgumentException.class, builder::build);
    }

    @Test
    void shouldDefaultTheRealmToTheHostName() throws Exception {
        assertEquals(InetAddress.getLocalHost().getHostName(), ServerConfig.builder().build().realm());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, 65536})
    void shouldRejectARelayPortOutsideOneTo65535(int port) {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> ServerConfig.builder().minPort(port));

        assertEquals("expected a port number 1-65535, got " + port, error.getMessage());
    }

    @Test
    void shouldAcceptListeningPortZeroForAnyFreePort() {
        assertEquals(0, ServerConfig.builder().listeningPort(0).realm("r").build().listeningPort());
    }

    @Test
    void shouldRejectAListeningPortAbove65535() {
        assertThrows(IllegalArgumentException.class, () -> ServerConfig.builder().listeningPort(65536));
    }

    @Test
    void shouldDoRfc5780OnTheListeningPortPlusOneWhenAskedWithoutAPort() {
        ServerConfig config = rfc5780Addresses().listeningPort(3478).rfc5780(true).build();

        assertTrue(config.rfc5780());
        assertEquals(3479, config.altListeningPort());
    }

    @Test
    void shouldDoRfc5780WhenGivenAnAlternatePortUnlessNoRfc5780() {
        assertEquals(4000, rfc5780Addresses().altListeningPort(4000).build().altListeningPort());
        assertFalse(rfc5780Addresses().altListeningPort(4000).noRfc5780(true).build().rfc5780());
        assertFalse(rfc5780Addresses().build().rfc5780(), "off by default");
    }

    @Test
    void shouldRefuseRfc5780WithoutAnAlternateAddressOfTheSameFamily() {
        ServerConfig.Builder builder = ServerConfig.builder().realm("r").rfc5780(true)
                .addListeningIp(IpLiteral.parse("127.0.0.1")).addListeningIp(IpLiteral.parse("::1"));

        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, builder::build);

        assertEquals("rfc5780 needs two listening-ip addresses of one family, the primary and the alternate address",
                error.getMessage());
    }

    @Test
    void shouldRefuseRfc5780OnAnyFreePortOrWithoutUdp() {
        assertThrows(IllegalArgumentException.class, () -> rfc5780Addresses().listeningPort(0).rfc5780(true).build());
        assertThrows(IllegalArgumentException.class,
                () -> rfc5780Addresses().listeningPort(4000).altListeningPort(4000).build());
        assertThrows(IllegalArgumentException.class, () -> rfc5780Addresses().noUdp(true).rfc5780(true).build());
    }

    @Test
    void shouldRefuseAnAlternateServerClientsCannotReach() {
        assertThrows(IllegalArgumentException.class,
                () -> ServerConfig.builder().addAlternateServer(new InetSocketAddress("0.0.0.0", 3478)));
        assertEquals(List.of(new InetSocketAddress("192.0.2.1", 5349)), ServerConfig.builder().realm("r")
                .addTlsAlternateServer(new InetSocketAddress("192.0.2.1", 5349)).build().tlsAlternateServers());
    }

    private static ServerConfig.Builder rfc5780Addresses() {
        return ServerConfig.builder().realm("r").addListeningIp(IpLiteral.parse("127.0.0.1"))
                .addListeningIp(IpLiteral.parse("127.0.0.2"));
    }

    @Test
    void shouldRejectMinPortAboveMaxPort() {
        ServerConfig.Builder builder = ServerConfig.builder().minPort(60000).maxPort(50000);

        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, builder::build);

        assertEquals("min-port 60000 is above max-port 50000", error.getMessage());
    }

    @ParameterizedTest
    @ValueSource(longs = {0, -5})
    void shouldRejectALifetimeBelowOneSecond(long seconds) {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> ServerConfig.builder().permissionLifetime(Duration.ofSeconds(seconds)));

        assertEquals("expected a lifetime of 1 second or more, got " + seconds + " s", error.getMessage());
    }

    @Test
    void shouldRejectANegativeQuota() {
        assertThrows(IllegalArgumentException.class, () -> ServerConfig.builder().userQuota(-1));
    }

    @Test
    void shouldRejectNoUdpWithNoTcp() {
        ServerConfig.Builder builder = ServerConfig.builder().noUdp(true).noTcp(true);

        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, builder::build);

        assertEquals("no-udp and no-tcp together leave nothing to listen on", error.getMessage());
    }

    @Test
    void shouldRejectARealmOf128Characters() {
        assertThrows(IllegalArgumentException.class, () -> ServerConfig.builder().realm("r".repeat(128)));
    }

    @Test
    void shouldTurnTheLongTermMechanismOnForStaticUsers() {
        assertTrue(ServerConfig.builder().realm("r").user("alice", "secret").build().ltCredMech());
    }

    @Test
    void shouldTurnRestApiCredentialsOnForAStaticSecret() {
        ServerConfig config = ServerConfig.builder().realm("r").addStaticAuthSecret("north").build();

        assertTrue(config.useAuthSecret());
        assertTrue(config.ltCredMech());
    }

    @Test
    void shouldKeepTheLastOfPasswordAndKeyForOneUser() {
        ServerConfig config = ServerConfig.builder().realm("r").user("alice", "secret").userKey("alice", KEY)
                .build();

        assertEquals(Map.of(), config.users());
        assertArrayEquals(KEY, config.userKeys().get("alice"));
    }

    @Test
    void shouldRejectAKeyThatIsNot16Bytes() {
        assertThrows(IllegalArgumentException.class, () -> ServerConfig.builder().userKey("alice", new byte[20]));
    }

    @Test
    void shouldNotLetACallerChangeAUserKey() {
        byte[] key = KEY.clone();
        ServerConfig config = ServerConfig.builder().realm("r").userKey("alice", key).build();
        key[0] = 0;
        config.userKeys().get("alice")[1] = 0;

        assertArrayEquals(KEY, config.userKeys().get("alice"));
    }

    @Test
    void shouldNeverPrintAPasswordKeyOrSecret() {
        String text = ServerConfig.builder().realm("r").user("alice", "pa55word").userKey("bob", KEY)
                .addStaticAuthSecret("n0rth").build().toString();

        assertTrue(text.contains("alice") && text.contains("bob"), text);
        assertFalse(text.contains("pa55word") || text.contains("n0rth") || text.contains("[B@"), text);
    }

    @Test
    void shouldAllowOneWholeFamilyExternalIpPerFamily() {
        ServerConfig config = ServerConfig.builder().realm("r").addExternalIp(ExternalIp.parse("60.70.80.91"))
                .addExternalIp(ExternalIp.parse("2001:db8::1")).build();

        assertEquals(2, config.externalIps().size());
    }

    @Test
    void shouldRejectASecondWholeFamilyExternalIp() {
        ServerConfig.Builder builder = ServerConfig.builder().addExternalIp(ExternalIp.parse("60.70.80.91"))
                .addExternalIp(ExternalIp.parse("60.70.80.92"));

        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, builder::build);

        assertEquals("external-ip 60.70.80.92 maps every relay address of its family a second time",
                error.getMessage());
    }

    @Test
    void shouldRejectTwoMappingsOfOnePrivateAddress() {
        ServerConfig.Builder builder = ServerConfig.builder()
                .addExternalIp(ExternalIp.parse("60.70.80.91/172.17.19.101"))
                .addExternalIp(ExternalIp.parse("60.70.80.92/172.17.19.101"));

        assertThrows(IllegalArgumentException.class, builder::build);
    }

    @Test
    void shouldRejectAWildcardRelayIpNobodyCouldReach() {
        ServerConfig.Builder builder = ServerConfig.builder().addRelayIp(IpLiteral.parse("0.0.0.0"));

        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, builder::build);

        assertTrue(error.getMessage().startsWith("relay-ip 0.0.0.0 is a wildcard"), error.getMessage());
    }

    @Test
    void shouldAcceptAWildcardRelayIpBehindAnExternalIp() {
        ServerConfig config = ServerConfig.builder().realm("r").addRelayIp(IpLiteral.parse("0.0.0.0"))
                .addExternalIp(ExternalIp.parse("60.70.80.91")).build();

        assertEquals(List.of(IpLiteral.parse("0.0.0.0")), config.relayIps());
    }

    @Test
    void shouldCountARepeatedListeningIpOnce() {
        ServerConfig config = ServerConfig.builder().realm("r").addListeningIp(IpLiteral.parse("10.0.0.1"))
                .addListeningIp(IpLiteral.parse("10.0.0.1")).build();

        assertEquals(List.of(IpLiteral.parse("10.0.0.1")), config.listeningIps());
    }

    @Test
    void shouldBuildThePeerPolicyFromItsRanges() {
        ServerConfig config = ServerConfig.builder().realm("r")
                .addAllowedPeerRange(AddressRange.parse("10.1.2.3"))
                .addDeniedPeerRange(AddressRange.parse("8.8.8.0/24")).build();

        assertEquals(PeerPolicy.Verdict.ALLOWED, config.peerPolicy().check(IpLiteral.parse("10.1.2.3")));
        assertEquals(PeerPolicy.Verdict.DENIED_BY_RULE, config.peerPolicy().check(IpLiteral.parse("8.8.8.8")));
    }

    @Test
    void shouldNameTheVersionInTheDefaultSoftwareAttribute() {
        assertTrue(ServerConfig.defaultSoftwareAttribute().startsWith("turnkit/"));
    }
}
