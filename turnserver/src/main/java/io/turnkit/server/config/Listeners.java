package io.turnkit.server.config;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Where and how the server takes clients: the listening addresses and ports, which transports listen, TLS's
 * certificate and ciphers, the PROXY protocol and RFC 5780's alternate port.
 *
 * @param listeningIps     {@code listening-ip}: the addresses to listen on for UDP and TCP; empty means every
 *                         address of every interface, IPv4 and IPv6
 * @param listeningPort    {@code listening-port}: the UDP and TCP port; 0 lets the system pick one (tests)
 * @param tlsListeningPort {@code tls-listening-port}: the port of TURN over TLS and DTLS (RFC 8656 §3.1), TCP and
 *                         UDP; every listener, this one and the listening port's, takes the plain and the secure
 *                         protocol alike
 * @param noUdp            {@code no-udp}: start no UDP listener
 * @param noTcp            {@code no-tcp}: start no TCP listener
 * @param noTls            {@code no-tls}: no TLS listener, and TCP listeners refuse TLS
 * @param noDtls           {@code no-dtls}: no UDP listener on the TLS port, and UDP listeners refuse DTLS
 * @param cert             {@code cert}: the PEM certificate chain, the server's first; null for a self-signed one
 *                         made at start
 * @param pkey             {@code pkey}: the PEM private key of the certificate (PKCS#8, PKCS#1 or EC, maybe
 *                         encrypted)
 * @param pkeyPwd          {@code pkey-pwd}: the password of an encrypted private key, or null
 * @param cipherList       {@code cipher-list}: the TLS cipher suites offered, or null for the provider's defaults
 * @param proxyProtocol    {@code proxy-protocol}: every TCP and TLS connection starts with a PROXY protocol v1 or
 *                         v2 header (a load balancer's), whose source address is the client's; a connection
 *                         without one is closed
 * @param altListeningPort {@code alt-listening-port}: RFC 5780's alternate port of every listening address; 0
 *                         without RFC 5780
 * @param listeningDevice  {@code listening-device}: the network interface whose addresses are among the listening
 *                         addresses, or null
 */
public record Listeners(List<InetAddress> listeningIps, int listeningPort, int tlsListeningPort, boolean noUdp,
        boolean noTcp, boolean noTls, boolean noDtls, Path cert, Path pkey, String pkeyPwd, String cipherList,
        boolean proxyProtocol, int altListeningPort, String listeningDevice) {
    /** The STUN and TURN port for UDP and TCP (RFC 8489, RFC 8656). */
    public static final int DEFAULT_LISTENING_PORT = 3478;
    /** RFC 8656 §3.1 and RFC 7065: TURN over TLS listens on 5349. */
    public static final int DEFAULT_TLS_LISTENING_PORT = 5349;

    /** @throws IllegalArgumentException naming the setting that is wrong, or the two that do not fit together */
    public Listeners {
        listeningIps = List.copyOf(listeningIps);
        Check.listeningPort("listening-port", listeningPort);
        Check.listeningPort("tls-listening-port", tlsListeningPort);
        Check.listeningPort("alt-listening-port", altListeningPort);
        if (noUdp && noTcp) {
            throw new IllegalArgumentException("no-udp and no-tcp together leave nothing to listen on");
        }
        if ((cert == null) != (pkey == null)) {
            throw new IllegalArgumentException(cert == null ? "pkey needs cert" : "cert needs pkey");
        }
        Check.secret("pkey-pwd", pkeyPwd);
        if (cipherList != null && cipherList.isBlank()) {
            throw Check.wrong("cipher-list", "a cipher list", "none");
        }
        if (listeningDevice != null) {
            Check.text("listening-device", listeningDevice, false);
        }
        if (altListeningPort != 0) {
            checkRfc5780(listeningIps, listeningPort, altListeningPort, noUdp);
        }
    }

    /**
     * Whether the server does RFC 5780 NAT behavior discovery ({@code rfc5780}, or {@code alt-listening-port}
     * given, and no {@code no-rfc5780}): UDP listeners on {@link #altListeningPort()} too, and Binding responses
     * that say where the other listeners are.
     */
    public boolean rfc5780() {
        return altListeningPort != 0;
    }

    /**
     * RFC 5780 §4.1: the server needs an alternate address and port, on UDP, where the four combinations of
     * address and port can be bound: a second listening address of the same family, and fixed ports.
     */
    private static void checkRfc5780(List<InetAddress> listeningIps, int listeningPort, int altListeningPort,
            boolean noUdp) {
        if (noUdp) {
            throw new IllegalArgumentException("rfc5780 needs UDP: it cannot go with no-udp");
        }
        if (listeningPort == 0 || altListeningPort == listeningPort) {
            throw new IllegalArgumentException("rfc5780 needs a listening-port and an alt-listening-port that "
                    + "differ, both 1-65535; got " + listeningPort + " and " + altListeningPort);
        }
        long ipv4 = listeningIps.stream().filter(ip -> !ip.isAnyLocalAddress() && ExternalIp.isIpv4(ip)).count();
        long ipv6 = listeningIps.stream().filter(ip -> !ip.isAnyLocalAddress() && !ExternalIp.isIpv4(ip)).count();
        if (ipv4 < 2 && ipv6 < 2) {
            throw new IllegalArgumentException("rfc5780 needs two listening-ip addresses of one family, the "
                    + "primary and the alternate address");
        }
    }

    /** Every setting, with the key's password left out. */
    @Override
    public String toString() {
        return "Listeners{listeningIps=" + Relay.addresses(listeningIps) + ", listeningPort=" + listeningPort
                + ", tlsListeningPort=" + tlsListeningPort + ", noUdp=" + noUdp + ", noTcp=" + noTcp + ", noTls="
                + noTls + ", noDtls=" + noDtls + ", cert=" + cert + ", pkey=" + pkey + ", cipherList=" + cipherList
                + ", proxyProtocol=" + proxyProtocol + ", altListeningPort=" + altListeningPort + ", listeningDevice="
                + listeningDevice + "}";
    }

    /** Collects the listeners' settings; {@link #build()} checks them. */
    public static final class Builder {
        private final Set<InetAddress> listeningIps = new LinkedHashSet<>();
        private int listeningPort = DEFAULT_LISTENING_PORT;
        private int tlsListeningPort = DEFAULT_TLS_LISTENING_PORT;
        private boolean noUdp;
        private boolean noTcp;
        private boolean noTls;
        private boolean noDtls;
        private Path cert;
        private Path pkey;
        private String pkeyPwd;
        private String cipherList;
        private boolean proxyProtocol;
        private boolean rfc5780;
        private boolean noRfc5780;
        /** 0: the listening port plus one, as coturn. */
        private int altListeningPort;
        private boolean altListeningPortGiven;
        private String listeningDevice;

        Builder() {
        }

        /** Adds a listening address (a repeated one counts once). */
        public Builder addListeningIp(InetAddress address) {
            listeningIps.add(Check.required("listening-ip", address, "an IP address"));
            return this;
        }

        /** Replaces the listening addresses; empty listens on every interface. */
        public Builder listeningIps(List<InetAddress> addresses) {
            listeningIps.clear();
            addresses.forEach(this::addListeningIp);
            return this;
        }

        public Builder listeningPort(int port) {
            listeningPort = port;
            return this;
        }

        public Builder tlsListeningPort(int port) {
            tlsListeningPort = port;
            return this;
        }

        public Builder noUdp(boolean on) {
            noUdp = on;
            return this;
        }

        public Builder noTcp(boolean on) {
            noTcp = on;
            return this;
        }

        public Builder noTls(boolean on) {
            noTls = on;
            return this;
        }

        public Builder noDtls(boolean on) {
            noDtls = on;
            return this;
        }

        public Builder cert(Path file) {
            cert = file;
            return this;
        }

        public Builder pkey(Path file) {
            pkey = file;
            return this;
        }

        public Builder pkeyPwd(String password) {
            pkeyPwd = password;
            return this;
        }

        /** The TLS cipher suites, separated by ':' or ','; {@code DEFAULT} for the provider's. */
        public Builder cipherList(String ciphers) {
            cipherList = ciphers;
            return this;
        }

        public Builder proxyProtocol(boolean on) {
            proxyProtocol = on;
            return this;
        }

        /** Turns RFC 5780 NAT behavior discovery on, unless {@link #noRfc5780} turns it off. */
        public Builder rfc5780(boolean on) {
            rfc5780 = on;
            return this;
        }

        /** Keeps RFC 5780 NAT behavior discovery off, whatever else asks for it. */
        public Builder noRfc5780(boolean on) {
            noRfc5780 = on;
            return this;
        }

        /** Sets RFC 5780's alternate port, and so asks for RFC 5780; 0 means the listening port plus one. */
        public Builder altListeningPort(int port) {
            altListeningPort = port;
            altListeningPortGiven = true;
            return this;
        }

        public Builder listeningDevice(String device) {
            listeningDevice = device;
            return this;
        }

        public Listeners build() {
            Check.listeningPort("alt-listening-port", altListeningPort);
            boolean discovery = (rfc5780 || altListeningPortGiven) && !noRfc5780;
            int alternate = altListeningPort != 0 ? altListeningPort : listeningPort + 1;
            if (discovery && alternate > 65535) {
                throw new IllegalArgumentException("rfc5780 needs a listening-port and an alt-listening-port that "
                        + "differ, both 1-65535; got " + listeningPort + " and " + alternate);
            }
            return new Listeners(new ArrayList<>(listeningIps), listeningPort, tlsListeningPort, noUdp, noTcp, noTls,
                    noDtls, cert, pkey, pkeyPwd, cipherList, proxyProtocol, discovery ? alternate : 0, listeningDevice);
        }
    }
}
