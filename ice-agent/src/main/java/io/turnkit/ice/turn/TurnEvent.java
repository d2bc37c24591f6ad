package io.turnkit.ice.turn;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;

import io.turnkit.stun.StunMethod;

/** What a {@link TurnSession} reports to its owner through {@link TurnSession#pollEvent()}. */
public sealed interface TurnEvent {
    /** RFC 8656 §7.3: the server granted the allocation. */
    record Allocated(TurnAllocation allocation) implements TurnEvent {
    }

    /**
     * RFC 8656 §7.4 and RFC 8489 §10: the server answered the Allocate with 300 Try Alternate; the allocation is to
     * be made at {@code alternateServer} (ALTERNATE-SERVER) with a new session. This session is over.
     */
    record AlternateServer(InetSocketAddress alternateServer) implements TurnEvent {
    }

    /**
     * A request failed: an error response, no response in time ({@code code} 0), or a response that cannot be used
     * ({@code code} 0 as well). A failed Allocate or Refresh ends the session; a failed CreatePermission or
     * ChannelBind only drops that permission or channel.
     *
     * @param method the {@link StunMethod} of the request
     * @param code   the ERROR-CODE, 300..699, or 0 when there was none
     */
    record Failed(int method, int code, String reason) implements TurnEvent {
        @Override
        public String toString() {
            return StunMethod.name(method) + " failed: " + (code == 0 ? "" : code + " ") + reason;
        }
    }

    /**
     * Application data from {@code peer}, relayed by the server as ChannelData or a Data indication.
     *
     * @param data a copy of the data, the session's owner's to keep
     */
    record PeerData(InetSocketAddress peer, byte[] data) implements TurnEvent {
    }

    /** RFC 8656 §9: the server installed a permission for {@code peer}; the session refreshes it from now on. */
    record PermissionCreated(InetAddress peer) implements TurnEvent {
    }

    /** RFC 8656 §12: {@code channelNumber} is bound to {@code peer}; the session refreshes the binding from now on. */
    record ChannelBound(int channelNumber, InetSocketAddress peer) implements TurnEvent {
    }

    /** RFC 8656 §8: the allocation was refreshed and lives {@code lifetime} from now. */
    record Refreshed(Duration lifetime) implements TurnEvent {
    }

    /** RFC 8656 §8: the allocation was deleted (a Refresh with lifetime 0), or never made before close. */
    record Closed() implements TurnEvent {
    }
}
