"""
While the database does not answer, every page (public and admin) is a 503
page in the reader's language, with Retry-After and the strict CSP, never a
traceback; /healthz says so in JSON; and the app recovers by itself when the
database is back, a broken kept connection dropped and replaced.

The app's connection is pointed where no database answers (a closed port on
PostgreSQL, a missing directory on SQLite) by swapping in a connection of
its own: the test's transaction, on the real connection, is untouched.
"""

import copy
import json
import socket
from contextlib import contextmanager

import pytest
from django.core.cache.backends.base import BaseCache
from django.db import DEFAULT_DB_ALIAS, OperationalError, close_old_connections, connection, connections
from django.db.utils import load_backend

from tests.test_public_headers import assert_strict_csp

pytestmark = pytest.mark.django_db

ENGLISH = "Temporarily unavailable"
FRENCH = "Momentanément indisponible"


def closed_port():
    """A port on 127.0.0.1 that nothing listens on (taken, then let go)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def nowhere(settings_dict):
    """Settings of the same database, at an address where none answers."""
    if settings_dict["ENGINE"] == "django.db.backends.sqlite3":
        return {"NAME": "/nonexistent-dossier-directory/db.sqlite3"}
    return {"HOST": "127.0.0.1", "PORT": str(closed_port())}


class AppConnection:
    """A new connection to the test database, for the app's requests, that
    the test points where no database answers (``down()``) and back
    (``up()``). Outside the test's transaction: it sees committed rows only.
    ``original`` is the test's own connection."""

    def __init__(self):
        self.original = connections[DEFAULT_DB_ALIAS]
        settings_dict = copy.deepcopy(self.original.settings_dict)
        self.wrapper = load_backend(settings_dict["ENGINE"]).DatabaseWrapper(settings_dict, DEFAULT_DB_ALIAS)
        self.real = {key: settings_dict[key] for key in ("NAME", "HOST", "PORT")}
        self.elsewhere = nowhere(settings_dict)

    def down(self):
        self.wrapper.close()
        self.wrapper.settings_dict.update(self.elsewhere)

    def up(self):
        self.wrapper.settings_dict.update(self.real)

    def terminate(self):
        """End the server process behind the app's open connection, as a
        database restart does, and wait until it is gone (PostgreSQL)."""
        with self.original.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s, 5000)", [self.wrapper.connection.info.backend_pid])
            assert cursor.fetchone()[0]


@contextmanager
def app_connection():
    app = AppConnection()
    connections[DEFAULT_DB_ALIAS] = app.wrapper
    try:
        yield app
    finally:
        app.wrapper.close()
        connections[DEFAULT_DB_ALIAS] = app.original


@contextmanager
def database_down():
    with app_connection() as app:
        app.down()
        yield


def assert_unavailable_page(response, language):
    assert response.status_code == 503, response.status_code
    assert response["Retry-After"] == "30"
    assert "no-store" in response["Cache-Control"]
    assert not response.has_header("ETag")
    assert_strict_csp(response)
    html = response.content.decode()
    assert "Traceback" not in html and "OperationalError" not in html
    assert "<style" not in html and "<script" not in html and " style=" not in html
    assert f'<html lang="{language}">' in html
    first, second = (ENGLISH, FRENCH) if language == "en" else (FRENCH, ENGLISH)
    # The page in its language, then the same text in the other one.
    assert html.index(f"<h1>{first}</h1>") < html.index(f"<h2>{second}</h2>")
    return html


@pytest.mark.parametrize(
    "url",
    [
        "/en/",
        "/fr/",
        "/en/incidents/",
        "/fr/incidents/?q=deepfake",
        "/en/incidents/INC-0001/",
        "/en/feeds/records.atom",
        "/sitemap.xml",
    ],
)
def test_every_public_page_answers_503_while_the_database_is_down(client, url):
    with database_down():
        response = client.get(url)
    language = "fr" if url.startswith("/fr/") else "en"
    assert_unavailable_page(response, language)


@pytest.mark.parametrize("url", ["/admin/", "/admin/incidents/recordversion/"])
def test_every_admin_page_answers_503_while_the_database_is_down(client, editor, url):
    client.force_login(editor)  # the session is read from the database
    with database_down():
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="fr")
    assert_unavailable_page(response, "fr")


def test_signing_in_to_the_admin_answers_503_while_the_database_is_down(client):
    with database_down():
        response = client.post("/admin/login/", {"username": "rita", "password": "x"}, HTTP_ACCEPT_LANGUAGE="en")
    assert_unavailable_page(response, "en")


def test_the_unavailable_page_speaks_the_language_of_its_address_first(client):
    with database_down():
        french = client.get("/fr/incidents/", HTTP_ACCEPT_LANGUAGE="en")
        english = client.get("/en/incidents/", HTTP_ACCEPT_LANGUAGE="fr")
    html = assert_unavailable_page(french, "fr")
    assert "Dossier ne peut pas joindre sa base de données pour le moment" in html
    assert '<section lang="en">' in html
    assert_unavailable_page(english, "en")
    assert french["Content-Language"] == "fr" and english["Content-Language"] == "en"


class FailsAfterTheViewMiddleware:
    """Stands for a session saved after the view, just as the database went
    away: an inner middleware that raises once the page is made."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        self.get_response(request)
        raise OperationalError("server closed the connection unexpectedly")


def test_a_database_error_in_an_inner_middleware_is_a_503_too(client, settings):
    middleware = list(settings.MIDDLEWARE)
    middleware.insert(
        middleware.index("django.contrib.sessions.middleware.SessionMiddleware") + 1,
        __name__ + ".FailsAfterTheViewMiddleware",
    )
    settings.MIDDLEWARE = middleware
    client.raise_request_exception = False  # the test client would re-raise what Django answered with a 500
    assert_unavailable_page(client.get("/fr/"), "fr")


def test_healthz_answers_200_when_the_database_and_the_cache_answer(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content) == {"status": "ok", "database": "ok", "cache": "ok"}
    # Cheap and never cached: no session, no ETag, no cookie.
    assert "no-store" in response["Cache-Control"]
    assert not response.has_header("ETag")
    assert not response.cookies
    assert "Cookie" not in response.get("Vary", "")


def test_healthz_answers_503_while_the_database_is_down(client):
    with database_down():
        response = client.get("/healthz")
    assert response.status_code == 503
    assert json.loads(response.content) == {"status": "unavailable", "database": "unavailable", "cache": "ok"}


class BrokenCache(BaseCache):
    """A cache server that refuses every connection."""

    def __init__(self, location, params):
        super().__init__(params)

    def set(self, *args, **kwargs):
        raise ConnectionRefusedError("cache down")

    get = delete = set


def test_healthz_answers_503_while_the_cache_is_down(client, settings):
    settings.CACHES = {"default": {"BACKEND": __name__ + ".BrokenCache"}}
    response = client.get("/healthz")
    assert response.status_code == 503
    assert json.loads(response.content) == {"status": "unavailable", "database": "ok", "cache": "unavailable"}


def test_healthz_is_not_redirected_to_https(client, settings):
    """A load balancer probes the app server over plain HTTP."""
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz").status_code == 200
    assert client.get("/en/").status_code == 301


def test_the_app_recovers_when_the_database_returns_without_a_restart(client):
    with app_connection() as app:
        assert client.get("/healthz").status_code == 200
        assert client.get("/en/").status_code == 200
        app.down()
        assert client.get("/healthz").status_code == 503
        assert_unavailable_page(client.get("/en/"), "en")
        app.up()
        assert client.get("/healthz").status_code == 200
        assert client.get("/en/").status_code == 200
        assert client.get("/fr/incidents/").status_code == 200


@pytest.mark.skipif(connection.vendor != "postgresql", reason="kept connections to a server: PostgreSQL")
def test_a_broken_kept_connection_is_dropped_and_the_next_request_opens_a_new_one(client):
    """Under a real server, CONN_HEALTH_CHECKS tests a kept connection at the
    first query of each request; the test client skips that, so here the
    first request after the break meets it: a 503, and the connection is
    dropped, so the next request opens a new one."""
    with app_connection() as app:
        assert client.get("/en/").status_code == 200
        kept = app.wrapper.connection
        app.terminate()
        assert_unavailable_page(client.get("/en/"), "en")
        assert app.wrapper.connection is None  # dropped
        assert client.get("/en/").status_code == 200
        assert client.get("/healthz").status_code == 200
        assert app.wrapper.connection is not kept

        app.terminate()
        assert client.get("/healthz").status_code == 503
        assert client.get("/healthz").status_code == 200


@pytest.mark.skipif(connection.vendor != "postgresql", reason="kept connections to a server: PostgreSQL")
def test_a_server_replaces_a_broken_kept_connection_before_the_request_uses_it(client, settings):
    """What a real server does at the start of each request
    (close_old_connections, then the health check): no error at all."""
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"]
    with app_connection() as app:
        assert client.get("/healthz").status_code == 200
        app.terminate()
        close_old_connections()  # request_started
        assert client.get("/healthz").status_code == 200
        assert client.get("/en/").status_code == 200
