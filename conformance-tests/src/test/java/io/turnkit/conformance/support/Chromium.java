package io.turnkit.conformance.support;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Debian's Chromium, headless, with a fresh profile, opening one page. It is driven by the page itself (no
 * WebDriver): the page reports to the test's own HTTP server. Its helpers (zygotes, renderers, GPU and network
 * processes) are stopped with it as one process tree.
 */
public final class Chromium implements AutoCloseable {
    public static final Path PROGRAM = Path.of("/usr/bin/chromium");
    private static final Path NSENTER = Path.of("/usr/bin/nsenter");
    /** Host candidates with their addresses, not mDNS {@code .local} names (Chromium's default). */
    private static final String PLAIN_HOST_CANDIDATES = "--disable-features=WebRtcHideLocalIpsWithMdns";

    private final TemporaryDirectory home;
    private final ExternalProcess process;

    private Chromium(TemporaryDirectory home, ExternalProcess process) {
        this.home = home;
        this.process = process;
    }

    public static Chromium open(URI page) {
        return launch(List.of(), page, List.of(PLAIN_HOST_CANDIDATES));
    }

    /**
     * Chromium in a network namespace of its own (an unprivileged user namespace, {@code unshare --user
     * --map-root-user --net}), with loopback and the {@code bridge}'s TCP ports as its only network: the host's
     * services on those ports are reachable over TCP, and nothing of the host over UDP.
     */
    public static Chromium openInNetworkNamespace(URI page, NamespaceBridge bridge) {
        return launch(bridge.namespaceCommand(""), page, List.of(PLAIN_HOST_CANDIDATES));
    }

    /**
     * Chromium in the user and network namespaces of the running process {@code pid} (which the test created with
     * {@code unshare}), as it is by default: its host candidates hidden behind {@code <uuid>.local} names, which its
     * own mDNS responder answers (draft-ietf-mmusic-mdns-ice-candidates).
     */
    public static Chromium openWithMdnsInNetworkNamespaceOf(long pid, URI page) {
        ExternalProcess.requireExecutable(NSENTER, "util-linux");
        return launch(List.of(NSENTER.toString(), "--target", Long.toString(pid), "--user", "--net",
                "--preserve-credentials", "--"), page, List.of());
    }

    /**
     * Chromium on {@code page}, its command line after {@code prefix} (a program that runs it), with {@code extra}
     * flags.
     */
    private static Chromium launch(List<String> prefix, URI page, List<String> extra) {
        ExternalProcess.requireExecutable(PROGRAM, "chromium");
        TemporaryDirectory home = TemporaryDirectory.create("turnkit-chromium-");
        List<String> command = new ArrayList<>(prefix);
        command.add(PROGRAM.toString());
        command.addAll(commonFlags(home.path()));
        command.addAll(extra);
        command.add(page.toString());
        return new Chromium(home, ExternalProcess.start("chromium", command, environment(home.path())));
    }

    /**
     * The flags the tests run Chromium with, its profile in {@code home}: headless, as root, talking to 127.0.0.1
     * only, with loopback in WebRTC's network list, and host candidates with their addresses: agents outside the
     * browser need not resolve mDNS names (RFC 8445 host candidates; mDNS is tested on its own).
     */
    public static List<String> flags(Path home) {
        List<String> flags = new ArrayList<>(commonFlags(home));
        flags.add(PLAIN_HOST_CANDIDATES);
        return flags;
    }

    private static List<String> commonFlags(Path home) {
        return List.of(
                // turns: to a server with a test certificate, which no authority signed.
                "--ignore-certificate-errors",
                "--headless=new",
                // Tests often run as root in containers, where Chromium's sandbox cannot start.
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                // Nothing but 127.0.0.1: no update, sync, proxy auto-detection or other background traffic.
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-proxy-server",
                // WebRTC leaves loopback interfaces out of its network list; on a host with no other interface
                // it then has no socket to reach a TURN server on 127.0.0.1 and gathers no candidate at all.
                "--allow-loopback-in-peer-connection",
                "--user-data-dir=" + home.resolve("profile"));
    }

    /**
     * Chromium's crash handler and caches follow $HOME and XDG directories, not --user-data-dir, and its shared
     * memory files go to $TMPDIR when /dev/shm is small (Debian's launcher checks).
     */
    public static Map<String, String> environment(Path home) {
        return Map.of(
                "HOME", home.toString(),
                "TMPDIR", home.toString(),
                "XDG_CONFIG_HOME", home.resolve("config").toString(),
                "XDG_CACHE_HOME", home.resolve("cache").toString());
    }

    /** The running browser, for waiting on its exit and showing its output. */
    public ExternalProcess process() {
        return process;
    }

    @Override
    public void close() {
        try {
            process.close();
        } finally {
            home.close();
        }
    }
}
