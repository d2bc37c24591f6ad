package io.turnkit.ice.mdns;

/** What {@link DnsMessage#validate()} found: a message to read, or why it is dropped (each counted). */
public enum DnsValidation {
    /** Every record lies within the datagram and every name is well formed. */
    VALID,
    /** Shorter than its header, or a record or name runs past the datagram's end (huge counts included). */
    TRUNCATED,
    /** A label longer than 63 octets, a reserved label type, or a name longer than 255 octets (RFC 1035 §2.3.4). */
    BAD_NAME,
    /**
     * A compression pointer that does not point strictly back, or too many of them in one name: a loop
     * (RFC 1035 §4.1.4 allows pointers to a prior occurrence only).
     */
    BAD_POINTER,
    /** More records than an mDNS message carrying A/AAAA names needs: the work per datagram stays bounded. */
    TOO_MANY_RECORDS,
    /** An opcode or response code other than 0: RFC 6762 §18.3 and §18.11 say to silently ignore it. */
    NOT_STANDARD
}
