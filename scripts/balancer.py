#!/usr/bin/env python3
"""
A small round-robin HTTP load balancer for app servers on this machine,
standard library only: what scripts/prod-check puts in front of two
gunicorn servers, and a way to try the production profile locally. Not a
production balancer (use the platform's, HAProxy or nginx): it serves one
request per client connection and keeps nothing alive.

    python3 scripts/balancer.py 8080 8001 8002 [--forwarded-proto https]

- Each request goes to the next backend in turn among those that pass the
  health check (GET /healthz every second with --health-host as Host, 200
  needed); when none passes it tries them all ("fail open": Dossier's own
  503 page is better than the balancer's).
- A request is tried on the next backend when its connection is refused
  (nothing reached the server, whatever the method), and, for methods that
  may be repeated (GET, HEAD, OPTIONS, PUT, DELETE, TRACE), when the
  connection is reset or closed before the first byte of a response: what
  a server stopping gracefully (SIGTERM) does to connections it has not
  accepted yet. Each backend is tried at most once per request; if none
  answers, 502. A backend that refused is out of rotation until its health
  check passes again.
- The response names its backend in an ``X-Backend`` header; the request
  gets ``X-Forwarded-For`` (the client's address appended) and, with
  --forwarded-proto, ``X-Forwarded-Proto`` (what a TLS-terminating proxy
  sets; the client's own is dropped). Hop-by-hop headers are rewritten:
  each side's connection is closed after one response.
"""

import argparse
import asyncio
import contextlib
import itertools
import signal
import sys
import time

HOST = "127.0.0.1"
MAX_HEAD = 64 * 1024
# Methods a client may repeat without changing the result (RFC 9110, 9.2.2):
# only these are sent again after a connection was cut before any answer.
IDEMPOTENT = frozenset({b"GET", b"HEAD", b"OPTIONS", b"PUT", b"DELETE", b"TRACE"})
HOP_BY_HOP = frozenset(
    {b"connection", b"keep-alive", b"proxy-connection", b"te", b"trailer", b"upgrade", b"x-forwarded-proto"}
)


class NoAnswerError(Exception):
    """The backend could not be reached, or cut the connection before
    answering anything."""

    def __init__(self, reason, sent):
        super().__init__(reason)
        self.sent = sent  # whether the request had been written to it


class Backend:
    def __init__(self, name, port, host=HOST):
        self.name, self.host, self.port = name, host, port
        self.healthy = True
        self.requests = 0

    def __repr__(self):
        return f"{self.name} ({self.host}:{self.port})"


def _simple_response(status, reason):
    body = f"{status} {reason}\n".encode()
    return (
        f"HTTP/1.1 {status} {reason}\r\nContent-Type: text/plain\r\nContent-Length: {len(body)}\r\n"
        "Connection: close\r\n\r\n"
    ).encode() + body


class Balancer:
    def __init__(
        self,
        backends,
        *,
        health_path="/healthz",
        health_host="127.0.0.1",
        interval=1.0,
        forwarded_proto=None,
        timeout=60.0,
        log=None,
    ):
        self.backends = list(backends)
        self.health_path, self.health_host, self.interval = health_path, health_host, interval
        self.forwarded_proto = forwarded_proto.encode() if forwarded_proto else None
        self.timeout = timeout
        self.log = log or (lambda message: print(f"balancer: {message}", file=sys.stderr, flush=True))
        self._turn = itertools.count()
        self.retries = 0
        self._tasks = set()

    # Choosing ---------------------------------------------------------------

    def order(self):
        """The backends to try for one request: the next healthy one first,
        then the others in turn; all of them when none is healthy."""
        start = next(self._turn)
        rotated = [self.backends[(start + i) % len(self.backends)] for i in range(len(self.backends))]
        healthy = [backend for backend in rotated if backend.healthy]
        return healthy + [backend for backend in rotated if not backend.healthy]

    def _mark(self, backend, healthy, reason):
        if backend.healthy != healthy:
            backend.healthy = healthy
            self.log(f"{backend} {'back in rotation' if healthy else 'out of rotation'}: {reason}")

    # Health checks ----------------------------------------------------------

    async def probe(self, backend):
        writer = None
        try:
            async with asyncio.timeout(max(self.interval, 2.0)):
                reader, writer = await asyncio.open_connection(backend.host, backend.port)
                writer.write(
                    f"GET {self.health_path} HTTP/1.1\r\nHost: {self.health_host}\r\nConnection: close\r\n\r\n".encode()
                )
                await writer.drain()
                status_line = await reader.readline()
            parts = status_line.split()
            ok = len(parts) > 1 and parts[1] == b"200"
            reason = (
                "health check passed" if ok else f"health check answered {status_line.decode(errors='replace').strip()}"
            )
        except (OSError, TimeoutError) as error:
            ok, reason = False, f"health check failed ({type(error).__name__})"
        finally:
            if writer is not None:
                writer.close()
        self._mark(backend, ok, reason)

    async def check_health(self):
        while True:
            await asyncio.gather(*(self.probe(backend) for backend in self.backends))
            await asyncio.sleep(self.interval)

    # Proxying ---------------------------------------------------------------

    async def read_request(self, reader, client_address):
        head = await reader.readuntil(b"\r\n\r\n")
        lines = head[:-4].split(b"\r\n")
        request_line, header_lines = lines[0], lines[1:]
        method = request_line.split(b" ", 1)[0].upper()
        headers, length, forwarded_for = [], 0, None
        for line in header_lines:
            name, _, value = line.partition(b":")
            key = name.strip().lower()
            if key in HOP_BY_HOP:
                continue
            if key == b"transfer-encoding":
                return method, None  # a chunked request body: refused with 411
            if key == b"content-length":
                length = int(value.strip())
            if key == b"x-forwarded-for":
                forwarded_for = value.strip()
                continue
            headers.append(line)
        chain = (forwarded_for + b", " if forwarded_for else b"") + client_address.encode()
        headers.append(b"X-Forwarded-For: " + chain)
        if self.forwarded_proto:
            headers.append(b"X-Forwarded-Proto: " + self.forwarded_proto)
        headers.append(b"Connection: close")
        body = await reader.readexactly(length) if length else b""
        return method, b"\r\n".join([request_line, *headers]) + b"\r\n\r\n" + body

    async def forward(self, backend, request, client_writer):
        """Send ``request`` to ``backend`` and stream its response to the
        client. Raises NoAnswerError if the backend answered nothing at all."""
        try:
            reader, writer = await asyncio.open_connection(backend.host, backend.port)
        except OSError as error:
            raise NoAnswerError(f"connect: {error.strerror or error}", sent=False) from error
        try:
            try:
                writer.write(request)
                await writer.drain()
                async with asyncio.timeout(self.timeout):
                    head = await reader.readuntil(b"\r\n\r\n")
            except TimeoutError:
                raise  # it may be working on it still: answered 504, not sent again
            except (OSError, asyncio.IncompleteReadError) as error:
                # Reset or closed before a complete response head: nothing
                # has reached the client yet.
                raise NoAnswerError(f"cut before any answer: {type(error).__name__}", sent=True) from error
            except asyncio.LimitOverrunError:
                head = await reader.read(MAX_HEAD)
            backend.requests += 1
            status_line, _, rest = head.partition(b"\r\n")
            client_writer.write(status_line + b"\r\nX-Backend: " + backend.name.encode() + b"\r\n" + rest)
            while data := await reader.read(65536):
                client_writer.write(data)
                await client_writer.drain()
        finally:
            writer.close()

    async def handle(self, client_reader, client_writer):
        client_address = (client_writer.get_extra_info("peername") or ("unknown",))[0]
        try:
            try:
                async with asyncio.timeout(30):
                    method, request = await self.read_request(client_reader, client_address)
            except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, TimeoutError, ValueError, OSError):
                client_writer.write(_simple_response(400, "Bad Request"))
                return
            if request is None:
                client_writer.write(_simple_response(411, "Length Required"))
                return
            previous = None
            for backend in self.order():
                if previous is not None:
                    self.retries += 1
                    line = request.split(b"\r\n", 1)[0].decode(errors="replace")
                    self.log(f"{line} retried on {backend.name} after {previous}")
                previous = backend.name
                try:
                    await self.forward(backend, request, client_writer)
                    return
                except NoAnswerError as error:
                    self._mark(backend, False, str(error))
                    if error.sent and method not in IDEMPOTENT:
                        # The server may have acted on it: not sent again.
                        client_writer.write(_simple_response(502, "Bad Gateway"))
                        return
                except TimeoutError:
                    client_writer.write(_simple_response(504, "Gateway Timeout"))
                    return
            client_writer.write(_simple_response(502, "Bad Gateway"))
        except OSError:
            pass  # the client went away
        finally:
            if not client_writer.is_closing():
                with contextlib.suppress(OSError):
                    await client_writer.drain()
            client_writer.close()

    async def _handle(self, client_reader, client_writer):
        # asyncio keeps only a weak reference to a connection's task once
        # its client has gone: hold it here, so that it finishes its work.
        task = asyncio.current_task()
        self._tasks.add(task)
        try:
            await self.handle(client_reader, client_writer)
        finally:
            self._tasks.discard(task)

    async def serve(self, port, host=HOST, stop=None):
        """Serve until ``stop`` (an asyncio.Event) is set, or forever."""
        server = await asyncio.start_server(self._handle, host, port, reuse_address=True, limit=MAX_HEAD)
        # interval 0: no health checks, only what requests find out.
        health = asyncio.create_task(self.check_health()) if self.interval else None
        try:
            async with server:
                await (stop.wait() if stop is not None else server.serve_forever())
        finally:
            if health is not None:
                health.cancel()


async def _run(balancer, port):
    # SIGTERM and SIGINT stop it cleanly, as the end of a run.
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    await balancer.serve(port, stop=stop)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("listen", type=int, help="port to listen on (127.0.0.1)")
    parser.add_argument("backends", type=int, nargs="+", help="ports of the app servers (127.0.0.1)")
    parser.add_argument("--health-path", default="/healthz")
    parser.add_argument("--health-host", default="127.0.0.1", help="Host header of the health check")
    parser.add_argument("--interval", type=float, default=1.0, help="seconds between health checks (1)")
    parser.add_argument("--forwarded-proto", choices=["http", "https"], help="X-Forwarded-Proto to send")
    args = parser.parse_args()
    backends = [Backend(chr(ord("A") + i) if i < 26 else str(port), port) for i, port in enumerate(args.backends)]
    balancer = Balancer(
        backends,
        health_path=args.health_path,
        health_host=args.health_host,
        interval=args.interval,
        forwarded_proto=args.forwarded_proto,
    )
    started = time.monotonic()
    try:
        asyncio.run(_run(balancer, args.listen))
    finally:
        served = ", ".join(f"{backend.name} {backend.requests}" for backend in backends)
        print(
            f"balancer: {time.monotonic() - started:.0f} s, requests served: {served}; retried: {balancer.retries}",
            file=sys.stderr,
        )


if __name__ == "__main__":
    main()
