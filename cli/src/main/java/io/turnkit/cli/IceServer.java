package io.turnkit.cli;

import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A TURN server entry of WebRTC's {@code RTCConfiguration.iceServers}, with the credential that goes with it, in
 * the forms {@code turnkit credentials} prints.
 *
 * @param urls       the TURN URIs (RFC 7065), {@code turn:host:3478?transport=udp}
 * @param username   the REST API username, {@code <expiry>:<user>}
 * @param credential the password: base64(HMAC-SHA1(secret, username))
 * @param expires    when the server stops accepting the credential
 */
record IceServer(List<String> urls, String username, String credential, Instant expires) {
    /** What a shell takes as one word without quotes. */
    private static final Pattern PLAIN_WORD = Pattern.compile("[A-Za-z0-9_@%+=:,./-]+");

    /** The forms of {@code --format}. */
    enum Format {
        /** One line of JSON a web app hands to {@code new RTCPeerConnection({iceServers: [...]})}. */
        JSON {
            @Override
            void print(IceServer server, PrintWriter out) {
                StringBuilder urls = new StringBuilder();
                for (String url : server.urls()) {
                    urls.append(urls.length() == 0 ? "" : ",").append(json(url));
                }
                out.println("{\"urls\":[" + urls + "],\"username\":" + json(server.username())
                        + ",\"credential\":" + json(server.credential()) + "}");
            }
        },
        /** Shell assignments, for {@code eval "$(turnkit credentials ... --format env)"}; URIs comma-separated. */
        ENV {
            @Override
            void print(IceServer server, PrintWriter out) {
                out.println("TURN_USERNAME=" + shellWord(server.username()));
                out.println("TURN_PASSWORD=" + shellWord(server.credential()));
                out.println("TURN_URIS=" + shellWord(String.join(",", server.urls())));
            }
        },
        /** For a person to read. */
        TEXT {
            @Override
            void print(IceServer server, PrintWriter out) {
                Table.print(List.of(
                        List.of("username", server.username()),
                        List.of("password", server.credential()),
                        List.of("expires", server.expires().toString()),
                        List.of("uris", String.join(" ", server.urls()))), out);
            }
        };

        abstract void print(IceServer server, PrintWriter out);

        /** json, env, text. */
        static final class Names extends LowerCaseNames<Format> {
            Names() {
                super(Format.class);
            }
        }
    }

    /** A JSON string (RFC 8259 §7): quotes, backslashes and control characters escaped. */
    static String json(String value) {
        StringBuilder out = new StringBuilder(value.length() + 2).append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }

    /** {@code value} as one shell word: as it is when plain, else in single quotes ({@code '} as {@code '\''}). */
    static String shellWord(String value) {
        return PLAIN_WORD.matcher(value).matches() ? value : "'" + value.replace("'", "'\\''") + "'";
    }
}
