package io.turnkit.ice.driver;

/**
 * An agent's place on a one-port mux, UDP ({@link UdpMux}) or TCP ({@link TcpMux}): its socket id there and its
 * route in the mux's table. Touched on the mux's event loop only.
 */
final class MuxMember {
    final DrivenAgent agent;
    final int socketId;
    private final MuxRoutes<MuxMember>.Route route;

    /** Joins {@code routes}: what names {@code ufrag} reaches {@code agent}'s socket {@code socketId}. */
    MuxMember(MuxRoutes<MuxMember> routes, DrivenAgent agent, int socketId, String ufrag) {
        this.agent = agent;
        this.socketId = socketId;
        this.route = routes.join(this, ufrag);
    }

    /** Routes the agent's new ufrag (an ICE restart) too. */
    void addUfrag(String ufrag) {
        route.addUfrag(ufrag);
    }

    /** Once the agent is closed, nothing new reaches it. */
    void leave() {
        route.leave();
    }
}
