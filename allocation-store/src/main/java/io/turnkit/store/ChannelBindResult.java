package io.turnkit.store;

/** What a ChannelBind request did to an allocation (RFC 8656 §12.2). */
public enum ChannelBindResult {
    /** A new binding of the channel number to the peer: answer with a success response. */
    BOUND,
    /** The existing binding of this number to this peer was refreshed: answer with a success response. */
    REFRESHED,
    /**
     * The request breaks a rule of RFC 8656 §12.2 and changed nothing: the number is outside
     * 0x4000–0x7FFF, or is bound (or was bound less than 5 minutes ago) to another peer, or the peer
     * is bound (or was bound less than 5 minutes ago) to another number. Answer 400 (Bad Request).
     */
    CONFLICT
}
