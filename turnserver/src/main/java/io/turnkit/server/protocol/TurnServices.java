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
 * counters, the log of refusals, the redirection of Allocate requests and the listeners of RFC 5780.
 *
 * @param validation the results of validating received STUN messages
 * @param refusals   the rate-limited log of refused requests
 * @param redirect   which Allocate requests go to another server
 * @param origins    the listeners that answer Binding requests from another address (RFC 5780)
 */
public record TurnServices(LiveSettings settings, AllocationAdmission admission, Authenticator authenticator,
        RelayResources relays, RelayAddresses relayAddresses, ServerCounters counters,
        Counters<StunValidation> validation, RefusalLog refusals, AllocateRedirect redirect,
        ResponseOrigins origins) {
}
