package io.turnkit.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.turnkit.server.config.ServerConfig;
import io.turnkit.server.policy.AddressRange;

class RestartOnlySettingsTest {
    private static ServerConfig.Builder base() {
        return ServerConfig.builder().auth(au -> au.realm("example.org").user("alice", "wonderland"));
    }

    @Test
    void shouldNameNothingWhenOnlyLiveSettingsChange() {
        ServerConfig running = base().build();
        ServerConfig next = base().peers(pe -> pe.addDeniedPeerRange(AddressRange.parse("198.51.100.0/24"))).limits(lm -> lm.userQuota(3))
                .relay(rl -> rl.maxBps(1000)).auth(au -> au.user("bob", "builder")).build();

        assertEquals(List.of(), RestartOnlySettings.changed(running, next));
    }

    @Test
    void shouldNameTheSettingsThatNeedARestart() {
        ServerConfig running = base().build();
        ServerConfig next = ServerConfig.builder().auth(au -> au.realm("example.com")).listeners(ls -> ls.listeningPort(3479)).build();

        // The server name is the realm unless given.
        assertEquals(List.of("listening-port", "realm", "server-name", "user"),
                RestartOnlySettings.changed(running, next));
    }
}
