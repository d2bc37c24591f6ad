#!/usr/bin/python3
"""An ICE agent on aioice that speaks turnkit's interop line protocol on stdin/stdout.

It prints its a=ice-ufrag, a=ice-pwd, a=candidate lines (RFC 8839) and a=end-of-candidates, reads the
peer's lines in the same syntax up to a=end-of-candidates, runs the checks (RFC 8445), prints
"selected: <local candidate> <remote candidate>", then sends each further stdin line as one datagram
and prints each datagram received as "data: <text>". EOF on stdin ends it with exit 0; an error is one
line on stderr and exit 1 (2 for a bad option); no selected pair within --timeout seconds is exit 3.

Host candidates are gathered on 127.0.0.1 only: the tests run on loopback, which aioice skips by default.
"""
import argparse
import asyncio
import sys

import aioice
import aioice.ice

EXIT_ERROR = 1
EXIT_USAGE = 2
EXIT_TIMEOUT = 3


class OneLineArgumentParser(argparse.ArgumentParser):
    """Reports a bad option in one line on stderr, as every other error is reported."""

    def error(self, message):
        fail("%s (see --help)" % message, EXIT_USAGE)


def host_port(text):
    host, _, port = text.rpartition(":")
    if not host or not port.isdigit():
        raise argparse.ArgumentTypeError("expected HOST:PORT, got %r" % text)
    return host, int(port)


def parse_arguments():
    parser = OneLineArgumentParser(description=__doc__.splitlines()[0])
    role = parser.add_mutually_exclusive_group(required=True)
    role.add_argument("--controlling", action="store_true")
    role.add_argument("--controlled", action="store_true")
    parser.add_argument("--stun", type=host_port)
    parser.add_argument("--turn", type=host_port)
    parser.add_argument("-u", dest="user")
    parser.add_argument("-p", dest="password")
    parser.add_argument("--relay-only", action="store_true")
    parser.add_argument("--timeout", type=float, default=30.0)
    arguments = parser.parse_args()
    if arguments.turn and (arguments.user is None or arguments.password is None):
        parser.error("--turn needs -u and -p")
    if arguments.relay_only and not arguments.turn:
        parser.error("--relay-only needs --turn")
    return arguments


def say(line):
    print(line, flush=True)


def fail(message, code=EXIT_ERROR):
    print("error: " + message, file=sys.stderr, flush=True)
    sys.exit(code)


async def stdin_lines():
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    return reader


async def read_remote_description(reader, connection):
    """Applies the peer's lines until a=end-of-candidates; False when stdin ended first."""
    while True:
        line = await reader.readline()
        if not line:
            return False
        line = line.decode().strip()
        if line.startswith("a=ice-ufrag:"):
            connection.remote_username = line[len("a=ice-ufrag:"):]
        elif line.startswith("a=ice-pwd:"):
            connection.remote_password = line[len("a=ice-pwd:"):]
        elif line.startswith("a=candidate:"):
            try:
                candidate = aioice.Candidate.from_sdp(line[len("a=candidate:"):])
            except ValueError as e:
                fail("malformed candidate line %r: %s" % (line, e))
            await connection.add_remote_candidate(candidate)
        elif line == "a=end-of-candidates":
            await connection.add_remote_candidate(None)
            return True
        elif line:
            fail("unexpected line before a=end-of-candidates: %r" % line)


def set_aside_host_sockets(connection):
    """aioice's RELAY policy only leaves host candidates out of the offer; their sockets would still run
    checks and win. Relay-only means every check leaves through the TURN server, so the host sockets leave
    the connection (closing them now would tell the connection it was lost); they are closed at the end."""
    host = [p for p in connection._protocols if p.local_candidate.type != "relay"]
    for protocol in host:
        connection._protocols.remove(protocol)
    return host


async def receive_data(connection):
    while True:
        data = await connection.recv()
        say("data: " + data.decode(errors="replace"))


async def run(arguments):
    aioice.ice.get_host_addresses = lambda use_ipv4, use_ipv6: ["127.0.0.1"]
    policy = aioice.TransportPolicy.RELAY if arguments.relay_only else aioice.TransportPolicy.ALL
    connection = aioice.Connection(
        ice_controlling=arguments.controlling,
        stun_server=arguments.stun,
        turn_server=arguments.turn,
        turn_username=arguments.user,
        turn_password=arguments.password,
        use_ipv6=False,
        transport_policy=policy,
    )
    reader = await stdin_lines()
    set_aside = []

    async def negotiate():
        await connection.gather_candidates()
        if arguments.relay_only:
            set_aside.extend(set_aside_host_sockets(connection))
        say("a=ice-ufrag:" + connection.local_username)
        say("a=ice-pwd:" + connection.local_password)
        for candidate in connection.local_candidates:
            say("a=candidate:" + candidate.to_sdp())
        say("a=end-of-candidates")
        if not await read_remote_description(reader, connection):
            return False
        await connection.connect()
        return True

    try:
        if not await asyncio.wait_for(negotiate(), arguments.timeout):
            return
    except asyncio.TimeoutError:
        fail("no candidate pair selected within %g s" % arguments.timeout, EXIT_TIMEOUT)
    except ConnectionError as e:
        fail(str(e))
    pair = connection._nominated[1]
    say("selected: candidate:%s candidate:%s" % (pair.local_candidate.to_sdp(), pair.remote_candidate.to_sdp()))

    receiver = asyncio.ensure_future(receive_data(connection))
    while True:
        line = await reader.readline()
        if not line:
            break
        await connection.send(line.rstrip(b"\n"))
    receiver.cancel()
    await connection.close()
    for protocol in set_aside:
        protocol.transport.close()


def main():
    arguments = parse_arguments()
    try:
        asyncio.run(run(arguments))
    except (OSError, ValueError, ConnectionError) as e:
        # A TURN server that refuses the allocation, a socket that cannot be bound: one line, not a traceback.
        fail("%s: %s" % (type(e).__name__, e))


if __name__ == "__main__":
    main()
