package io.turnkit.ice.stun;

/**
 * How the NATs between a client and a server behave, in RFC 4787's terms as RFC 5780 §4.3 and §4.4 find them.
 *
 * @param natted    whether the mapped address differs from the client's own, i.e. a NAT is in between
 * @param mapping   which destinations share a mapping (RFC 4787 §4.1)
 * @param filtering which sources may send through a mapping (RFC 4787 §5)
 */
public record NatBehavior(boolean natted, Type mapping, Type filtering) {
    /** The three behaviors RFC 4787 names, for mapping and filtering alike. */
    public enum Type {
        /** One mapping for every destination; anyone may send through it. */
        ENDPOINT_INDEPENDENT("endpoint-independent"),
        /** Per destination IP address. */
        ADDRESS_DEPENDENT("address-dependent"),
        /** Per destination IP address and port. */
        ADDRESS_AND_PORT_DEPENDENT("address and port-dependent");

        private final String text;

        Type(String text) {
            this.text = text;
        }

        /** The RFC's words: "endpoint-independent", "address-dependent", "address and port-dependent". */
        @Override
        public String toString() {
            return text;
        }
    }
}
