"""``import_records --format aiid``: AI Incident Database incidents become
draft records, through the workflow, once each (tests/data/imports/ holds a
13-incident excerpt of the AIID snapshot, CC BY-SA 4.0)."""

import csv
import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from evidence.models import Source
from imports import aiid
from imports.aiid import entity_name, entity_slug
from imports.progress import Progress
from incidents.models import (
    Action,
    Citation,
    Classification,
    EntityRole,
    ExternalId,
    Record,
    RecordVersion,
    Role,
    Status,
    WorkflowEvent,
)
from taxonomy.models import Entity, EntityKind, MappingScheme, TermMapping
from tests.factories import EntityFactory, ReviewerFactory, SourceFactory, TermFactory, published_record

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data" / "imports"
INCIDENTS = DATA / "aiid_incidents_excerpt.csv"
CLASSIFICATIONS = DATA / "aiid_classifications_MIT_excerpt.csv"
HEADER = ["_id", *aiid.COLUMNS]


def run(path=INCIDENTS, *args, user="edith", **options):
    """The command's output; a CommandError is kept on the output as ``.error``."""
    out, err = io.StringIO(), io.StringIO()
    error = None
    try:
        call_command(
            "import_records", str(path), "--format", "aiid", "--as", user, *args, stdout=out, stderr=err, **options
        )
    except CommandError as raised:
        error = raised
    result = Output(out.getvalue())
    result.error = error
    return result


class Output(str):
    error = None


def write_csv(tmp_path, rows, header=HEADER, name="incidents.csv"):
    path = tmp_path / name
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def incident(number, *, date="2020-01-02", reports="[1]", deployers='["acme"]', title=None, description=None):
    return [
        f"ObjectId({number})",
        str(number),
        date,
        reports,
        deployers,
        "[]",
        '["customers"]',
        description or f"Description of incident {number}.",
        title or f"Incident {number}",
    ]


def record_for(incident_id):
    return Record.objects.get(versions__external_ids__database="aiid", versions__external_ids__value=str(incident_id))


def test_each_incident_becomes_a_draft_with_its_title_summary_date_entities_and_sources(editor):
    output = run()
    assert output.error is None
    assert "13 rows: 13 created, 0 unchanged, 0 refused." in output
    assert Record.objects.count() == 13

    version = record_for(23).versions.get()
    assert version.title_en == "Las Vegas Self-Driving Bus Involved in Accident"
    assert version.summary_en.startswith("A self-driving public shuttle by Keolis North America and Navya")
    assert version.narrative_en == version.summary_en
    assert str(version.occurred_on) == "2017-11-08"
    assert version.created_by == editor
    roles = {(part.entity.slug, part.role) for part in version.entity_roles.select_related("entity")}
    assert ("keolis-north-america", Role.DEPLOYER) in roles
    assert ("navya", Role.DEVELOPER) in roles
    assert ("bus-passengers", Role.HARMED_PARTY) in roles
    assert Entity.objects.get(slug="keolis-north-america").name_en == "Keolis North America"

    citations = list(version.citations.select_related("source").order_by("order"))
    assert len(citations) == 24
    first = citations[0]
    assert (first.key, first.is_primary, first.label_en) == ("aiid-r242", True, "AIID report 242")
    assert first.label_fr == "Rapport 242 de l’AIID"
    assert first.source.url == "https://incidentdatabase.ai/reports/242/"
    assert first.source.publisher_en == "AI Incident Database"
    assert not any(citation.is_primary for citation in citations[1:])

    external = version.external_ids.get()
    assert (external.database, external.value, external.url) == ("aiid", "23", "https://incidentdatabase.ai/cite/23/")


def test_imported_records_are_drafts_never_published(editor):
    run()
    assert set(RecordVersion.objects.values_list("status", flat=True)) == {Status.DRAFT}
    assert not Record.objects.filter(live_version__isnull=False).exists()
    events = WorkflowEvent.objects.all()
    assert {(event.action, event.actor_id) for event in events} == {(Action.CREATED, editor.pk)}
    assert events.count() == 13


def test_a_second_run_reports_every_row_unchanged(editor):
    run()
    counts = (Record.objects.count(), Entity.objects.count(), Source.objects.count(), Citation.objects.count())
    output = run(verbosity=2)
    assert output.error is None
    assert "13 rows: 0 created, 13 unchanged, 0 refused." in output
    assert output.count(": unchanged: already imported as INC-") == 13
    assert (Record.objects.count(), Entity.objects.count(), Source.objects.count(), Citation.objects.count()) == counts


def test_a_record_already_holding_the_aiid_id_is_left_as_it_is_even_published(editor):
    published = published_record(external_ids=[("aiid", "23")])
    before = list(RecordVersion.objects.filter(record=published.record).values_list("pk", "status", "title_en"))
    output = run(verbosity=2)
    assert f"line 3: unchanged: already imported as {published.record.public_id}." in output
    assert list(RecordVersion.objects.filter(record=published.record).values_list("pk", "status", "title_en")) == before
    assert Record.objects.count() == 13  # 12 created, and the published one


def test_an_incident_with_no_report_is_imported_without_sources(editor):
    run()
    version = record_for(88).versions.get()
    assert not version.citations.exists()
    assert version.title_en.startswith('"Jewish Baby Strollers" Provided Anti-Semitic Google Images')


def test_curly_quotes_and_non_ascii_text_arrive_intact(editor):
    run()
    assert record_for(1).versions.get().title_en == "Google’s YouTube Kids App Presents Inappropriate Content"
    assert "Pokémon" in record_for(73).versions.get().title_en


def test_the_ids_of_the_other_database_are_kept_with_their_gaps(editor):
    run()
    values = set(ExternalId.objects.values_list("value", flat=True))
    assert {"89", "91"} <= values and "90" not in values


def test_line_numbers_count_the_lines_of_a_cell_written_over_two(editor):
    output = run(verbosity=2)
    # Incident 522's description spans lines 13 and 14: 582 starts on line 15.
    assert f"line 15: created {record_for(582).public_id} (a draft)." in output


def test_entities_are_found_by_slug_and_reused_across_rows(editor):
    youtube = EntityFactory(slug="youtube", name_en="YouTube", name_fr="YouTube")
    run()
    assert Entity.objects.filter(slug="youtube").count() == 1
    youtube.refresh_from_db()
    assert youtube.name_en == "YouTube"  # an existing entity is not renamed
    assert EntityRole.objects.filter(entity=youtube).count() >= 2  # incidents 1 and 89


def test_deployers_and_developers_are_organizations_and_the_harmed_are_left_for_an_editor(editor):
    run()
    assert Entity.objects.get(slug="uber").kind == EntityKind.ORGANIZATION
    assert Entity.objects.get(slug="pedestrians").kind == EntityKind.OTHER


@pytest.mark.parametrize(
    ("aiid_slug", "slug"),
    [
        ("keolis-north-america", "keolis-north-america"),
        ("smita-sinha-(pseudonym)", "smita-sinha-pseudonym"),
        ("lalani-erika-renee-walton's-family", "lalani-erika-renee-waltons-family"),
        ("perplexity.ai", "perplexity-ai"),
        ("@sweet-anita", "sweet-anita"),
        ("escuela-secundaria-técnica", "escuela-secundaria-tecnica"),
    ],
)
def test_an_aiid_slug_becomes_one_of_ours(aiid_slug, slug):
    assert entity_slug(aiid_slug) == slug


def test_a_slug_over_120_characters_is_cut_and_stays_distinct():
    long = "black-men-who-underwent-lung-function-tests-between-2010-and-2020-and-potentially-received-inaccurate-or-delayed-diagnoses"
    first, second = entity_slug(long + "-a"), entity_slug(long + "-b")
    assert len(first) <= 120 and len(second) <= 120 and first != second
    assert entity_name("keolis-north-america") == "Keolis North America"


def test_a_report_is_one_source_whatever_the_incidents_citing_it(editor, tmp_path):
    existing = SourceFactory(url="https://incidentdatabase.ai/reports/7/", title="As an editor wrote it")
    path = write_csv(tmp_path, [incident(1, reports="[7, 8]"), incident(2, reports="[8]")])
    assert run(path).error is None
    assert Source.objects.count() == 2
    assert Citation.objects.filter(source=existing).count() == 1
    existing.refresh_from_db()
    assert existing.title == "As an editor wrote it"
    assert Citation.objects.filter(source__url="https://incidentdatabase.ai/reports/8/").count() == 2


def test_mit_subdomain_codes_become_the_terms_mapped_to_them(editor):
    robustness = TermFactory(slug="robustness")
    TermMapping.objects.create(term=robustness, scheme=MappingScheme.MIT, code="7.3")
    for slug in ("first", "second"):
        TermMapping.objects.create(term=TermFactory(slug=slug), scheme=MappingScheme.MIT, code="1.1")
    output = run(INCIDENTS, "--classifications", str(CLASSIFICATIONS), verbosity=2)
    assert output.error is None
    assert list(Classification.objects.filter(version__record=record_for(4)).values_list("term", flat=True)) == [
        robustness.pk
    ]
    # Incident 12 is MIT 1.1, which two terms map: left to an editor, and said.
    assert not Classification.objects.filter(version__record=record_for(12)).exists()
    assert "MIT risk subdomain 1.1 (Unfair discrimination and misrepresentation) is mapped to several terms" in output
    # 1.2 maps to no term: said once in the summary, with how many rows.
    assert (
        "MIT risk subdomain 1.2 (Exposure to toxic content): no term is mapped to it; 4 rows not classified under it."
        in output
    )


def test_a_bad_row_is_reported_with_its_line_and_leaves_nothing(editor, tmp_path):
    path = write_csv(
        tmp_path,
        [
            incident(1),
            incident(2, date="2020-13-45", deployers='["only-in-the-bad-row"]'),
            incident(3, reports="[1, 2"),
            incident(4, title=" "),
        ],
    )
    output = run(path)
    assert "line 3: refused: the date “2020-13-45” is not a date written YYYY-MM-DD." in output
    assert "line 4: refused: the column “reports” is not a JSON list of report numbers: [1, 2." in output
    assert "line 5: refused: the title is empty." in output
    assert "4 rows: 1 created, 0 unchanged, 3 refused." in output
    assert str(output.error) == "3 rows were refused; the other rows were imported."
    assert Record.objects.count() == 1
    assert not Entity.objects.filter(slug="only-in-the-bad-row").exists()


def test_a_row_refused_after_its_record_was_made_leaves_nothing_behind(editor, tmp_path, monkeypatch):
    # The report links are checked after the record, its entities are made.
    monkeypatch.setattr(aiid, "REPORT_URL", "javascript:alert({number})//")
    path = write_csv(tmp_path, [incident(1, deployers='["new-entity"]')])
    output = run(path)
    assert (
        "line 2: refused: source “javascript:alert(1)//”: URL: Enter a web address starting with http:// or https://."
        in output
    )
    assert not Record.objects.exists()
    assert not RecordVersion.objects.exists()
    assert not Entity.objects.exists()
    assert not Source.objects.exists()
    assert not WorkflowEvent.objects.exists()
    assert not Entity.history.exists()


def test_a_javascript_report_url_is_refused(editor, tmp_path, monkeypatch):
    monkeypatch.setattr(aiid, "REPORT_URL", "javascript:alert({number})")
    output = run(write_csv(tmp_path, [incident(1)]))
    assert "Enter a web address starting with http:// or https://." in output
    assert not Source.objects.exists()


def test_a_row_with_too_many_cells_is_refused_with_its_line(editor, tmp_path):
    path = write_csv(tmp_path, [incident(1), [*incident(2), "extra"]])
    output = run(path)
    assert "line 3: refused: 10 cells where the header has 9 columns." in output
    assert Record.objects.count() == 1


def test_the_report_is_in_french_with_language_fr(editor, tmp_path):
    path = write_csv(tmp_path, [incident(1), incident(2, date="hier")])
    output = run(path, "--language", "fr")
    assert "ligne 3\u00a0: refusée\u00a0: la date «\u00a0hier\u00a0» n’est pas une date écrite AAAA-MM-JJ." in output
    assert "2 lignes (créées\u00a0: 1; inchangées\u00a0: 0; refusées\u00a0: 1)." in output
    assert str(output.error) == "1 ligne a été refusée; les autres lignes ont été importées."


def test_dry_run_writes_nothing(editor):
    output = run(INCIDENTS, "--dry-run", verbosity=2)
    assert output.error is None
    assert "13 rows: 13 would be created, 0 unchanged, 0 refused." in output
    assert output.count("would be created.") == 13
    for model in (Record, RecordVersion, Entity, Source, Citation, WorkflowEvent):
        assert not model.objects.exists(), model
    assert not Entity.history.exists() and not Source.history.exists()


def test_the_importer_must_be_an_active_editor(db):
    ReviewerFactory(username="rita")
    assert "“rita” may not create records, sources and entities" in str(run(user="rita").error)
    assert str(run(user="nobody").error) == "No user is named “nobody”."
    assert not Record.objects.exists()


def _empty(tmp):
    (tmp / "empty.csv").write_text("")
    return tmp / "empty.csv"


def _latin1(tmp):
    (tmp / "latin1.csv").write_bytes(",".join(HEADER).encode() + b"\n1,Pok\xe9mon\n")
    return tmp / "latin1.csv"


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda tmp: tmp / "missing.csv", "There is no file at"),
        (lambda tmp: write_csv(tmp, [], header=["incident_id", "title"]), "has no column “date”"),
        (_empty, "is empty"),
        (_latin1, "is not UTF-8 text"),
    ],
)
def test_a_file_that_cannot_be_read_is_a_clear_error_not_a_traceback(editor, tmp_path, make, message):
    output = run(make(tmp_path))
    assert message in str(output.error)
    assert not Record.objects.exists()


def test_a_mapping_is_refused_with_the_aiid_format(editor, tmp_path):
    output = run(INCIDENTS, "--mapping", str(tmp_path / "x.toml"))
    assert "--mapping is for --format csv" in str(output.error)


def test_the_progress_bar_is_drawn_on_a_terminal_only(editor):
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    from django.core.management.base import OutputWrapper

    terminal = OutputWrapper(Terminal())
    progress = Progress(terminal, 2)
    progress.advance()
    progress.advance()
    progress.finish()
    assert terminal._out.getvalue().startswith("\r[")
    assert "2/2" in terminal._out.getvalue()
    assert "\r" not in run()  # captured output: a plain report
