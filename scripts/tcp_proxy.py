#!/usr/bin/env python3
"""
A TCP proxy from 127.0.0.1:<listen> to 127.0.0.1:<target>, for rehearsing a
database outage without stopping a shared PostgreSQL server.

    python3 scripts/tcp_proxy.py 6543 5432

Point the app at the proxy's port. Killing the proxy is what the app sees
when PostgreSQL stops: every connection through it is cut and the port is
closed; starting it again on the same port is PostgreSQL coming back. Used
by scripts/ci-database-outage with OUTAGE=proxy. Loopback only.
"""

import asyncio
import sys

HOST = "127.0.0.1"


async def pipe(reader, writer):
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except OSError:
        pass
    finally:
        writer.close()


async def serve(listen, target):
    async def handle(client_reader, client_writer):
        try:
            server_reader, server_writer = await asyncio.open_connection(HOST, target)
        except OSError:
            client_writer.close()
            return
        await asyncio.gather(pipe(client_reader, server_writer), pipe(server_reader, client_writer))

    server = await asyncio.start_server(handle, HOST, listen, reuse_address=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(serve(int(sys.argv[1]), int(sys.argv[2])))
