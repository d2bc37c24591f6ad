package io.turnkit.server.protocol;

import io.turnkit.server.auth.Authenticator;
import io.turnkit.server.metrics.Counters;
import io.turnkit.server.metrics.ServerCounters;
import io.turnkit.server.relay.RelayAddresses;
import io.turnkit.server.relay.RelayResources;
import io.turnkit.stun.StunValidation;

/**
 * What request handling uses of the server, each part safe to share between event loops: the settings (with the
 * peer policy), whether new allocations are admitted, authentication, the relay resources and addresses, the
 * counters and the log of refusals.
 *
 * @param validation the results of validating received STUN messages
 * @param refusals   the rate-limited log of refused requests
 */
public record TurnServices(LiveSettings settings, AllocationAdmission admission, Authenticator authenticator,
        RelayResources relays, RelayAddresses relayAddresses, ServerCounters counters,
        Counters<StunValidation> validation, RefusalLog refusals) {
}
