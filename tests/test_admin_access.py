"""Who may open which admin page: 200 for the roles that may, 403 for the
others, the login page for anonymous visitors."""

import pytest
from django.contrib import admin
from django.urls import reverse

from evidence.models import Source
from incidents.models import ChecklistItem, Record, RecordVersion, Redaction
from taxonomy.models import Entity, Taxonomy, Term
from tests.factories import (
    ChecklistItemFactory,
    DraftVersionFactory,
    EditorFactory,
    EntityFactory,
    PublisherFactory,
    ReviewerFactory,
    SourceFactory,
    SuperuserFactory,
    TaxonomyFactory,
    TermFactory,
    requested_redaction,
)

pytestmark = pytest.mark.django_db

ROLES = {
    "editor": EditorFactory,
    "reviewer": ReviewerFactory,
    "publisher": PublisherFactory,
    "superuser": SuperuserFactory,
}

# For each registered model: how to make one row, and which roles may add.
# Every role may list, view and see the history of every model.
MODELS = {
    RecordVersion: (DraftVersionFactory, {"editor", "superuser"}),
    # Records are made by adding a version: nobody adds one here.
    Record: (lambda: DraftVersionFactory().record, set()),
    Source: (SourceFactory, {"editor", "publisher", "superuser"}),
    Entity: (EntityFactory, {"editor", "publisher", "superuser"}),
    Term: (TermFactory, {"editor", "publisher", "superuser"}),
    Taxonomy: (TaxonomyFactory, {"publisher", "superuser"}),
    # The reviewers' checklists are set by publishers.
    ChecklistItem: (ChecklistItemFactory, {"publisher", "superuser"}),
    # Redactions are requested from a published version's page.
    Redaction: (requested_redaction, set()),
}


def test_every_registered_model_of_ours_is_covered():
    ours = {model for model in admin.site._registry if model._meta.app_label in ("incidents", "evidence", "taxonomy")}
    assert ours == set(MODELS)


def _urls(model, obj):
    info = f"admin:{model._meta.app_label}_{model._meta.model_name}"
    return {
        "changelist": reverse(f"{info}_changelist"),
        "add": reverse(f"{info}_add"),
        "change": reverse(f"{info}_change", args=[obj.pk]),
        "history": reverse(f"{info}_history", args=[obj.pk]),
    }


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model._meta.model_name)
@pytest.mark.parametrize("role", ROLES)
def test_admin_pages_answer_each_role(client, model, role):
    make, may_add = MODELS[model]
    obj = make()
    client.force_login(ROLES[role]())
    urls = _urls(model, obj)
    for page in ("changelist", "change", "history"):
        assert client.get(urls[page]).status_code == 200, page
    assert client.get(urls["add"]).status_code == (200 if role in may_add else 403)


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model._meta.model_name)
def test_anonymous_visitors_are_sent_to_the_login_page(client, model):
    make, _may_add = MODELS[model]
    for url in _urls(model, make()).values():
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))


def test_staff_without_a_role_sees_nothing(client, django_user_model):
    version = DraftVersionFactory()
    client.force_login(django_user_model.objects.create_user("nobody", is_staff=True))
    for url in _urls(RecordVersion, version).values():
        assert client.get(url).status_code == 403


def test_history_item_page_opens_read_only_for_every_role(client):
    version = DraftVersionFactory()
    history_id = version.history.latest().history_id
    url = reverse("admin:incidents_recordversion_simple_history", args=[version.pk, history_id])
    for make in ROLES.values():
        client.force_login(make())
        response = client.get(url)
        assert response.status_code == 200
        assert 'name="title_en"' not in response.content.decode()
