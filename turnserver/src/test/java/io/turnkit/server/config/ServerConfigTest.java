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
        ServerConfig config = ServerConfig.builder().auth(au -> au.realm("example.org")).build();

        assertEquals(List.of(), config.listeners().listeningIps());
        assertEquals(3478, config.listeners().listeningPort());
        assertEquals(List.of(), config.relay().relayIps());
        assertEquals(List.of(), config.relay().externalIps());
        assertEquals(49152, config.relay().minPort());
        assertEquals(65535, config.relay().maxPort());
        assertFalse(config.auth().useAuthSecret());
        assertEquals(':', config.auth().restApiSeparator());
        assertFalse(config.peers().allowLoopbackPeers());
        assertEquals(0, config.limits().userQuota());
        assertEquals(0, config.limits().totalQuota());
        assertEquals(0, config.relay().maxBps());
        assertEquals(Duration.ofSeconds(3600), config.limits().maxAllocateLifetime());
        assertEquals(Duration.ofSeconds(300), config.limits().permissionLifetime());
        assertEquals(Duration.ofSeconds(600), config.limits().channelLifetime());
        assertEquals(Duration.ofSeconds(600), config.auth().staleNonce());
        assertFalse(config.listeners().noUdp());
        assertFalse(config.listeners().noTcp());
        assertFalse(config.logging().verbose());
        assertEquals(Auth.defaultUserdb(), config.auth().userdb());
    }

    @Test
    void shouldSendNoSoftwareAttributeByDefault() {
        assertNull(ServerConfig.builder().auth(au -> au.realm("example.org")).build().softwareAttribute());
    }

    @Test
    void shouldKeepTheUserdbUnderTheHomeDirectory() {
        assertTrue(Auth.defaultUserdb().endsWith(".local/share/turnkit/userdb"),
                Auth.defaultUserdb().toString());
    }

    @Test
    void shouldKeepCredentialsInTheUserdbUnlessRedisIsGiven() {
        Path userdb = Path.of("/var/lib/turnkit/userdb");

        assertEquals(StoreLocation.file(userdb),
                ServerConfig.builder().auth(au -> au.realm("example.org").userdb(userdb)).build().auth().credentialStore());
    }

    @Test
    void shouldKeepCredentialsInRedisWithItsPasswordAndTls() {
        ServerConfig config = ServerConfig.builder().auth(au -> au.realm("example.org").userdb(Path.of("/var/lib/turnkit/userdb"))
                .redisUserdb("redis://10.0.0.5/2").redisPassword("hunter2").redisTls(true)).build();

        assertEquals(StoreLocation.redis(URI.create("rediss://10.0.0.5:6379/2"), "hunter2", true),
                config.auth().credentialStore());
        assertFalse(config.toString().contains("hunter2"), config.toString());
    }

    @Test
    void shouldRefuseRedisTlsWithoutRedis() {
        ServerConfig.Builder builder = ServerConfig.builder().auth(au -> au.realm("example.org").redisTls(true));

        assertThrows(IllegalArgumentException.class, builder::build);
    }

    @Test
    void shouldDefaultTheRealmToTheHostName() throws Exception {
        assertEquals(InetAddress.getLocalHost().getHostName(), ServerConfig.builder().build().auth().realm());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, 65536})
    void shouldRejectARelayPortOutsideOneTo65535(int port) {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> ServerConfig.builder().relay(rl -> rl.minPort(port)).build());

        assertEquals("min-port: expected a port number 1-65535, got " + port, error.getMessage());
    }

    @Test
    void shouldAcceptListeningPortZeroForAnyFreePort() {
        assertEquals(0, ServerConfig.builder().listeners(ls -> ls.listeningPort(0)).auth(au -> au.realm("r")).build().listeners().listeningPort());
    }

    @Test
    void shouldRejectAListeningPortAbove65535() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> ServerConfig.builder().listeners(ls -> ls.listeningPort(65536)).build());

        assertEquals("listening-port: expected a port number 1-65535 (0: any free port), got 65536",
                error.getMessage());
    }

    @Test
    void shouldDoRfc5780OnTheListeningPortPlusOneWhenAskedWithoutAPort() {
        ServerConfig config = rfc5780Addresses().listeners(ls -> ls.listeningPort(3478).rfc5780(true)).build();

        assertTrue(config.listeners().rfc5780());
        assertEquals(3479, config.listeners().altListeningPort());
    }

    @Test
    void shouldDoRfc5780WhenGivenAnAlternatePortUnlessNoRfc5780() {
        assertEquals(4000, rfc5780Addresses().listeners(ls -> ls.altListeningPort(4000)).build().listeners().altListeningPort());
        assertFalse(rfc5780Addresses().listeners(ls -> ls.altListeningPort(4000).noRfc5780(true)).build().listeners().rfc5780());
        assertFalse(rfc5780Addresses().build().listeners().rfc5780(), "off by default");
    }

    @Test
    void shouldRefuseRfc5780WithoutAnAlternateAddressOfTheSameFamily() {
        ServerConfig.Builder builder = ServerConfig.builder().auth(au -> au.realm("r")).listeners(ls -> ls.rfc5780(true)
                .addListeningIp(IpLiteral.parse("127.0.0.1")).addListeningIp(IpLiteral.parse("::1")));

        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, builder::build);

        assertEquals("rfc5780 needs two listening-ip addresses of one family, the primary and the alternate address",
                error.getMessage());
    }

    @Test
    void shouldRefuseRfc5780OnAnyFreePortOrWithoutUdp() {
        assertThrows(IllegalArgumentException.class, () -> rfc5780Addresses().listeners(ls -> ls.listeningPort(0).rfc5780(true)).build());
        assertThrows(IllegalArgumentException.class,
                () -> rfc5780Addresses().listeners(ls -> ls.listeningPort(4000).altListeningPort(4000)).build());
        assertThrows(IllegalArgumentException.class, () -> rfc5780Addresses().listeners(ls -> ls.noUdp(true).rfc5780(true)).build());
    }

    @Test
    void shouldRefuseAnAlternateServerClientsCannotReach() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> ServerConfig.builder()
                .relay(rl -> rl.addAlternateServer(new InetSocketAddress("0.0.0.0", 3478))).build());
        assertEquals("alternate-server /0.0.0.0:3478 is not an address and port a client can reach", error.getMessage());
        assertEquals(List.of(new InetSocketAddress("192.0.2.1", 5349)), ServerConfig.builder().auth(au -> au.realm("r"))
                .relay(rl -> rl.addTlsAlternateServer(new InetSocketAddress("192.0.2.1", 5349))).build().relay().tlsAlternateServers());
    }

    private static ServerConfig.Builder rfc5780Addresses() {
        return ServerConfig.builder().auth(au -> au.realm("r")).listeners(ls -> ls.addListeningIp(IpLiteral.parse("127.0.0.1"))
                .addListeningIp(IpLiteral.parse("127.0.0.2")));
    }

    @Test
    void shouldRejectMinPortAboveMaxPort() {
        ServerConfig.Builder builder = ServerConfig.builder().relay(rl -> rl.minPort(60000).maxPort(50000));

        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, builder::build);

        assertEquals("min-port 60000 is above max-port 50000", error.getMessage());
    }

    @ParameterizedTest
    @ValueSource(longs = {0, -5})
    void shouldRejectALifetimeBelowOneSecond(long seconds) {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> ServerConfig.builder().limits(lm -> lm.permissionLifetime(Duration.ofSeconds(seconds))).build());

        assertEquals("permission-lifetime: expected a duration of 1 second or more, got " + seconds + " s",
                error.getMessage());
    }

    @Test
    void shouldRejectANegativeQuota() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> ServerConfig.builder().limits(lm -> lm.userQuota(-1)).build());

        assertEquals("user-quota: expected a number of allocations, 0 or more, got -1", error.getMessage());
    }

    @Test
    void shouldRejectTcpLimitsBelowOne() {
        IllegalArgumentException connections = assertThrows(IllegalArgumentException.class,
                () -> ServerConfig.builder().limits(lm -> lm.maxTcpConnections(0)).build());
        IllegalArgumentException timeout = assertThrows(IllegalArgumentException.class,
                () -> ServerConfig.builder().limits(lm -> lm.tcpIdleTimeout(Duration.ZERO)).build());

        assertEquals("max-tcp-connections: expected a number of connections, 1 or more, got 0",
                connections.getMessage());
        assertEquals("tcp-idle-timeout: expected a duration of 1 second or more, got 0 s", timeout.getMessage());
    }

    @Test
    void shouldRejectNoStdoutLogWithNowhereElseToLog() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> ServerConfig.builder().logging(lg -> lg.noStdoutLog(true)).build());

        assertEquals("no-stdout-log without log-file or syslog leaves nowhere to log", error.getMessage());
    }

    @Test
    void shouldRejectAMetricsPathWithoutItsSlash() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> ServerConfig.builder().metrics(mt -> mt.path("metrics")).build());

        assertEquals("prometheus-path: expected an HTTP path starting with /, without spaces, ? or #, got 'metrics'",
                error.getMessage());
    }

    @Test
    void shouldRejectANodeIdWithASpace() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> ServerConfig.builder().cluster(cl -> cl.nodeId("turn 1")).build());

        assertTrue(error.getMessage().startsWith("node-id: expected a node id of 1-200 printable characters"),
                error.getMessage());
    }

    @Test
    void shouldRejectAnAdminPortAbove65535() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> ServerConfig.builder().admin(ad -> ad.webAdminPort(70000)).build());

        assertTrue(error.getMessage().startsWith("web-admin-port: "), error.getMessage());
    }

    @Test
    void shouldRejectNoUdpWithNoTcp() {
        ServerConfig.Builder builder = ServerConfig.builder().listeners(ls -> ls.noUdp(true).noTcp(true));

        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, builder::build);

        assertEquals("no-udp and no-tcp together leave nothing to listen on", error.getMessage());
    }

    @Test
    void shouldRejectARealmOf128Characters() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> ServerConfig.builder().auth(au -> au.realm("r".repeat(128))).build());

        assertTrue(error.getMessage().startsWith("realm: expected 1 to 127 characters"), error.getMessage());
    }

    @Test
    void shouldTurnRestApiCredentialsOnForAStaticSecret() {
        ServerConfig config = ServerConfig.builder().auth(au -> au.realm("r").addStaticAuthSecret("north")).build();

        assertTrue(config.auth().useAuthSecret());
    }

    @Test
    void shouldKeepTheLastOfPasswordAndKeyForOneUser() {
        ServerConfig config = ServerConfig.builder().auth(au -> au.realm("r").user("alice", "secret").userKey("alice", KEY))
                .build();

        assertEquals(Map.of(), config.auth().users());
        assertArrayEquals(KEY, config.auth().userKeys().get("alice"));
    }

    @Test
    void shouldRejectAKeyThatIsNot16Bytes() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> ServerConfig.builder().auth(au -> au.realm("r").userKey("alice", new byte[20])).build());

        assertEquals("user: expected a 16-byte key for user 'alice', got 20 bytes", error.getMessage());
    }

    @Test
    void shouldNotLetACallerChangeAUserKey() {
        byte[] key = KEY.clone();
        ServerConfig config = ServerConfig.builder().auth(au -> au.realm("r").userKey("alice", key)).build();
        key[0] = 0;
        config.auth().userKeys().get("alice")[1] = 0;

        assertArrayEquals(KEY, config.auth().userKeys().get("alice"));
    }

    @Test
    void shouldNeverPrintAPasswordKeyOrSecret() {
        String text = ServerConfig.builder().auth(au -> au.realm("r").user("alice", "pa55word").userKey("bob", KEY)
                .addStaticAuthSecret("n0rth")).build().toString();

        assertTrue(text.contains("alice") && text.contains("bob"), text);
        assertFalse(text.contains("pa55word") || text.contains("n0rth") || text.contains("[B@"), text);
    }

    @Test
    void shouldAllowOneWholeFamilyExternalIpPerFamily() {
        ServerConfig config = ServerConfig.builder().auth(au -> au.realm("r")).relay(rl -> rl.addExternalIp(ExternalIp.parse("60.70.80.91"))
                .addExternalIp(ExternalIp.parse("2001:db8::1"))).build();

        assertEquals(2, config.relay().externalIps().size());
    }

    @Test
    void shouldRejectASecondWholeFamilyExternalIp() {
        ServerConfig.Builder builder = ServerConfig.builder().relay(rl -> rl.addExternalIp(ExternalIp.parse("60.70.80.91"))
                .addExternalIp(ExternalIp.parse("60.70.80.92")));

        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, builder::build);

        assertEquals("external-ip 60.70.80.92 maps every relay address of its family a second time",
                error.getMessage());
    }

    @Test
    void shouldRejectTwoMappingsOfOnePrivateAddress() {
        ServerConfig.Builder builder = ServerConfig.builder()
                .relay(rl -> rl.addExternalIp(ExternalIp.parse("60.70.80.91/172.17.19.101"))
                .addExternalIp(ExternalIp.parse("60.70.80.92/172.17.19.101")));

        assertThrows(IllegalArgumentException.class, builder::build);
    }

    @Test
    void shouldRejectAWildcardRelayIpNobodyCouldReach() {
        ServerConfig.Builder builder = ServerConfig.builder().relay(rl -> rl.addRelayIp(IpLiteral.parse("0.0.0.0")));

        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, builder::build);

        assertTrue(error.getMessage().startsWith("relay-ip 0.0.0.0 is a wildcard"), error.getMessage());
    }

    @Test
    void shouldAcceptAWildcardRelayIpBehindAnExternalIp() {
        ServerConfig config = ServerConfig.builder().auth(au -> au.realm("r")).relay(rl -> rl.addRelayIp(IpLiteral.parse("0.0.0.0"))
                .addExternalIp(ExternalIp.parse("60.70.80.91"))).build();

        assertEquals(List.of(IpLiteral.parse("0.0.0.0")), config.relay().relayIps());
    }

    @Test
    void shouldCountARepeatedListeningIpOnce() {
        ServerConfig config = ServerConfig.builder().auth(au -> au.realm("r")).listeners(ls -> ls.addListeningIp(IpLiteral.parse("10.0.0.1"))
                .addListeningIp(IpLiteral.parse("10.0.0.1"))).build();

        assertEquals(List.of(IpLiteral.parse("10.0.0.1")), config.listeners().listeningIps());
    }

    @Test
    void shouldBuildThePeerPolicyFromItsRanges() {
        ServerConfig config = ServerConfig.builder().auth(au -> au.realm("r"))
                .peers(pe -> pe.addAllowedPeerRange(AddressRange.parse("10.1.2.3"))
                .addDeniedPeerRange(AddressRange.parse("8.8.8.0/24"))).build();

        assertEquals(PeerPolicy.Verdict.ALLOWED, config.peers().policy().check(IpLiteral.parse("10.1.2.3")));
        assertEquals(PeerPolicy.Verdict.DENIED_BY_RULE, config.peers().policy().check(IpLiteral.parse("8.8.8.8")));
    }

    @Test
    void shouldNameTheVersionInTheDefaultSoftwareAttribute() {
        assertTrue(ServerConfig.defaultSoftwareAttribute().startsWith("turnkit/"));
    }
}
