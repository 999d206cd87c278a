"""No admin page answers a server error to hostile input.

A superuser (who may open every page, so nothing is refused before the input
is read) walks every model registered in the admin, ours and Django's: its
changelist with hostile values in every parameter the changelist reads (its
filters', its own, one it does not know), its object pages with hostile ids,
django-simple-history's history items with hostile ids, and the autocomplete
view with hostile terms. Refusing the input is fine (4xx, or the changelist's
"?e=1" redirect); a 5xx is not.

Each test collects every failure and asserts once, so one run lists them all.
PostgreSQL refuses more than SQLite (a NUL byte in text, an integer beyond
bigint): run this file on both.
"""

import datetime

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.admin.views import main as changelist_vars
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import RequestFactory
from django.urls import NoReverseMatch, URLResolver, reverse

from core.models import Preference
from evidence.models import Source
from incidents.models import ChecklistItem, RecordVersion
from tests.factories import ChecklistItemFactory, full_record, received_report, requested_redaction

pytestmark = pytest.mark.django_db

HOSTILE = [
    "\x00",
    "abc",
    "99999999999999999999",  # 20 digits: beyond bigint
    "-1",
    "1e999",
    "%",
    "'",
    "x" * 5000,
]

# The parameters every changelist reads besides its filters' (q, o, p, ...).
CHANGELIST_PARAMETERS = [
    changelist_vars.ALL_VAR,
    changelist_vars.ORDER_VAR,
    changelist_vars.PAGE_VAR,
    changelist_vars.SEARCH_VAR,
    changelist_vars.IS_POPUP_VAR,
    changelist_vars.TO_FIELD_VAR,
    changelist_vars.IS_FACETS_VAR,
    changelist_vars.ERROR_FLAG,
    "no_such_parameter",
]


def _short(value):
    """The 5,000-character value, shortened in a failure's description."""
    return value.replace(HOSTILE[-1], f"x...({len(HOSTILE[-1])} characters)")


def _server_errors(client, requests):
    """The (method, url, params, status) of each request answered with a 5xx."""
    failures = []
    for method, url, params in requests:
        response = getattr(client, method)(url, params)
        if response.status_code >= 500:
            shown = {name: _short(value) for name, value in params.items()}
            failures.append((method.upper(), _short(url), shown, response.status_code))
    return failures


@pytest.fixture
def root(superuser):
    return superuser


@pytest.fixture
def rows(root):
    """At least one row of every registered model, so that object, history
    and history-item pages exist and every filter has choices."""
    full_record()
    requested_redaction()
    ChecklistItemFactory()
    received_report(contact_email="reporter@example.net", links=["https://example.org/a"])
    Group.objects.create(name="Hostile input testers")
    Preference.objects.create(user=root, language="fr")
    attempt = {"user_agent": "test", "ip_address": "192.0.2.1", "username": "root", "http_accept": "*/*"}
    AccessAttempt.objects.create(
        **attempt, path_info="/admin/login/", get_data="", post_data="", failures_since_start=1
    )
    AccessLog.objects.create(**attempt, path_info="/admin/login/", logout_time=datetime.datetime.now(datetime.UTC))
    AccessFailureLog.objects.create(**attempt, path_info="/admin/login/", locked_out=True)
    empty = [model._meta.label for model in admin.site._registry if not model._default_manager.exists()]
    assert not empty, f"no row to test with: {empty}"
    assert ChecklistItem.history.exists()


@pytest.fixture
def hostile_client(client, root, rows):
    client.force_login(root)
    # A server error comes back as a response with status 500, not as the
    # exception, so that one run sees them all.
    client.raise_request_exception = False
    return client


def _info(model):
    return f"admin:{model._meta.app_label}_{model._meta.model_name}"


def _filter_parameters(model_admin, root):
    """The query-string parameters of the changelist's filters, as Django
    builds them (``spec.expected_parameters()``), plus a plain lookup on
    every concrete field: the changelist accepts those on local fields."""
    request = RequestFactory().get("/")
    request.user = root
    changelist = model_admin.get_changelist_instance(request)
    names = [name for spec in changelist.filter_specs for name in spec.expected_parameters()]
    fields = model_admin.model._meta.concrete_fields
    names += [field.attname for field in fields] + [f"{field.attname}__in" for field in fields]
    return list(dict.fromkeys(names))


def test_no_admin_changelist_answers_a_server_error_to_hostile_parameters(hostile_client, root):
    requests = []
    for model, model_admin in admin.site._registry.items():
        url = reverse(f"{_info(model)}_changelist")
        for name in _filter_parameters(model_admin, root) + CHANGELIST_PARAMETERS:
            requests += [("get", url, {name: value}) for value in HOSTILE]
    failures = _server_errors(hostile_client, requests)
    assert not failures, "\n".join(map(str, failures))


def _admin_url_patterns(patterns=None, prefix=""):
    """(name, parameter names) of every named admin URL that takes parameters
    in its path: change, delete and history pages, the views our admins add
    (review, withdraw, preview...), Django's own (view on site, password)."""
    found = []
    for pattern in admin.site.urls[0] if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            found += _admin_url_patterns(pattern.url_patterns)
        elif pattern.name and pattern.pattern.converters:
            found.append((pattern.name, list(pattern.pattern.converters)))
    return found


def _valid_arguments(name):
    """A value that opens the page for each parameter of URL ``name``, so
    that each parameter is tried hostile with the others valid."""
    model = next(
        (
            model
            for model in admin.site._registry
            if name.startswith(f"{model._meta.app_label}_{model._meta.model_name}_")
        ),
        RecordVersion,
    )
    obj = model._default_manager.first()
    pk = str(obj.pk)
    content_type = str(ContentType.objects.get_for_model(model).pk)
    return {"object_id": pk, "id": pk, "version_id": pk, "content_type_id": content_type, "lang": "en"}


def test_no_admin_object_page_answers_a_server_error_to_a_hostile_id(hostile_client):
    patterns = _admin_url_patterns()
    assert {"incidents_recordversion_preview", "view_on_site"} <= {name for name, _parameters in patterns}
    requests = []
    for name, parameters in patterns:
        valid = _valid_arguments(name)
        for parameter in parameters:
            for value in HOSTILE:
                try:
                    url = reverse(f"admin:{name}", kwargs={**{p: valid[p] for p in parameters}, parameter: value})
                except NoReverseMatch:
                    continue  # its converter takes no such value (<int:...>): the URL cannot be asked for
                # The views our admins add answer POST (a workflow button);
                # the test client sends no CSRF token and needs none.
                requests += [("get", url, {}), ("post", url, {})]
    failures = _server_errors(hostile_client, requests)
    assert not failures, "\n".join(map(str, failures))


def _history_models():
    return [model for model in admin.site._registry if hasattr(model._meta, "simple_history_manager_attribute")]


def test_no_history_item_page_answers_a_server_error_to_a_hostile_id(hostile_client):
    assert _history_models(), "no model with django-simple-history's pages"
    requests = []
    for model in _history_models():
        obj = model._default_manager.first()
        history_id = str(getattr(model, model._meta.simple_history_manager_attribute).first().history_id)
        for object_id, item_id in [(obj.pk, value) for value in HOSTILE] + [(value, history_id) for value in HOSTILE]:
            try:
                url = reverse(f"{_info(model)}_simple_history", args=[object_id, item_id])
            except NoReverseMatch:
                continue  # its pattern, [^/]+, takes no empty value
            requests.append(("get", url, {}))
    failures = _server_errors(hostile_client, requests)
    assert not failures, "\n".join(map(str, failures))


def _autocomplete_fields():
    """(app_label, model_name, field_name) of every autocomplete field, on a
    model's own page and in its inlines."""
    fields = []
    for model_admin in admin.site._registry.values():
        request = RequestFactory().get("/")
        for owner in [model_admin, *(inline(model_admin.model, admin.site) for inline in model_admin.inlines)]:
            opts = owner.model._meta
            fields += [(opts.app_label, opts.model_name, name) for name in owner.get_autocomplete_fields(request)]
    return sorted(set(fields))


def test_no_admin_autocomplete_answers_a_server_error_to_hostile_terms(hostile_client):
    fields = _autocomplete_fields()
    assert fields, "no autocomplete field found"
    url = reverse("admin:autocomplete")
    requests = []
    for app_label, model_name, field_name in fields:
        params = {"app_label": app_label, "model_name": model_name, "field_name": field_name}
        for value in HOSTILE:
            requests.append(("get", url, {**params, "term": value}))
            requests.append(("get", url, {**params, "term": "a", "page": value}))
            for name in params:
                requests.append(("get", url, {**params, name: value}))
    failures = _server_errors(hostile_client, requests)
    assert not failures, "\n".join(map(str, failures))


# How each kind of hostile input is refused ------------------------------------


def test_a_nul_byte_in_an_admin_url_is_a_bad_request(hostile_client):
    assert hostile_client.get(reverse("admin:evidence_source_changelist"), {"language": "\x00"}).status_code == 400
    assert hostile_client.get(reverse("admin:evidence_source_change", args=["1\x00"])).status_code == 400
    autocomplete = {"app_label": "taxonomy", "model_name": "term", "field_name": "parent", "term": "\x00"}
    assert hostile_client.get(reverse("admin:autocomplete"), autocomplete).status_code == 400


@pytest.mark.parametrize(("lang", "heading"), [("en", "<h1>Bad request</h1>"), ("fr", "<h1>Requête invalide</h1>")])
def test_a_bad_request_page_is_in_the_users_language(hostile_client, lang, heading):
    response = hostile_client.get(
        reverse("admin:evidence_source_changelist"), {"language": "\x00"}, HTTP_ACCEPT_LANGUAGE=lang
    )
    assert response.status_code == 400
    assert f'<html lang="{lang}">' in response.content.decode()
    assert heading in response.content.decode()


def test_a_nul_byte_in_the_public_search_is_still_explained_in_the_page(client, db):
    assert client.get("/en/incidents/", {"q": "a\x00b"}).status_code == 200


@pytest.mark.parametrize(
    ("lookup", "refused_by"),
    [
        # PostgreSQL's inet type (the adapter) refuses it; SQLite finds no row.
        ("ip_address=abc", "postgresql"),
        # SQLite holds no integer beyond 64 bits; PostgreSQL finds no row.
        ("id__in=99999999999999999999", "sqlite"),
    ],
)
def test_a_changelist_lookup_the_database_refuses_goes_back_to_the_changelist(hostile_client, lookup, refused_by):
    """As Django answers a lookup it refuses itself: ?e=1, the changelist
    without the lookup."""
    url = reverse("admin:axes_accesslog_changelist")
    response = hostile_client.get(f"{url}?{lookup}")
    if connection.vendor != refused_by:
        assert response.status_code == 200
        return
    assert response.status_code == 302
    assert response["Location"] == f"{url}?e=1"
    assert hostile_client.get(response["Location"]).status_code == 200


@pytest.mark.parametrize("year", ["99999999999999999999", "0", "²", "10000"])
def test_a_year_no_date_holds_shows_every_source(hostile_client, year):
    response = hostile_client.get(reverse("admin:evidence_source_changelist"), {"year": year})
    assert response.status_code == 200
    assert response.context["cl"].result_count == Source.objects.count()


@pytest.mark.parametrize("history_id", ["abc", "1e999", "%", "99999999999999999999"])
def test_a_history_item_id_that_cannot_be_one_is_not_found(hostile_client, history_id):
    version = RecordVersion.objects.first()
    url = reverse("admin:incidents_recordversion_simple_history", args=[version.pk, history_id])
    assert hostile_client.get(url).status_code == 404
    assert hostile_client.get(reverse("admin:incidents_recordversion_history", args=[history_id])).status_code == 404
