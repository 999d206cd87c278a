"""``manage.py load_demo`` on an empty database: never by accident in
production, and all or nothing.

Apart from test_demo.py, whose demo content is loaded once for the whole
module: these tests need a database without it."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from incidents.demo.records import RECORDS
from incidents.models import Record

pytestmark = pytest.mark.django_db


def test_load_demo_refused_when_debug_is_off(db):
    # pytest-django runs with DEBUG off, like production.
    with pytest.raises(CommandError, match=r"DEBUG off.*--force"):
        call_command("load_demo", stdout=StringIO())
    assert not get_user_model().objects.exists()
    assert not Record.objects.exists()


@override_settings(DEBUG=True)
def test_load_demo_runs_without_force_when_debug_is_on(db):
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert Record.objects.count() == len(RECORDS)
    assert "http://127.0.0.1:8000/admin/" in out.getvalue()


@override_settings(DOSSIER_REQUIRE_FRENCH_TO_PUBLISH=True)
def test_load_demo_explains_and_rolls_back_when_french_is_required_to_publish(db):
    with pytest.raises(
        CommandError,
        match=r"DOSSIER_REQUIRE_FRENCH_TO_PUBLISH.*nothing was changed|nothing was changed.*DOSSIER_REQUIRE_FRENCH_TO_PUBLISH",
    ):
        call_command("load_demo", stdout=StringIO(), force=True)
    # The accounts made before the refusal were rolled back with the rest.
    assert not get_user_model().objects.exists()


@pytest.mark.django_db(transaction=True)  # real commits: the e-mails leave on commit
def test_load_demo_keeps_its_emails_and_logs_out_of_the_console_and_names_the_served_address(settings, capsys, caplog):
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
    settings.DOSSIER_SITE_URL = "http://127.0.0.1:8101"
    out = StringIO()
    call_command("load_demo", stdout=out, force=True)
    printed = out.getvalue() + capsys.readouterr().out
    assert "Subject:" not in printed and "Content-Type:" not in printed
    assert "workflow e-mails were written while loading; they were not sent or printed." in printed
    assert "http://127.0.0.1:8101/admin/" in printed and ":8000" not in printed
    # Nor the ~300 lines of task and workflow events of the load.
    assert not [r for r in caplog.records if r.name in ("django.tasks", "dossier.security") and r.levelno < 30]
