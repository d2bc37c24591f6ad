package io.turnkit.ice.sdp;

import java.util.ArrayList;
import java.util.List;

import io.turnkit.ice.agent.Candidate;
import io.turnkit.ice.agent.IceAgent;
import io.turnkit.ice.agent.IceCredentials;

/**
 * The ICE attributes of one media description (RFC 8839 §5): credentials, options, ICE-lite, candidates and
 * end-of-candidates (RFC 8840 §8.2 / RFC 8838). {@link #parse} reads every line before it returns, so a malformed
 * line refuses the whole description and nothing is half-applied.
 *
 * @param ufrag            {@code a=ice-ufrag}, or null when absent (a trickled fragment)
 * @param password         {@code a=ice-pwd}, or null
 * @param options          {@code a=ice-options} tokens ({@code trickle}, {@code ice2}, ...)
 * @param lite             {@code a=ice-lite}
 * @param candidates       the {@code a=candidate} lines, in order
 * @param endOfCandidates  {@code a=end-of-candidates}
 */
public record IceDescription(String ufrag, String password, List<String> options, boolean lite,
                             List<Candidate> candidates, boolean endOfCandidates) {
    private static final String UFRAG = "a=ice-ufrag:";
    private static final String PWD = "a=ice-pwd:";
    private static final String OPTIONS = "a=ice-options:";
    private static final String LITE = "a=ice-lite";
    private static final String END_OF_CANDIDATES = "a=end-of-candidates";

    public IceDescription {
        options = List.copyOf(options);
        candidates = List.copyOf(candidates);
    }

    /**
     * Reads the ICE lines among {@code lines} (SDP lines, or {@code candidate:} strings); others are skipped.
     *
     * @throws SdpParseException for the first malformed ICE line, naming its problem
     */
    public static IceDescription parse(List<String> lines) {
        String ufrag = null;
        String password = null;
        List<String> options = new ArrayList<>();
        boolean lite = false;
        List<Candidate> candidates = new ArrayList<>();
        boolean end = false;
        for (String raw : lines) {
            String line = raw.strip();
            if (CandidateSdp.isCandidate(line)) {
                candidates.add(CandidateSdp.parse(line));
            } else if (line.startsWith(UFRAG)) {
                ufrag = iceChars(line, UFRAG, 4);
            } else if (line.startsWith(PWD)) {
                password = iceChars(line, PWD, 22);
            } else if (line.startsWith(OPTIONS)) {
                for (String token : line.substring(OPTIONS.length()).split(" ")) {
                    if (token.isEmpty() || !token.chars().allMatch(ch -> ch > ' ' && ch < 127)) {
                        throw new SdpParseException(line, "ice-options are tokens separated by single spaces");
                    }
                    options.add(token);
                }
            } else if (line.equals(LITE)) {
                lite = true;
            } else if (line.equals(END_OF_CANDIDATES)) {
                end = true;
            } else if (line.startsWith(LITE) || line.startsWith(END_OF_CANDIDATES)) {
                throw new SdpParseException(line, "this attribute has no value");
            }
        }
        return new IceDescription(ufrag, password, options, lite, candidates, end);
    }

    /** Splits an SDP blob into lines (CRLF or LF) and reads it as {@link #parse(List)} does. */
    public static IceDescription parse(String sdp) {
        return parse(List.of(sdp.split("\r?\n")));
    }

    private static String iceChars(String line, String prefix, int min) {
        String value = line.substring(prefix.length());
        if (value.length() < min || value.length() > 256 || !IceCredentials.isIceChars(value)) {
            throw new SdpParseException(line, prefix.substring(2, prefix.length() - 1) + " must be " + min
                + " to 256 ice-chars (RFC 8839 §5.4)");
        }
        return value;
    }

    /**
     * Gives the agent what the peer signalled: credentials (when both are present), ICE-lite, candidates and
     * end-of-candidates. Returns how many candidates the agent could use.
     */
    public int applyTo(IceAgent agent, long nowNanos) {
        if (ufrag != null && password != null) {
            agent.setRemoteCredentials(ufrag, password, nowNanos);
        }
        if (lite) {
            agent.setRemoteLite(true, nowNanos);
        }
        int used = 0;
        for (Candidate c : candidates) {
            used += agent.addRemoteCandidate(c, nowNanos) ? 1 : 0;
        }
        if (endOfCandidates) {
            agent.endOfRemoteCandidates(nowNanos);
        }
        return used;
    }

    /** The SDP lines of this description, credentials and options first, end-of-candidates last. */
    public List<String> lines() {
        List<String> lines = new ArrayList<>();
        if (ufrag != null) {
            lines.add(UFRAG + ufrag);
        }
        if (password != null) {
            lines.add(PWD + password);
        }
        if (!options.isEmpty()) {
            lines.add(OPTIONS + String.join(" ", options));
        }
        if (lite) {
            lines.add(LITE);
        }
        for (Candidate c : candidates) {
            lines.add(CandidateSdp.formatLine(c));
        }
        if (endOfCandidates) {
            lines.add(END_OF_CANDIDATES);
        }
        return lines;
    }
}
