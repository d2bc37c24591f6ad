package io.turnkit.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;

import io.turnkit.ice.stun.Addresses;
import io.turnkit.ice.stun.BindingResult;
import io.turnkit.ice.stun.NatBehavior;
import io.turnkit.ice.stun.NatBehaviorDiscovery;
import io.turnkit.ice.stun.ServerUri;
import io.turnkit.ice.stun.StunClient;
import io.turnkit.ice.stun.TransportProtocol;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code turnkit stun HOST[:PORT]}: one Binding transaction (RFC 8489 §7), retransmitted over UDP as the RFC says,
 * and what it found; with {@code --nat-behavior}, RFC 5780's mapping and filtering tests after it, when the server
 * has the second address they need. A server that lacks it is not an error of the network: exit code 3 says that
 * the Binding worked and the NAT behavior could not be found.
 */
@Command(name = "stun",
        mixinStandardHelpOptions = true,
        versionProvider = ManifestVersion.class,
        sortOptions = false,
        description = "Ask a STUN server for this machine's mapped (server-reflexive) address; print it, the server's "
                + "SOFTWARE and the round-trip time.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:The server answered.",
            "1:No answer, the server unreachable, or an error response.",
            "2:A wrong command line.",
            "3:--nat-behavior, but the server does not support RFC 5780 (no OTHER-ADDRESS)."})
public final class StunCommand implements Callable<Integer> {
    static final int EXIT_NO_RFC_5780 = 3;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "HOST[:PORT]",
            description = "The server, port 3478 unless given; [IPv6]:PORT and stun:HOST[:PORT] work too.")
    String server;

    @Option(names = "--tcp", description = "Over TCP instead of UDP.")
    boolean tcp;

    @Option(names = "--nat-behavior",
            description = "Also find how the NAT maps and filters (RFC 5780 §4.3, §4.4), over UDP. Needs a server "
                    + "with two addresses that sends OTHER-ADDRESS. A test the NAT filters out lasts the whole "
                    + "--timeout: shorten it for a quicker answer.")
    boolean natBehavior;

    @Mixin
    ClientOptions client;

    @Override
    public Integer call() {
        ServerUri uri = serverUri();
        PrintWriter out = spec.commandLine().getOut();
        try (StunClient stun = client.connect(uri)) {
            BindingResult binding = stun.binding();
            ClientOptions.row(out, "server", stun.transport().toString());
            ClientOptions.row(out, "mapped address", Addresses.format(binding.mappedAddress()));
            ClientOptions.row(out, "software", binding.software() != null ? binding.software() : "not sent");
            ClientOptions.row(out, "round trip", ClientOptions.millis(binding.roundTrip())
                    + (binding.requestsSent() > 1 ? " (" + binding.requestsSent() + " requests sent)" : ""));
            out.flush();
            if (!natBehavior) {
                return 0;
            }
            if (binding.otherAddress() == null) {
                spec.commandLine().getErr().println("turnkit: the server does not support RFC 5780 (no OTHER-ADDRESS)");
                return EXIT_NO_RFC_5780;
            }
            NatBehavior behavior = new NatBehaviorDiscovery(stun).discover(binding);
            ClientOptions.row(out, "NAT", behavior.natted() ? "yes" : "none (the mapped address is the local one)");
            ClientOptions.row(out, "mapping", behavior.mapping().toString());
            ClientOptions.row(out, "filtering", behavior.filtering().toString());
            out.flush();
            return 0;
        } catch (IOException e) {
            throw ClientOptions.failure(uri, e);
        }
    }

    private ServerUri serverUri() {
        if (natBehavior && tcp) {
            throw new ParameterException(spec.commandLine(), "--nat-behavior runs over UDP only (RFC 5780 §4.4)");
        }
        try {
            ServerUri uri = ServerUri.parse(server, ServerUri.STUN);
            return tcp ? uri.withTransport(TransportProtocol.TCP) : uri;
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }
}
