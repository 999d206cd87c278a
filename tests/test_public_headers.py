"""Headers of public responses: the Content-Security-Policy everywhere (404s
included), production settings that pass ``check --deploy``, and conditional
GETs answered with 304."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import RequestFactory
from django.utils import translation
from django.views.defaults import server_error

from tests.factories import published_record

pytestmark = pytest.mark.django_db

BASE_DIR = Path(__file__).resolve().parent.parent


def csp_directives(response):
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


def assert_strict_csp(response):
    assert response.has_header("Content-Security-Policy"), response.status_code
    directives = csp_directives(response)
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["script-src"] == ["'self'"]
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "unsafe-eval" not in response["Content-Security-Policy"]


@pytest.mark.parametrize("url", ["/en/no-such-page/", "/fr/incidents/INC-9999/", "/fr/incidents/nope/", "/nowhere.php"])
def test_not_found_pages_carry_the_strict_csp(client, url):
    response = client.get(url)
    assert response.status_code == 404
    assert_strict_csp(response)
    html = response.content.decode()
    assert "<style" not in html and "<script" not in html and " style=" not in html


def test_not_found_page_speaks_the_language_of_its_address(client):
    html = client.get("/fr/pas-de-page/").content.decode()
    assert '<html lang="fr">' in html and "Page introuvable" in html
    assert '<meta name="robots" content="noindex">' in html


@pytest.mark.parametrize(
    "url",
    [
        "/en/",
        "/fr/",
        "/en/incidents/",
        "/fr/incidents/?q=deepfake&kind=incident",
        "/en/incidents/?page=-1",
        "/en/feeds/records.atom",
        "/fr/feeds/records.json",
        "/sitemap.xml",
        "/sitemap-records.xml",
        "/robots.txt",
    ],
)
def test_every_public_response_carries_the_strict_csp(client, url):
    published_record()
    response = client.get(url)
    assert response.status_code == 200
    assert_strict_csp(response)


def test_server_error_page_renders_without_a_request_context():
    with translation.override("fr"):
        response = server_error(RequestFactory().get("/fr/"))
    assert response.status_code == 500
    html = response.content.decode()
    assert "Erreur du serveur" in html and '<html lang="fr">' in html


def test_production_settings_pass_check_deploy(tmp_path):
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DEBUG", "DJANGO_SETTINGS_MODULE", "DATABASE_URL"}
    }
    environment.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "SECRET_KEY": secrets.token_urlsafe(64),
            "ALLOWED_HOSTS": "dossier.example.org",
            # A production site sends real mail: the console backend is refused.
            "EMAIL_BACKEND": "smtp",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'deploy-check.sqlite3'}",
        }
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize("url", ["/en/", "/fr/", "/en/incidents/", "/fr/incidents/?kind=incident&sort=title"])
def test_anonymous_pages_answer_conditional_gets(client, url):
    published_record()
    first = client.get(url)
    assert first.status_code == 200 and first.has_header("ETag")
    again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again.content == b""
    assert_strict_csp(again)


def test_a_new_publication_changes_the_etag(client):
    published_record(title_en="First record")
    etag = client.get("/en/incidents/")["ETag"]
    published_record(title_en="Second record")
    response = client.get("/en/incidents/", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200 and "Second record" in response.content.decode()
