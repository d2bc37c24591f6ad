/*
 * An ICE agent on libnice that speaks turnkit's interop line protocol on stdin/stdout.
 *
 * It prints its a=ice-ufrag, a=ice-pwd, a=candidate lines (RFC 8839) as they are gathered and
 * a=end-of-candidates, reads the peer's lines in the same syntax up to a=end-of-candidates, runs the
 * checks (RFC 8445, libnice's RFC 5245 mode), prints "selected: <local candidate> <remote candidate>",
 * then sends each further stdin line as one datagram and prints each datagram received as
 * "data: <text>". EOF on stdin ends it with exit 0; an error is one line on stderr and exit 1 (2 for a
 * bad option); no selected pair within --timeout seconds is exit 3.
 *
 * Host candidates are gathered on 127.0.0.1 only: the tests run on loopback, which libnice skips when
 * it enumerates interfaces itself. With --tcp they are ICE-TCP candidates only (RFC 6544; libnice's
 * "ice-tcp" on and "ice-udp" off), as an agent whose UDP is blocked would have.
 */
#include <agent.h>
#include <gio/gio.h>
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXIT_ERROR 1
#define EXIT_USAGE 2
#define EXIT_TIMEOUT 3
#define COMPONENT 1
#define CANDIDATE_PREFIX "a=candidate:"

static GMainLoop *loop;
static NiceAgent *agent;
static guint stream;
static GSList *remote_candidates;
static gchar *remote_ufrag;
static gchar *remote_pwd;
static gboolean remote_complete;
static gboolean selected;

static void fail(int code, const char *format, ...) G_GNUC_PRINTF(2, 3);

static void fail(int code, const char *format, ...) {
    va_list arguments;
    va_start(arguments, format);
    fputs("error: ", stderr);
    vfprintf(stderr, format, arguments);
    fputc('\n', stderr);
    va_end(arguments);
    exit(code);
}

static void usage(const char *problem) {
    fail(EXIT_USAGE, "%s; usage: ice_harness --controlling|--controlled [--stun HOST:PORT] "
         "[--turn HOST:PORT -u USER -p PASS] [--relay-only] [--tcp] [--timeout SECONDS]", problem);
}

/* Splits HOST:PORT; exits with a usage error when it is not one. */
static void split_host_port(const char *text, gchar **host, guint *port) {
    const char *colon = strrchr(text, ':');
    char *end;
    long value;
    if (colon == NULL || colon == text) {
        usage("expected HOST:PORT");
    }
    value = strtol(colon + 1, &end, 10);
    if (*end != '\0' || value < 1 || value > 65535) {
        usage("expected HOST:PORT with a port from 1 to 65535");
    }
    *host = g_strndup(text, colon - text);
    *port = (guint) value;
}

/* The candidate's a=candidate line (RFC 8839 §5.1) without its "a=". */
static gchar *candidate_text(NiceCandidate *candidate) {
    gchar *sdp = nice_agent_generate_local_candidate_sdp(agent, candidate);
    gchar *text = g_strdup(sdp + strlen("a="));
    g_free(sdp);
    return text;
}

static void on_new_candidate(NiceAgent *source, NiceCandidate *candidate, gpointer unused) {
    gchar *sdp = nice_agent_generate_local_candidate_sdp(source, candidate);
    printf("%s\n", sdp);
    fflush(stdout);
    g_free(sdp);
}

static void on_gathering_done(NiceAgent *source, guint stream_id, gpointer unused) {
    printf("a=end-of-candidates\n");
    fflush(stdout);
}

static void on_selected_pair(NiceAgent *source, guint stream_id, guint component_id,
                             NiceCandidate *local, NiceCandidate *remote, gpointer unused) {
    /* The remote candidate's text is written by the same code as a local one's: one syntax. */
    gchar *local_text = candidate_text(local);
    gchar *remote_text = candidate_text(remote);
    printf("selected: %s %s\n", local_text, remote_text);
    fflush(stdout);
    g_free(local_text);
    g_free(remote_text);
    selected = TRUE;
}

static void on_state_changed(NiceAgent *source, guint stream_id, guint component_id, guint state,
                             gpointer unused) {
    /* Once a pair was selected, FAILED means the peer went away: over TCP its connection closes when it
       exits (RFC 6544), at the end of every test; EOF on stdin ends this side as usual. */
    if (state == NICE_COMPONENT_STATE_FAILED && !selected) {
        fail(EXIT_ERROR, "ICE failed: no candidate pair succeeded");
    }
}

static void on_receive(NiceAgent *source, guint stream_id, guint component_id, guint length, gchar *bytes,
                       gpointer unused) {
    printf("data: %.*s\n", (int) length, bytes);
    fflush(stdout);
}

static void apply_remote_description(void) {
    if (remote_ufrag == NULL || remote_pwd == NULL) {
        fail(EXIT_ERROR, "the peer sent a=end-of-candidates without a=ice-ufrag and a=ice-pwd");
    }
    if (!nice_agent_set_remote_credentials(agent, stream, remote_ufrag, remote_pwd)) {
        fail(EXIT_ERROR, "libnice refused the peer's credentials");
    }
    remote_candidates = g_slist_reverse(remote_candidates);
    if (nice_agent_set_remote_candidates(agent, stream, COMPONENT, remote_candidates) < 0) {
        fail(EXIT_ERROR, "libnice refused the peer's candidates");
    }
    g_slist_free_full(remote_candidates, (GDestroyNotify) nice_candidate_free);
    remote_candidates = NULL;
    remote_complete = TRUE;
}

static void handle_description_line(const gchar *line) {
    if (g_str_has_prefix(line, "a=ice-ufrag:")) {
        g_free(remote_ufrag);
        remote_ufrag = g_strdup(line + strlen("a=ice-ufrag:"));
    } else if (g_str_has_prefix(line, "a=ice-pwd:")) {
        g_free(remote_pwd);
        remote_pwd = g_strdup(line + strlen("a=ice-pwd:"));
    } else if (g_str_has_prefix(line, CANDIDATE_PREFIX)) {
        NiceCandidate *candidate = nice_agent_parse_remote_candidate_sdp(agent, stream, line);
        if (candidate == NULL) {
            fail(EXIT_ERROR, "malformed candidate line: %s", line);
        }
        remote_candidates = g_slist_prepend(remote_candidates, candidate);
    } else if (strcmp(line, "a=end-of-candidates") == 0) {
        apply_remote_description();
    } else if (line[0] != '\0') {
        fail(EXIT_ERROR, "unexpected line before a=end-of-candidates: %s", line);
    }
}

static void on_closed(GObject *source, GAsyncResult *result, gpointer unused) {
    g_main_loop_quit(loop);
}

static gboolean on_stdin(GIOChannel *channel, GIOCondition condition, gpointer unused) {
    gchar *line = NULL;
    gsize length = 0;
    GError *error = NULL;
    GIOStatus status = g_io_channel_read_line(channel, &line, &length, NULL, &error);
    if (status == G_IO_STATUS_EOF) {
        /* Closing releases the TURN allocation (RFC 8656 §7: a Refresh with lifetime 0) before exit. */
        nice_agent_close_async(agent, on_closed, NULL);
        return FALSE;
    }
    if (status == G_IO_STATUS_ERROR) {
        fail(EXIT_ERROR, "cannot read stdin: %s", error->message);
    }
    if (status != G_IO_STATUS_NORMAL) {
        return TRUE;
    }
    g_strchomp(line);
    if (!remote_complete) {
        handle_description_line(line);
    } else if (!selected) {
        fail(EXIT_ERROR, "data line before a candidate pair was selected: %s", line);
    } else if (nice_agent_send(agent, stream, COMPONENT, strlen(line), line) < 0) {
        fail(EXIT_ERROR, "cannot send a datagram on the selected pair");
    }
    g_free(line);
    return TRUE;
}

static gboolean on_timeout(gpointer seconds) {
    if (!selected) {
        fail(EXIT_TIMEOUT, "no candidate pair selected within %u s", GPOINTER_TO_UINT(seconds));
    }
    return FALSE;
}

int main(int argc, char **argv) {
    gboolean controlling = FALSE, controlled = FALSE, relay_only = FALSE, tcp = FALSE;
    gchar *stun_host = NULL, *turn_host = NULL;
    guint stun_port = 0, turn_port = 0, timeout = 30;
    const char *user = NULL, *password = NULL;
    NiceAddress loopback;
    GIOChannel *input;
    int i;

    for (i = 1; i < argc; i++) {
        const char *option = argv[i];
        gboolean has_value = i + 1 < argc;
        if (strcmp(option, "--controlling") == 0) {
            controlling = TRUE;
        } else if (strcmp(option, "--controlled") == 0) {
            controlled = TRUE;
        } else if (strcmp(option, "--relay-only") == 0) {
            relay_only = TRUE;
        } else if (strcmp(option, "--tcp") == 0) {
            tcp = TRUE;
        } else if (strcmp(option, "--stun") == 0 && has_value) {
            split_host_port(argv[++i], &stun_host, &stun_port);
        } else if (strcmp(option, "--turn") == 0 && has_value) {
            split_host_port(argv[++i], &turn_host, &turn_port);
        } else if (strcmp(option, "-u") == 0 && has_value) {
            user = argv[++i];
        } else if (strcmp(option, "-p") == 0 && has_value) {
            password = argv[++i];
        } else if (strcmp(option, "--timeout") == 0 && has_value) {
            timeout = (guint) strtoul(argv[++i], NULL, 10);
            if (timeout == 0) {
                usage("--timeout takes a number of seconds above 0");
            }
        } else {
            usage("unknown option or missing value");
        }
    }
    if (controlling == controlled) {
        usage("give exactly one of --controlling and --controlled");
    }
    if (turn_host != NULL && (user == NULL || password == NULL)) {
        usage("--turn needs -u and -p");
    }
    if (relay_only && turn_host == NULL) {
        usage("--relay-only needs --turn");
    }

    loop = g_main_loop_new(NULL, FALSE);
    agent = nice_agent_new(g_main_loop_get_context(loop), NICE_COMPATIBILITY_RFC5245);
    g_object_set(agent, "controlling-mode", controlling, "ice-tcp", tcp, "ice-udp", !tcp, "force-relay", relay_only,
                 NULL);
    if (stun_host != NULL) {
        g_object_set(agent, "stun-server", stun_host, "stun-server-port", stun_port, NULL);
    }
    /* A local address given by hand replaces libnice's own interface list, which leaves out loopback. */
    nice_address_init(&loopback);
    nice_address_set_from_string(&loopback, "127.0.0.1");
    nice_agent_add_local_address(agent, &loopback);

    g_signal_connect(agent, "new-candidate-full", G_CALLBACK(on_new_candidate), NULL);
    g_signal_connect(agent, "candidate-gathering-done", G_CALLBACK(on_gathering_done), NULL);
    g_signal_connect(agent, "new-selected-pair-full", G_CALLBACK(on_selected_pair), NULL);
    g_signal_connect(agent, "component-state-changed", G_CALLBACK(on_state_changed), NULL);

    stream = nice_agent_add_stream(agent, 1);
    if (stream == 0) {
        fail(EXIT_ERROR, "libnice could not add a stream");
    }
    if (turn_host != NULL && !nice_agent_set_relay_info(agent, stream, COMPONENT, turn_host, turn_port, user,
                                                        password, NICE_RELAY_TYPE_TURN_UDP)) {
        fail(EXIT_ERROR, "libnice refused the TURN server %s:%u", turn_host, turn_port);
    }
    nice_agent_attach_recv(agent, stream, COMPONENT, g_main_loop_get_context(loop), on_receive, NULL);

    {
        gchar *ufrag = NULL, *pwd = NULL;
        nice_agent_get_local_credentials(agent, stream, &ufrag, &pwd);
        printf("a=ice-ufrag:%s\na=ice-pwd:%s\n", ufrag, pwd);
        fflush(stdout);
        g_free(ufrag);
        g_free(pwd);
    }
    if (!nice_agent_gather_candidates(agent, stream)) {
        fail(EXIT_ERROR, "libnice could not start gathering candidates");
    }

    input = g_io_channel_unix_new(fileno(stdin));
    g_io_add_watch(input, G_IO_IN | G_IO_HUP | G_IO_ERR, on_stdin, NULL);
    g_timeout_add_seconds(timeout, on_timeout, GUINT_TO_POINTER(timeout));

    g_main_loop_run(loop);

    g_io_channel_unref(input);
    g_object_unref(agent);
    g_main_loop_unref(loop);
    return 0;
}
