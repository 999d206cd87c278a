"""
scripts/balancer.py, the round-robin balancer of `make prod-check`, in
process, in front of tiny servers: one that answers, one whose port refuses
connections, one that accepts a request and resets the connection without a
byte of answer (what a server stopping gracefully does to connections it
has not accepted yet).
"""

import asyncio
import http.client
import http.server
import importlib.util
import socket
import struct
import threading
from contextlib import contextmanager
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "balancer.py"
spec = importlib.util.spec_from_file_location("balancer", SCRIPT)
balancer_module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(balancer_module)
Backend, Balancer = balancer_module.Backend, balancer_module.Balancer


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def answering_server(name):
    """Answers every request with its name and the headers it received."""
    received = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def _answer(self):
            length = int(self.headers.get("Content-Length") or 0)
            self.rfile.read(length)
            received.append((self.command, self.path, dict(self.headers)))
            body = name.encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):
            self._answer()

        def do_POST(self):
            self._answer()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1], received
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def resetting_server():
    """Reads each request, then resets the connection (RST, no answer)."""
    listener = socket.create_server(("127.0.0.1", 0))
    received = []
    stop = threading.Event()

    def serve():
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            received.append(connection.recv(65536).split(b" ", 1)[0])
            connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            connection.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1], received
    finally:
        stop.set()
        thread.join(2)
        listener.close()


@contextmanager
def balancing(ports, **options):
    """A Balancer in front of ``ports`` (named A, B, ...), in a thread;
    without health checks unless ``interval`` is given."""
    backends = [Backend("ABCDEFGH"[i], port) for i, port in enumerate(ports)]
    log = []
    balancer = Balancer(backends, log=log.append, **{"interval": 0, **options})
    port = free_port()
    loop = asyncio.new_event_loop()
    stop = asyncio.Event()
    thread = threading.Thread(target=loop.run_until_complete, args=(balancer.serve(port, stop=stop),), daemon=True)
    thread.start()
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
            break
        except OSError:
            threading.Event().wait(0.02)
    try:
        yield port, balancer, log
    finally:
        loop.call_soon_threadsafe(stop.set)
        thread.join(5)
        loop.close()


def send(port, method="GET", path="/", headers=None, body=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.getheader("X-Backend"), response.read().decode()
    finally:
        connection.close()


def test_requests_go_to_each_backend_in_turn_and_name_the_one_that_answered():
    with (
        answering_server("first") as (port_a, _),
        answering_server("second") as (port_b, _),
        balancing([port_a, port_b]) as (port, balancer, _log),
    ):
        answers = [send(port) for _ in range(4)]
    assert [status for status, _, _ in answers] == [200] * 4
    assert [backend for _, backend, _ in answers] == ["A", "B", "A", "B"]
    assert [body for _, _, body in answers] == ["first", "second", "first", "second"]
    assert balancer.retries == 0


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_a_refused_connection_is_tried_on_the_next_backend_whatever_the_method(method):
    with answering_server("alive") as (alive, received), balancing([free_port(), alive]) as (port, balancer, log):
        first = send(port, method, "/a", body="x=1" if method == "POST" else None)
        second = send(port, method, "/b", body="x=1" if method == "POST" else None)
    assert first == (200, "B", "alive")
    assert second == (200, "B", "alive")
    assert [(m, path) for m, path, _ in received] == [(method, "/a"), (method, "/b")]
    # Out of rotation after the refusal: the second request went straight to B.
    assert balancer.retries == 1
    assert not balancer.backends[0].healthy
    assert any("out of rotation" in line for line in log)


def test_a_get_cut_before_any_answer_is_sent_again_to_the_next_backend():
    with (
        resetting_server() as (cutting, cut),
        answering_server("alive") as (alive, received),
        balancing([cutting, alive]) as (port, balancer, _log),
    ):
        answer = send(port, "GET", "/en/")
    assert answer == (200, "B", "alive")
    assert cut == [b"GET"]
    assert [(m, path) for m, path, _ in received] == [("GET", "/en/")]
    assert balancer.retries == 1


def test_a_post_cut_before_any_answer_is_not_sent_again():
    # The server may have acted on it before the connection was cut.
    with (
        resetting_server() as (cutting, cut),
        answering_server("alive") as (alive, received),
        balancing([cutting, alive]) as (port, _balancer, _log),
    ):
        status, _, _ = send(port, "POST", "/admin/publish/", body="note=x")
    assert status == 502
    assert cut == [b"POST"]
    assert received == []


def test_when_every_backend_is_gone_the_answer_is_502():
    with balancing([free_port(), free_port()]) as (port, balancer, _log):
        status, backend, _ = send(port)
    assert (status, backend) == (502, None)
    assert balancer.retries == 1


def test_the_forwarded_headers_are_the_balancers_not_the_clients():
    with answering_server("alive") as (alive, received):
        with balancing([alive], forwarded_proto="https") as (port, _balancer, _log):
            send(port, headers={"X-Forwarded-Proto": "http", "X-Forwarded-For": "203.0.113.9"})
        with balancing([alive]) as (port, _balancer, _log):
            send(port, headers={"X-Forwarded-Proto": "https"})
    with_proto, without_proto = received[0][2], received[1][2]
    assert with_proto["X-Forwarded-Proto"] == "https"
    assert with_proto["X-Forwarded-For"] == "203.0.113.9, 127.0.0.1"
    assert with_proto["Connection"] == "close"
    assert "X-Forwarded-Proto" not in without_proto


def test_a_backend_failing_its_health_check_leaves_the_rotation_until_it_passes():
    with answering_server("alive") as (alive, _):
        dead = free_port()
        with balancing([dead, alive], interval=0.05) as (port, balancer, log):
            for _ in range(100):
                if not balancer.backends[0].healthy:
                    break
                threading.Event().wait(0.02)
            answers = [send(port)[1] for _ in range(3)]
    assert answers == ["B", "B", "B"]
    assert balancer.retries == 0
    assert any("health check failed" in line for line in log)
