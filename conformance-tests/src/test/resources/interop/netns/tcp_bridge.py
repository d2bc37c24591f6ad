"""TCP ports inside a network namespace, each carried to a UNIX socket outside it.

Usage: tcp_bridge.py READY_FILE PORT UNIX_PATH [PORT UNIX_PATH ...]

Listens on 127.0.0.1:PORT in the namespace it runs in; each connection accepted there is joined to a new
connection to UNIX_PATH (a socket the test serves from the host's namespace, which carries it on to the
same port there). TCP is all that crosses: a namespace with this bridge and no other way out has no UDP
path to the host. READY_FILE is written once every port listens.
"""
import asyncio
import sys

CHUNK = 65536


async def pipe(reader, writer):
    try:
        while True:
            data = await reader.read(CHUNK)
            if not data:
                break
            writer.write(data)
            await writer.drain()
    except (ConnectionError, OSError):
        pass
    finally:
        writer.close()


def joiner(unix_path):
    async def join(reader, writer):
        try:
            unix_reader, unix_writer = await asyncio.open_unix_connection(unix_path)
        except OSError:
            writer.close()
            return
        await asyncio.gather(pipe(reader, unix_writer), pipe(unix_reader, writer))
    return join


async def main(ready_file, pairs):
    servers = [await asyncio.start_server(joiner(path), "127.0.0.1", int(port)) for port, path in pairs]
    with open(ready_file, "w") as ready:
        ready.write("ready\n")
    await asyncio.gather(*(server.serve_forever() for server in servers))


if __name__ == "__main__":
    arguments = sys.argv[1:]
    if len(arguments) < 3 or len(arguments) % 2 != 1:
        sys.exit("usage: tcp_bridge.py READY_FILE PORT UNIX_PATH [PORT UNIX_PATH ...]")
    asyncio.run(main(arguments[0], list(zip(arguments[1::2], arguments[2::2]))))
