"""The admin's login: an unsafe ``next`` lands on the admin's home; the
language cookie is as guarded as the session's."""

import pytest
from django.conf import settings
from django.urls import reverse

from tests.factories import PASSWORD, EditorFactory

pytestmark = pytest.mark.django_db


def log_in(client, next_url):
    return client.post(f"/admin/login/?next={next_url}", {"username": "edith", "password": PASSWORD, "next": next_url})


@pytest.mark.parametrize(
    "next_url",
    [
        "https://evil.example/",
        "//evil.example",
        "/\\evil.example",
        "javascript:alert(1)",
        "http://testserver.evil.example/admin/",
        "",
    ],
)
def test_a_login_with_an_unsafe_next_lands_on_the_admin_home(client, next_url):
    EditorFactory(username="edith")
    response = log_in(client, next_url)
    assert response.status_code == 302
    assert response["Location"] == "/admin/"


def test_a_login_with_a_next_on_this_site_goes_there(client):
    EditorFactory(username="edith")
    response = log_in(client, "/admin/incidents/record/")
    assert response["Location"] == "/admin/incidents/record/"


def test_the_default_landing_after_login_is_the_admin_home():
    assert reverse(settings.LOGIN_REDIRECT_URL) == "/admin/"
    assert reverse(settings.LOGIN_URL) == "/admin/login/"


def test_the_language_cookie_is_secure_lax_and_http_only_when_debug_is_off(client):
    assert not settings.DEBUG
    response = client.post(reverse("set_language"), {"language": "fr", "next": "/fr/"})
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "fr"
    assert cookie["secure"] is True
    assert cookie["samesite"] == "Lax"
    assert cookie["httponly"] is True
