#!/usr/bin/env python3
"""
The production profile, exercised (README.md, "Production"): two gunicorn
app servers (gthread, DEBUG off, the connection pool) on one PostgreSQL
database and one Redis, behind scripts/balancer.py.

    make prod-check            # or: .venv/bin/python scripts/prod_check.py

1. Both servers serve the site: requests through the balancer alternate
   between them (its X-Backend header), and each gives the same page the
   same ETag.
2. A publication made through server A (the admin's login and publish
   forms, over HTTP) is served by server B at once: B had the record's
   page in the shared page cache, and its very next answer has the new
   version's text and a new ETag (the old one no longer gets a 304).
3. While clients send a steady stream of requests through the balancer,
   server A is stopped (SIGTERM: graceful) and started again, then server
   B: every request gets a 2xx or 3xx answer.

Everything is its own: a scratch database (dossier_prodcheck_<pid>) made
with migrate and load_demo, a Redis key prefix, free ports, a temporary
folder for static files, exports and logs; all removed at the end, even on
failure. Exits non-zero on any failure. About a minute.

Environment: PRODCHECK_POSTGRES (postgres://postgres@127.0.0.1:5432),
PRODCHECK_REDIS_URL (redis://127.0.0.1:6379/0).
"""

import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from html import unescape
from pathlib import Path
from urllib.parse import urlencode

BASE_DIR = Path(__file__).resolve().parent.parent
VENV_PYTHON = BASE_DIR / ".venv" / "bin" / "python"
PYTHON = str(VENV_PYTHON) if VENV_PYTHON.exists() else sys.executable
HOST = "127.0.0.1"
# The record published anew through server A (incidents/demo/records.py).
RECORD = "seed-dprk-it-workers"


class CheckFailedError(Exception):
    pass


STARTED = time.monotonic()


def step(message):
    print(f"\n== {message} (at {time.monotonic() - STARTED:.0f} s)", flush=True)


def ok(message):
    print(f"ok: {message}", flush=True)


def require(condition, message):
    if not condition:
        raise CheckFailedError(message)
    ok(message)


def free_port():
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


# HTTP --------------------------------------------------------------------------


class Response:
    def __init__(self, status, headers, body):
        self.status, self.headers, self.body = status, headers, body

    def header(self, name):
        return next((value for key, value in self.headers if key.lower() == name.lower()), None)

    @property
    def text(self):
        return self.body.decode("utf-8", errors="replace")


def request(port, path, method="GET", headers=None, body=None, timeout=15, https=True):
    """One request on a new connection. ``https``: the X-Forwarded-Proto a
    TLS-terminating proxy would send (the balancer sends its own)."""
    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        sent = {"Connection": "close", **(headers or {})}
        if https:
            sent.setdefault("X-Forwarded-Proto", "https")
        connection.request(method, path, body=body, headers=sent)
        answer = connection.getresponse()
        return Response(answer.status, answer.getheaders(), answer.read())
    finally:
        connection.close()


class Browser:
    """A signed-in editor's cookies, on one server."""

    def __init__(self, port):
        self.port, self.cookies = port, {}

    def _send(self, path, method="GET", form=None):
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urlencode(form)
            origin = f"https://{HOST}:{self.port}"
            headers |= {
                "Content-Type": "application/x-www-form-urlencoded",
                "Origin": origin,
                "Referer": origin + path,
            }
        response = request(self.port, path, method, headers, body)
        for key, value in response.headers:
            if key.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response

    def get(self, path):
        return self._send(path)

    def submit(self, path, fields):
        """GET the form at ``path``, then POST it with ``fields`` and its CSRF token."""
        page = self.get(path)
        if page.status != 200:
            raise CheckFailedError(f"GET {path} answered {page.status}")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        if not token:
            raise CheckFailedError(f"no CSRF token in the form at {path}")
        return self._send(path, "POST", {"csrfmiddlewaretoken": unescape(token.group(1)), **fields})


# The site's pieces --------------------------------------------------------------


class Site:
    def __init__(self):
        self.pid = os.getpid()
        self.work = Path(tempfile.mkdtemp(prefix="dossier-prodcheck-"))
        self.database = f"dossier_prodcheck_{self.pid}"
        self.postgres = os.environ.get("PRODCHECK_POSTGRES", "postgres://postgres@127.0.0.1:5432").rstrip("/")
        self.redis_url = os.environ.get("PRODCHECK_REDIS_URL", "redis://127.0.0.1:6379/0")
        self.redis_prefix = f"prodcheck-{self.pid}"
        self.servers = {}  # name -> (port, Popen)
        self.ports = {"A": free_port(), "B": free_port()}
        self.balancer_port = free_port()
        self.balancer = None
        self.database_created = False
        self.env = {
            **{key: value for key, value in os.environ.items() if key not in {"DEBUG", "DJANGO_SETTINGS_MODULE"}},
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DEBUG": "",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": f"{HOST},localhost",
            "DATABASE_URL": f"{self.postgres}/{self.database}",
            "DATABASE_POOL": "1",
            "GUNICORN_WORKERS": "2",
            "GUNICORN_THREADS": "4",
            "GUNICORN_ACCESS_LOG": "",
            "GUNICORN_GRACEFUL_TIMEOUT": "20",
            "REDIS_URL": self.redis_url,
            "REDIS_KEY_PREFIX": self.redis_prefix,
            "STATIC_ROOT": str(self.work / "static"),
            "DOSSIER_EXPORT_DIR": str(self.work / "exports"),
            "DOSSIER_SECURITY_LOG": str(self.work / "security.log"),
            "DOSSIER_TRUSTED_PROXIES": "1",
            "DOSSIER_SITE_URL": f"http://{HOST}:{self.balancer_port}",
            "TASKS_BACKEND": "database",
            "EMAIL_BACKEND": "console",
            "LOG_LEVEL": "WARNING",
            "PGOPTIONS": "-c client_min_messages=warning",
        }

    def manage(self, *args, capture=False):
        result = subprocess.run(
            [PYTHON, "manage.py", *args], cwd=BASE_DIR, env=self.env, capture_output=True, text=True, check=False
        )
        if result.returncode:
            raise CheckFailedError(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
        return result.stdout if capture else None

    def _psql(self, sql):
        subprocess.run(
            ["psql", f"{self.postgres}/postgres", "-q", "-v", "ON_ERROR_STOP=1", "-c", sql],
            check=True,
            env={**os.environ, "PGOPTIONS": "-c client_min_messages=warning"},
            stdout=subprocess.DEVNULL,
        )

    def _redis(self):
        import redis  # the venv's client, as Django's RedisCache uses it

        return redis.Redis.from_url(self.redis_url)

    def set_up(self):
        step(f"Setting up: database {self.database}, Redis prefix {self.redis_prefix}, {self.work}")
        self._redis().ping()
        self._psql(f'CREATE DATABASE "{self.database}"')
        self.database_created = True
        self.manage("migrate", "--no-input", "-v", "0")
        self.manage("collectstatic", "--no-input", "-v", "0")
        # Demo content through the workflow; DEBUG is off, and this
        # database is nobody's site (its accounts die with it).
        self.manage("load_demo", "--force")
        ok("migrated, static files collected, demo content loaded through the workflow")
        # A new version of RECORD, approved by two reviewers and ready for a
        # publisher; its text carries a token found nowhere else.
        self.token = secrets.token_hex(6)
        prepared = self.manage("shell", "-c", PREPARE.replace("TOKEN", self.token), capture=True)
        self.prepared = json.loads(prepared.strip().splitlines()[-1])
        ok(f"{RECORD} v{self.prepared['number']} approved, waiting for a publisher (token {self.token})")

    def start_server(self, name):
        port = self.ports[name]
        log = open(self.work / f"server-{name}.log", "a")  # noqa: SIM115 (closed with the process)
        process = subprocess.Popen(
            [PYTHON, "-m", "gunicorn", "-c", "config/gunicorn.py", "--bind", f"{HOST}:{port}"],
            cwd=BASE_DIR,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.servers[name] = (port, process, log)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise CheckFailedError(f"server {name} exited at start-up:\n{self.log_of(name)}")
            try:
                if request(port, "/healthz", timeout=5, https=False).status == 200:
                    return port
            except OSError:
                pass
            time.sleep(0.2)
        raise CheckFailedError(f"server {name} never answered /healthz with 200:\n{self.log_of(name)}")

    def stop_server(self, name, timeout=30):
        """SIGTERM to gunicorn's master: it stops accepting, finishes the
        requests in progress and exits. Returns the seconds it took."""
        _port, process, log = self.servers.pop(name)
        started = time.monotonic()
        if process.poll() is None:
            os.kill(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
                log.close()
                raise CheckFailedError(f"server {name} did not stop within {timeout} s of SIGTERM") from None
        log.close()
        if process.returncode != 0:
            raise CheckFailedError(f"server {name} exited with {process.returncode}:\n{self.log_of(name)}")
        return time.monotonic() - started

    def log_of(self, name):
        path = self.work / f"server-{name}.log"
        return path.read_text(errors="replace")[-4000:] if path.exists() else ""

    def start_balancer(self):
        log = open(self.work / "balancer.log", "a")  # noqa: SIM115 (closed at the end)
        self.balancer = (
            subprocess.Popen(
                [
                    PYTHON,
                    "scripts/balancer.py",
                    str(self.balancer_port),
                    str(self.ports["A"]),
                    str(self.ports["B"]),
                    "--forwarded-proto",
                    "https",
                    "--interval",
                    "0.5",
                ],
                cwd=BASE_DIR,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            ),
            log,
        )
        for _ in range(50):
            try:
                if request(self.balancer_port, "/healthz", https=False).status == 200:
                    return
            except OSError:
                time.sleep(0.1)
        raise CheckFailedError("the balancer did not start")

    def tear_down(self):
        for name in list(self.servers):
            _port, process, log = self.servers.pop(name)
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
            log.close()
        if self.balancer:
            process, log = self.balancer
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(5)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
            log.close()
        if self.database_created:
            try:
                self._psql(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')
            except subprocess.CalledProcessError:
                print(f"could not drop the database {self.database}", file=sys.stderr)
        try:
            client = self._redis()
            keys = list(client.scan_iter(match=f"{self.redis_prefix}:*", count=1000))
            if keys:
                client.delete(*keys)
        except Exception as error:  # noqa: BLE001 (cleaning up: say so and go on)
            print(f"could not delete the Redis keys under {self.redis_prefix}: {error}", file=sys.stderr)
        shutil.rmtree(self.work, ignore_errors=True)


# Run in `manage.py shell` against the check's database: the next version of
# RECORD through the workflow (an editor's revision, two reviewers' sign-offs),
# and a fresh password for the demo publisher, who publishes it over HTTP.
PREPARE = """
import json
import secrets
from django.contrib.auth import get_user_model
from django.urls import reverse
from incidents.demo.loader import find_demo_record
from incidents.models import Check, Decision
from incidents.publishing import workflow
users = {user.username: user for user in get_user_model().objects.all()}
record = find_demo_record("RECORD")
draft = workflow.start_revision(record, by=users["editor1"])
draft.summary_en = "Prod-check token TOKEN. " + draft.summary_en
draft.summary_fr = "Jeton de vérification TOKEN. " + draft.summary_fr
draft._history_user = users["editor1"]
draft.save()
workflow.submit(draft, by=users["editor1"])
workflow.sign_off(draft, by=users["reviewer1"], check=Check.NEUTRALITY, decision=Decision.APPROVE, comment="Neutral.")
workflow.sign_off(draft, by=users["reviewer2"], check=Check.FACTUALITY, decision=Decision.APPROVE, comment="Sourced.")
password = secrets.token_urlsafe(18)
publisher = users["publisher"]
publisher.set_password(password)
publisher.save()
print(json.dumps({
    "record_pk": record.pk,
    "public_id": record.public_id,
    "number": record.next_version_number(),
    "live_number": record.live_version.number,
    "publish_url": reverse("admin:incidents_recordversion_publish", args=[draft.pk]),
    "login_url": reverse("admin:login"),
    "username": publisher.username,
    "password": password,
}))
""".replace("RECORD", RECORD)


# The three checks ------------------------------------------------------------


def check_both_serve(site):
    step("1. Both app servers serve the site")
    seen = []
    for _ in range(6):
        response = request(site.balancer_port, "/en/", https=False)
        require(
            response.status == 200, f"GET /en/ through the balancer: 200 from server {response.header('X-Backend')}"
        )
        seen.append(response.header("X-Backend"))
    require({"A", "B"} <= set(seen), f"the balancer sent requests to both servers in turn: {' '.join(seen)}")
    path = f"/en/incidents/{site.prepared['public_id']}/"
    tags = {}
    for name, port in site.ports.items():
        response = request(port, path)
        require(
            response.status == 200, f"GET {path} on server {name} (port {port}): 200, ETag {response.header('ETag')}"
        )
        tags[name] = response.header("ETag")
    require(tags["A"] == tags["B"] and tags["A"], "both servers give the page the same ETag")


def check_publication_seen_at_once(site):
    step("2. A publication through server A is served by server B at once")
    prepared = site.prepared
    path = f"/en/incidents/{prepared['public_id']}/"
    path_fr = f"/fr/incidents/{prepared['public_id']}/"
    port_a, port_b = site.ports["A"], site.ports["B"]
    before = request(port_b, path)
    request(port_b, path_fr)
    old_tag = before.header("ETag")
    require(
        before.status == 200 and site.token not in before.text,
        f"server B serves v{prepared['live_number']} of {prepared['public_id']} (ETag {old_tag})",
    )
    # incidents.public.page_cache.page_key, under the site's prefix and Django's key version (1).
    key = f"{site.redis_prefix}:1:dossier:record-page:{prepared['public_id']}:en:live"
    require(site._redis().exists(key) == 1, f"the page is in the shared page cache ({key})")
    require(request(port_b, path, headers={"If-None-Match": old_tag}).status == 304, "B answers 304 to that ETag")

    editor = Browser(port_a)
    login = editor.submit(prepared["login_url"], {"username": prepared["username"], "password": prepared["password"]})
    require(login.status == 302, f"the publisher signs in on server A (POST {prepared['login_url']}: 302)")
    published = editor.submit(
        prepared["publish_url"],
        {"change_note_en": f"Prod-check {site.token}.", "change_note_fr": f"Vérification {site.token}."},
    )
    require(
        published.status == 302,
        f"the publisher publishes v{prepared['number']} on server A (POST {prepared['publish_url']}: 302)",
    )

    after = request(port_b, path)
    new_tag = after.header("ETag")
    require(
        after.status == 200 and site.token in after.text, f"server B's very next answer shows v{prepared['number']}"
    )
    require(new_tag and new_tag != old_tag, f"with a new ETag ({new_tag})")
    again = request(port_b, path, headers={"If-None-Match": old_tag})
    require(again.status == 200 and site.token in again.text, "the old ETag gets the new page from B, not a 304")
    french = request(port_b, path_fr)
    require(french.status == 200 and site.token in french.text, "and so does the French page")
    through = [request(site.balancer_port, path, https=False) for _ in range(4)]
    require(
        all(response.status == 200 and site.token in response.text for response in through),
        f"through the balancer, servers {' '.join(r.header('X-Backend') for r in through)} all show it",
    )


class Readers:
    """Clients sending one request after another through the balancer."""

    PATHS = ("/en/", "/fr/", "/en/incidents/", "/fr/incidents/", "/en/statistics/")

    def __init__(self, port, record_path, count=4):
        self.port, self.count = port, count
        self.paths = (*self.PATHS, record_path)
        self.results = []  # (monotonic time sent, path, status or error, backend)
        self.stop = threading.Event()
        self.threads = [threading.Thread(target=self.run, args=(i,), daemon=True) for i in range(count)]

    def run(self, offset):
        i = offset
        while not self.stop.is_set():
            path = self.paths[i % len(self.paths)]
            i += 1
            sent = time.monotonic()
            try:
                response = request(self.port, path, timeout=30, https=False)
                outcome, backend = response.status, response.header("X-Backend")
            except OSError as error:
                outcome, backend = f"{type(error).__name__}: {error}", None
            self.results.append((sent, path, outcome, backend))

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for thread in self.threads:
            thread.join(40)

    def between(self, start, end):
        return [r for r in self.results if start <= r[0] < end]


def check_rolling_restart(site):
    step("3. Each server stopped (SIGTERM) and started again under a steady stream of requests")
    record_path = f"/en/incidents/{site.prepared['public_id']}/"
    windows = []
    with Readers(site.balancer_port, record_path) as readers:
        time.sleep(1.5)
        for name in ("A", "B"):
            seconds = site.stop_server(name)
            ok(f"server {name} stopped gracefully in {seconds:.1f} s (SIGTERM, exit status 0)")
            stopped = time.monotonic()
            time.sleep(1.5)
            # Requests sent while it was gone (those it had in hand when
            # told to stop, it finished: they count with the others).
            windows.append((name, readers.between(stopped, time.monotonic())))
            site.start_server(name)
            ok(f"server {name} started again and answers /healthz")
            time.sleep(2)  # the balancer's health check puts it back in rotation
        time.sleep(0.5)
    results = readers.results
    failures = [r for r in results if not (isinstance(r[2], int) and 200 <= r[2] < 400)]
    by_backend = {name: sum(r[3] == name for r in results) for name in ("A", "B")}
    print(f"   {len(results)} requests by {readers.count} clients: A served {by_backend['A']}, B {by_backend['B']}")
    for name, down in windows:
        other = "B" if name == "A" else "A"
        served = {r[3] for r in down if isinstance(r[2], int)}
        require(down and served == {other}, f"while {name} was stopped, {len(down)} requests, all served by {other}")
    require(by_backend["A"] and by_backend["B"], "both served requests before and after the restarts")
    for failure in failures[:10]:
        print(f"   FAILED: {failure[1]}: {failure[2]} (server {failure[3]})")
    require(not failures, f"no request lost: {len(results)} answered 2xx or 3xx, {len(failures)} failed")
    log = (site.work / "balancer.log").read_text(errors="replace")
    print(f"   the balancer retried {len(re.findall(r' retried on ', log))} requests on the other server; its log:")
    for line in log.splitlines()[:20]:
        print(f"     {line}")


def main():
    started = time.monotonic()
    site = Site()

    def interrupted(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupted)
    try:
        site.set_up()
        step(
            f"Starting app servers A (port {site.ports['A']}) and B (port {site.ports['B']}), balancer on {site.balancer_port}"
        )
        site.start_server("A")
        site.start_server("B")
        site.start_balancer()
        ok("gunicorn -c config/gunicorn.py: gthread, 2 workers × 4 threads each, DATABASE_POOL=1, REDIS_URL")
        check_both_serve(site)
        check_publication_seen_at_once(site)
        check_rolling_restart(site)
        for name in list(site.servers):
            site.stop_server(name)
        for name in ("A", "B"):
            for line in site.log_of(name).splitlines():
                if "WARNING" in line or "ERROR" in line:
                    print(f"   server {name} logged: {line}")
        tracebacks = [name for name in ("A", "B") if "Traceback" in site.log_of(name)]
        require(not tracebacks, "no server logged a traceback")
    except (CheckFailedError, OSError, subprocess.CalledProcessError, KeyboardInterrupt) as error:
        print(f"\nFAIL: {error or type(error).__name__}", file=sys.stderr)
        for name in ("A", "B"):
            if log := site.log_of(name):
                print(f"--- server {name} log (end) ---\n{log}", file=sys.stderr)
        balancer_log = site.work / "balancer.log"
        if balancer_log.exists():
            print(f"--- balancer log ---\n{balancer_log.read_text(errors='replace')[-3000:]}", file=sys.stderr)
        return 1
    finally:
        site.tear_down()
    print(f"\nproduction check passed in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
