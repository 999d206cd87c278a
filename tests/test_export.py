"""The bulk export: every published record and version as JSON Lines and
CSV, in the API's shape, with a manifest; the zip on the data page,
regenerated after each publication, withdrawal or redaction."""

import csv
import hashlib
import io
import json
import zipfile

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from api import export
from incidents.models import RedactionReason
from incidents.publishing import workflow
from tests.catalogue import SECRETS, build_catalogue
from tests.factories import (
    PublisherFactory,
    full_record,
    publish_revision,
    published_record,
    record_of,
    revise,
)

pytestmark = pytest.mark.django_db


def read_csv(path):
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def lines(path):
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def test_every_published_version_is_exported_in_the_apis_shape(client, tmp_path):
    revised = publish_revision(record_of(full_record()), summary_en="Corrected summary.")
    other = published_record(external_ids=[("aiid", "639")])
    call_command("export_records", str(tmp_path), stdout=io.StringIO())
    records = {line["id"]: line for line in lines(tmp_path / "records.jsonl")}
    assert set(records) == {
        revised.record.public_id,
        other.record.public_id,
        record_of(revised).live_version.hazard_links.first().hazard.public_id,
    }
    exported = records[revised.record.public_id]
    assert exported["live_version"] == 2 and [v["version"] for v in exported["versions"]] == [1, 2]
    served = client.get(f"/api/v1/records/{revised.record.public_id}/?version=2").json()
    # Related records are the API's alone (api/data.record_data): the export leaves them out.
    served.pop("related")
    # The same data as the API, whose absolute URLs name the request's host.
    as_exported = json.loads(json.dumps(exported["versions"][1]).replace("http://127.0.0.1:8000", "http://testserver"))
    assert as_exported == served
    versions = read_csv(tmp_path / "versions.csv")
    assert [
        (row["record_id"], row["version"], row["is_live"])
        for row in versions
        if row["record_id"] == revised.record.public_id
    ] == [
        (revised.record.public_id, "1", "false"),
        (revised.record.public_id, "2", "true"),
    ]
    assert {row["summary_en"] for row in versions} >= {"Corrected summary."}
    citations = [row for row in read_csv(tmp_path / "citations.csv") if row["record_id"] == revised.record.public_id]
    assert [row["key"] for row in citations if row["version"] == "2"] == ["rcmp-2025", "bnn-2025", "msft-2025"]
    assert read_csv(tmp_path / "external_ids.csv") == [
        {
            "record_id": other.record.public_id,
            "version": "1",
            "position": "1",
            "database": "aiid",
            "external_id": "639",
            "url": "https://incidentdatabase.ai/cite/639/",
        }
    ]


def test_the_manifest_counts_and_checksums_every_file(tmp_path):
    published_record()
    manifest = export.export(tmp_path)
    assert manifest == json.loads((tmp_path / "manifest.json").read_text())
    assert set(manifest["files"]) == set(export.FILES)
    for name, info in manifest["files"].items():
        content = (tmp_path / name).read_bytes()
        assert info["sha256"] == hashlib.sha256(content).hexdigest(), name
        assert info["bytes"] == len(content)
    assert manifest["files"]["records.jsonl"]["rows"] == 1
    assert manifest["files"]["versions.csv"]["rows"] == 1
    assert manifest["schema_version"] == export.SCHEMA_VERSION
    assert manifest["licence"]["name"] and manifest["dataset_date"]


def test_no_unpublished_or_redacted_word_is_exported(tmp_path):
    catalogue = build_catalogue()
    export.export(tmp_path)
    for name in export.FILES:
        text = (tmp_path / name).read_text(encoding="utf-8")
        for state, word in SECRETS.items():
            if state == "withdrawn" and name == "withdrawn.csv":
                continue  # the withdrawal reason is public; the content is not
            assert word not in text, (state, name)
        for hidden in ("secret-sector", "Secret sector", "secret-entity"):
            assert hidden not in text, (hidden, name)
    withdrawn = read_csv(tmp_path / "withdrawn.csv")
    assert [row["id"] for row in withdrawn] == [record_of(catalogue.withdrawn).public_id]


def test_the_command_says_clearly_when_it_cannot_write(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    with pytest.raises(CommandError, match="Cannot write the export"):
        call_command("export_records", str(blocker / "inside"), stdout=io.StringIO())


# The data page ----------------------------------------------------------------------


@pytest.fixture
def export_dir(settings, tmp_path):
    settings.DOSSIER_EXPORT_DIR = str(tmp_path / "exports")
    return tmp_path / "exports"


@pytest.mark.parametrize(("lang", "heading"), [("en", "Download the data"), ("fr", "Télécharger les données")])
def test_the_data_page_offers_the_latest_export(client, export_dir, lang, heading):
    published_record()
    assert "No export has been made yet" in client.get("/en/data/").content.decode()
    assert client.get("/data/dossier-export.zip").status_code == 404
    export.regenerate()
    html = client.get(f"/{lang}/data/").content.decode()
    assert f"<h1>{heading}</h1>" in html and 'href="/data/dossier-export.zip"' in html
    response = client.get("/data/dossier-export.zip")
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert sorted(archive.namelist()) == sorted(f"dossier-export/{name}" for name in (*export.FILES, "manifest.json"))


def test_a_publication_a_withdrawal_and_a_redaction_regenerate_the_export(
    settings, export_dir, django_capture_on_commit_callbacks
):
    settings.DOSSIER_EXPORT_AUTOMATIC = True
    with django_capture_on_commit_callbacks(execute=True):
        version = published_record(summary_en="First summary, Jane Roe.")
    first = export.latest_manifest()
    assert first["files"]["records.jsonl"]["rows"] == 1
    with django_capture_on_commit_callbacks(execute=True):
        revised = publish_revision(record_of(version), summary_en="Second summary, Jane Roe.")
    second = export.latest_manifest()
    assert second["files"]["versions.csv"]["sha256"] != first["files"]["versions.csv"]["sha256"]
    redaction = workflow.request_redaction(
        revised,
        by=PublisherFactory(),
        field="summary",
        language="en",
        passage="Jane Roe",
        reason=RedactionReason.PERSONAL_DATA,
    )
    with django_capture_on_commit_callbacks(execute=True):
        workflow.apply_redaction(redaction, by=PublisherFactory())
    third = export.latest_manifest()
    assert third["files"]["versions.csv"]["sha256"] != second["files"]["versions.csv"]["sha256"]
    with zipfile.ZipFile(export_dir / export.ZIP_NAME) as archive:
        assert "Jane Roe" not in archive.read("dossier-export/records.jsonl").decode()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.withdraw(record_of(version), by=PublisherFactory(), reason_en="Wrong.", reason_fr="Erroné.")
    assert export.latest_manifest()["files"]["records.jsonl"]["rows"] == 0


def test_editorial_work_does_not_regenerate_the_export(settings, export_dir, django_capture_on_commit_callbacks):
    settings.DOSSIER_EXPORT_AUTOMATIC = True
    with django_capture_on_commit_callbacks(execute=True):
        version = published_record()
    before = export.latest_manifest()["generated_at"]
    with django_capture_on_commit_callbacks(execute=True):
        draft = revise(record_of(version))
        workflow.submit(draft, by=draft.created_by)
    assert export.latest_manifest()["generated_at"] == before
