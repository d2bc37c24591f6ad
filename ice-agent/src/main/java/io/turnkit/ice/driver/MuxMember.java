package io.turnkit.ice.driver;

/**
 * An agent's place on a one-port mux, UDP ({@link UdpMux}) or TCP ({@link TcpMux}): its socket id there and its
 * route in the mux's table. Touched on the mux's event loop only.
 */
final class MuxMember {
    final DrivenAgent agent;
    private final int socketId;
    private MuxRoutes<MuxMember>.Route route;

    private MuxMember(DrivenAgent agent, int socketId) {
        this.agent = agent;
        this.socketId = socketId;
    }

    /**
     * Joins {@code routes}: what names {@code ufrag} reaches {@code agent}'s socket {@code socketId}; null when another
     * agent of the mux has that ufrag.
     */
    static MuxMember join(MuxRoutes<MuxMember> routes, DrivenAgent agent, int socketId, String ufrag) {
        MuxMember member = new MuxMember(agent, socketId);
        member.route = routes.join(member, ufrag);
        return member.route != null ? member : null;
    }

    int socketId() {
        return socketId;
    }

    /** Routes the agent's new ufrag (an ICE restart) too; false when another agent has it. */
    boolean addUfrag(String ufrag) {
        return route.addUfrag(ufrag);
    }

    /** Once the agent is closed, nothing new reaches it. */
    void leave() {
        route.leave();
    }
}
