"""Login throttling (django-axes, config/settings.py "Login throttling"):
failed logins lock the username and the client's address, for a while; the
lockout page is the admin's, in the user's language; publishers unlock from
the admin, anyone with a shell by command; the client's address is read from
X-Forwarded-For only behind trusted proxies."""

import datetime

import pytest
from axes.exceptions import AxesBackendRequestParameterRequired
from axes.models import AccessAttempt
from django.core.management import call_command
from django.db.models import F
from django.http import HttpRequest
from django.test import RequestFactory, override_settings

from core.http import client_ip
from tests.factories import PASSWORD, EditorFactory, PublisherFactory
from tests.test_public_headers import assert_strict_csp

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/?next=/admin/"
WRONG = "not the password"


def login(client, username, password, ip="198.51.100.7", forwarded_for=None, **headers):
    """POST the admin's login form, as a browser at ``ip`` would."""
    if forwarded_for is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return client.post(
        LOGIN, {"username": username, "password": password, "next": "/admin/"}, REMOTE_ADDR=ip, **headers
    )


def assert_logged_in(response):
    assert response.status_code == 302 and response["Location"] == "/admin/", response.status_code


def assert_locked_out(response):
    assert response.status_code == 429, response.status_code


def fail(client, username, times, **kwargs):
    for _attempt in range(times):
        response = login(client, username, WRONG, **kwargs)
    return response


def age_attempts(minutes):
    """As if the attempts so far were made ``minutes`` earlier."""
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - datetime.timedelta(minutes=minutes))


@pytest.fixture
def edith(db):
    return EditorFactory(username="edith")


def test_five_failed_logins_lock_the_username_for_fifteen_minutes(client, edith):
    for _attempt in range(4):
        response = login(client, "edith", WRONG)
        assert response.status_code == 200  # the login form again, with its error
    assert_locked_out(login(client, "edith", WRONG))
    # The right password is refused now: it is not even checked.
    assert_locked_out(login(client, "edith", PASSWORD))
    age_attempts(14)
    assert_locked_out(login(client, "edith", PASSWORD))


def test_four_failed_logins_do_not_lock(client, edith):
    fail(client, "edith", 4)
    assert_logged_in(login(client, "edith", PASSWORD))


def test_the_right_password_is_accepted_after_the_cool_off(client, edith):
    assert_locked_out(fail(client, "edith", 5))
    assert_locked_out(login(client, "edith", PASSWORD))
    age_attempts(16)
    assert_logged_in(login(client, "edith", PASSWORD))


def test_attempts_while_locked_do_not_extend_the_lock(client, edith):
    """The lock ends when the page says it does, however often one tries."""
    fail(client, "edith", 5)
    age_attempts(10)
    assert_locked_out(login(client, "edith", WRONG))
    assert_locked_out(login(client, "edith", PASSWORD))
    age_attempts(6)
    assert_logged_in(login(client, "edith", PASSWORD))


def test_a_locked_username_stays_locked_whatever_the_address(client, edith):
    fail(client, "edith", 5, ip="198.51.100.7")
    assert_locked_out(login(client, "edith", PASSWORD, ip="203.0.113.99"))


def test_an_address_trying_many_usernames_is_locked(client, edith):
    for number in range(5):
        login(client, f"guess{number}", WRONG, ip="198.51.100.7")
    # Even the right password of an account never tried, from that address;
    assert_locked_out(login(client, "edith", PASSWORD, ip="198.51.100.7"))
    # from elsewhere, that account is not locked.
    assert_logged_in(login(client, "edith", PASSWORD, ip="203.0.113.99"))


@pytest.mark.parametrize(
    ("command", "argument"),
    [("axes_reset", None), ("axes_reset_username", "edith"), ("axes_reset_ip", "198.51.100.7")],
)
def test_the_right_password_is_accepted_after_a_reset_by_command(client, edith, command, argument):
    fail(client, "edith", 5)
    assert_locked_out(login(client, "edith", PASSWORD))
    call_command(command, *([argument] if argument else []), stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert_logged_in(login(client, "edith", PASSWORD))


def test_a_publisher_reads_the_attempts_and_unlocks_a_username_in_the_admin(client, edith):
    fail(client, "edith", 5)
    attempt = AccessAttempt.objects.get(username="edith")
    client.force_login(PublisherFactory())
    changelist = client.get("/admin/axes/accessattempt/")
    assert changelist.status_code == 200 and "edith" in changelist.content.decode()
    response = client.post(f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    client.logout()
    assert_logged_in(login(client, "edith", PASSWORD))


def test_an_editor_cannot_see_or_unlock_login_attempts(client, edith):
    fail(client, "edith", 1)
    client.force_login(EditorFactory())
    assert client.get("/admin/axes/accessattempt/").status_code == 403
    attempt = AccessAttempt.objects.get(username="edith")
    assert client.post(f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"}).status_code == 403
    assert AccessAttempt.objects.filter(pk=attempt.pk).exists()


def test_the_lockout_page_is_the_admin_login_frame_with_the_reason_and_no_inline_code(client, edith):
    response = fail(client, "edith", 5)
    assert_locked_out(response)
    assert response["Retry-After"] == "900"
    assert_strict_csp(response)
    html = response.content.decode()
    assert "Too many failed logins" in html
    assert "locked for 15 minutes at most" in html
    assert 'href="/admin/login/"' in html
    # Scripts and styles from files only (the admin's own), none inline.
    assert "<style" not in html and " style=" not in html and "<script>" not in html


def test_the_lockout_page_speaks_french_to_a_french_browser(client, edith):
    response = fail(client, "edith", 5, HTTP_ACCEPT_LANGUAGE="fr")
    assert_locked_out(response)
    html = response.content.decode()
    assert "Trop de tentatives de connexion échouées" in html
    assert "15\N{NO-BREAK SPACE}minutes au plus" in html


@override_settings(AXES_FAILURE_LIMIT=3, AXES_COOLOFF_TIME=datetime.timedelta(minutes=30))
def test_the_limit_and_the_cool_off_are_settings(client, edith):
    assert_locked_out(fail(client, "edith", 3))
    age_attempts(20)
    assert_locked_out(login(client, "edith", PASSWORD))
    age_attempts(11)
    assert_logged_in(login(client, "edith", PASSWORD))


# The client's address --------------------------------------------------------------


def test_a_spoofed_forwarded_for_is_ignored_without_trusted_proxies(client, edith):
    """Changing X-Forwarded-For at each attempt does not escape the address lock."""
    for number in range(5):
        login(client, f"guess{number}", WRONG, ip="198.51.100.7", forwarded_for=f"192.0.2.{number}")
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"198.51.100.7"}
    assert_locked_out(login(client, "edith", PASSWORD, ip="198.51.100.7", forwarded_for="192.0.2.200"))


@override_settings(DOSSIER_TRUSTED_PROXIES=1)
def test_behind_one_trusted_proxy_the_last_hop_is_the_client(client, edith):
    proxy = "10.0.0.2"
    # The client prepends made-up hops; the proxy appends the address it saw.
    for number in range(5):
        login(client, f"guess{number}", WRONG, ip=proxy, forwarded_for=f"192.0.2.{number}, 203.0.113.5")
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.5"}
    assert_locked_out(login(client, "edith", PASSWORD, ip=proxy, forwarded_for="192.0.2.200, 203.0.113.5"))
    # Another client behind the same proxy is not locked.
    assert_logged_in(login(client, "edith", PASSWORD, ip=proxy, forwarded_for="203.0.113.6"))


@pytest.mark.parametrize(
    ("trusted", "forwarded_for", "expected"),
    [
        (0, None, "198.51.100.7"),
        (0, "192.0.2.1", "198.51.100.7"),
        (1, None, "198.51.100.7"),
        (1, "203.0.113.5", "203.0.113.5"),
        (1, "192.0.2.1, 192.0.2.2, 203.0.113.5", "203.0.113.5"),
        (2, "192.0.2.1, 203.0.113.5, 10.0.0.3", "203.0.113.5"),
        (2, "203.0.113.5", "203.0.113.5"),
        (1, " , ", "198.51.100.7"),
    ],
)
def test_the_client_address_is_the_hop_the_farthest_trusted_proxy_saw(settings, trusted, forwarded_for, expected):
    settings.DOSSIER_TRUSTED_PROXIES = trusted
    headers = {"HTTP_X_FORWARDED_FOR": forwarded_for} if forwarded_for is not None else {}
    request = RequestFactory().get("/", REMOTE_ADDR="198.51.100.7", **headers)
    assert client_ip(request) == expected


# Logging in without the form ---------------------------------------------------------


def test_client_login_counts_attempts_when_given_a_request(client, edith):
    """django-axes needs the request of every authentication: Django's test
    client does not pass one to authenticate() (tests use force_login), so
    ``client.login`` is given one; without it axes refuses loudly rather than
    let a login go uncounted."""
    assert client.login(request=HttpRequest(), username="edith", password=PASSWORD)
    with pytest.raises(AxesBackendRequestParameterRequired):
        client.login(username="edith", password=PASSWORD)
