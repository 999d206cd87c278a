"""Restoring our own export (import_records --format dossier): the demo,
exported, restored into an emptied database, gives every public page, every
API answer and a re-export exactly as before."""

import io
import json
import re
import shutil

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from api import export
from incidents.models import Action, Record, RecordVersion, Status, WorkflowEvent
from tests.factories import EditorFactory, SuperuserFactory, published_record

pytestmark = pytest.mark.django_db(transaction=True)


def restore(directory, user, *options):
    out = io.StringIO()
    call_command("import_records", "--format", "dossier", str(directory), "--as", user.username, *options, stdout=out)
    return out.getvalue()


def public_urls(client):
    """Every public page and API answer of the published content."""
    urls = ["/api/v1/records/?limit=100", "/api/v1/entities/?limit=100", "/api/v1/sources/?limit=100"]
    urls += ["/api/v1/taxonomies/", "/api/v1/stats/", "/sitemap.xml", "/sitemap-records.xml"]
    for lang in ("en", "fr"):
        urls += [f"/{lang}/", f"/{lang}/incidents/", f"/{lang}/feeds/records.atom", f"/{lang}/feeds/records.json"]
    records = client.get("/api/v1/records/?limit=100").json()["results"]
    for summary in records:
        public_id = summary["id"]
        detail = client.get(f"/api/v1/records/{public_id}/").json()
        urls.append(f"/api/v1/records/{public_id}/versions/")
        for lang in ("en", "fr"):
            urls += [
                f"/{lang}/incidents/{public_id}/",
                f"/{lang}/incidents/{public_id}/changes/?from=1&to={detail['version']}",
            ]
            for number in range(1, detail["version"] + 1):
                urls.append(f"/{lang}/incidents/{public_id}/v{number}/")
                urls.append(f"/api/v1/records/{public_id}/?version={number}")
            urls += [f"/{lang}/sources/{c['source']['id']}/" for c in detail["citations"]]
            urls += [f"/{lang}/entities/{role['entity']['slug']}/" for role in detail["entities"]]
            urls += [f"/{lang}/taxonomy/{t['taxonomy']['slug']}/{t['slug']}/" for t in detail["classifications"]]
    return sorted(set(urls))


def snapshot(client, urls):
    pages = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        body = b"".join(response.streaming_content) if response.streaming else response.content
        # The CSRF token of a form is per request; nothing else may differ.
        pages[url] = re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", body)
    return pages


def test_the_demo_exported_and_restored_gives_the_same_pages_answers_and_export(client, tmp_path):
    call_command("load_demo", force=True, stdout=io.StringIO())
    urls = public_urls(client)
    before = snapshot(client, urls)
    first = export.export(tmp_path / "first")

    call_command("flush", interactive=False, verbosity=0)
    assert not Record.objects.exists()
    admin = SuperuserFactory()
    report = restore(tmp_path / "first", admin)
    assert "0 refused" in report

    after = snapshot(client, urls)
    different = [url for url in urls if before[url] != after[url]]
    assert different == []
    second = export.export(tmp_path / "second")
    for name in export.FILES:
        assert second["files"][name]["sha256"] == first["files"][name]["sha256"], name
    assert second["dataset_date"] == first["dataset_date"]
    # The restoration is in the audit trail, and the sign-offs' summary kept.
    live = RecordVersion.objects.filter(status=Status.PUBLISHED)
    assert WorkflowEvent.objects.filter(action=Action.RESTORED).count() == RecordVersion.objects.count()
    assert all({r["check"] for r in version.restored_reviews} == {"neutrality", "factuality"} for version in live)

    # Run again: every record is there already, nothing changes.
    assert "0 created" in restore(tmp_path / "first", admin)


def test_only_a_superuser_restores(tmp_path):
    published_record()
    export.export(tmp_path)
    with pytest.raises(CommandError, match="Only a superuser may restore records"):
        restore(tmp_path, EditorFactory())


def test_a_changed_or_incomplete_export_is_refused_whole(tmp_path):
    published_record()
    export.export(tmp_path / "export")
    changed = tmp_path / "changed"
    shutil.copytree(tmp_path / "export", changed)
    with open(changed / "versions.csv", "a", encoding="utf-8") as handle:
        handle.write("tampered\n")
    admin = SuperuserFactory()
    with pytest.raises(CommandError, match="does not have the SHA-256 its manifest gives"):
        restore(changed, admin)
    (changed / "versions.csv").unlink()
    with pytest.raises(CommandError, match=r"The export lacks versions\.csv"):
        restore(changed, admin)
    with pytest.raises(CommandError, match=r"holds no manifest\.json"):
        restore(tmp_path / "nowhere", admin)
    manifest = json.loads((tmp_path / "export" / "manifest.json").read_text())
    manifest["schema_version"] = "2.0"
    (tmp_path / "export" / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(CommandError, match=r"schema version 2\.0"):
        restore(tmp_path / "export", admin)


def test_a_dry_run_restores_nothing(tmp_path):
    version = published_record()
    export.export(tmp_path)
    call_command("flush", interactive=False, verbosity=0)
    report = restore(tmp_path, SuperuserFactory(), "--dry-run")
    assert "1 would be created" in report or "1 row" in report
    assert not Record.objects.filter(public_id=version.record.public_id).exists()
