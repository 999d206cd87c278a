"""``import_records --format csv --mapping FILE.toml``: a spreadsheet-style
incident database, mapped column by column (imports/examples/spreadsheet.toml,
tests/data/imports/spreadsheet.csv)."""

import datetime
import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from evidence.models import Source
from incidents.models import DatePrecision, Record, RecordVersion, Status
from taxonomy.models import Entity
from tests.factories import TaxonomyFactory, TermFactory

pytestmark = pytest.mark.django_db

BASE_DIR = Path(__file__).resolve().parent.parent
SHEET = BASE_DIR / "tests" / "data" / "imports" / "spreadsheet.csv"
EXAMPLE = BASE_DIR / "imports" / "examples" / "spreadsheet.toml"
HEADER = "ID,Title,Occurred,Country,Sector,Technology,Description,Links"
MINIMAL = """
[external_id]
database = "aiaaic"
column = "ID"
[columns]
title = "Title"
summary = "Description"
date = "Occurred"
country = "Country"
links = "Links"
"""


@pytest.fixture
def sectors(db):
    taxonomy = TaxonomyFactory(slug="sector", name_en="Sector", name_fr="Secteur")
    for slug, en, fr in [
        ("transportation", "Transportation", "Transport"),
        ("justice", "Justice and legal services", "Justice et services juridiques"),
        ("public-administration", "Public administration", "Administration publique"),
        ("employment", "Employment and recruitment", "Emploi et recrutement"),
        ("crypto-assets", "Crypto-assets", "Cryptoactifs"),
    ]:
        TermFactory(taxonomy=taxonomy, slug=slug, name_en=en, name_fr=fr)
    return taxonomy


class Output(str):
    error = None


def run(path=SHEET, mapping=EXAMPLE, *args, **options):
    out = io.StringIO()
    error = None
    arguments = [str(path), "--format", "csv", "--as", "edith", *args]
    if mapping is not None:
        arguments += ["--mapping", str(mapping)]
    try:
        call_command("import_records", *arguments, stdout=out, stderr=io.StringIO(), **options)
    except CommandError as raised:
        error = raised
    output = Output(out.getvalue())
    output.error = error
    return output


def sheet(tmp_path, *rows, header=HEADER):
    path = tmp_path / "sheet.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def mapping(tmp_path, text=MINIMAL):
    path = tmp_path / "mapping.toml"
    path.write_text(text, encoding="utf-8")
    return path


def version_of(external_id):
    return RecordVersion.objects.get(external_ids__database="aiaaic", external_ids__value=external_id)


def test_the_example_mapping_imports_the_spreadsheet(editor, sectors):
    output = run()
    assert output.error is None
    assert "6 rows: 6 created, 0 unchanged, 0 refused." in output
    assert set(RecordVersion.objects.values_list("status", flat=True)) == {Status.DRAFT}

    refund = version_of("SHEET-001")
    assert refund.title_en == "Chatbot invents a refund policy"
    assert refund.summary_en.startswith("An airline’s chatbot told a passenger")
    assert refund.narrative_en == refund.summary_en
    assert refund.ai_system_en == "Chatbot"
    # "2023-2024": a range of whole years.
    assert (refund.occurred_on, refund.occurred_until, refund.occurrence_precision) == (
        datetime.date(2023, 1, 1),
        datetime.date(2024, 12, 31),
        DatePrecision.RANGE,
    )
    assert [str(place.country) for place in refund.jurisdictions.order_by("order")] == ["CA", "US"]
    assert [part.term.slug for part in refund.classifications.all()] == ["transportation"]
    citations = list(refund.citations.order_by("order").select_related("source"))
    assert [(c.key, c.is_primary, c.source.url, c.label_en) for c in citations] == [
        ("link-1", True, "https://example.org/news/chatbot-refund", "example.org"),
        ("link-2", False, "https://example.com/tribunal/decision", "example.com"),
    ]
    assert citations[0].source.publisher_en == "example.org"
    assert citations[0].corroborates_en == "Listed among the links of AIAAIC Repository entry SHEET-001."

    welfare = version_of("SHEET-002")
    assert (welfare.occurred_on, welfare.occurred_until, welfare.occurrence_precision) == (
        datetime.date(2021, 1, 1),
        None,
        DatePrecision.YEAR,
    )
    police = version_of("SHEET-003")
    assert (police.occurred_on, police.occurrence_precision) == (datetime.date(2020, 6, 1), DatePrecision.MONTH)
    assert [part.term.slug for part in police.classifications.all()] == ["justice"]  # two names, one term
    assert not police.citations.exists()
    mayor = version_of("SHEET-004")
    assert mayor.occurred_on == datetime.date(2024, 3, 17)  # options.date_formats
    assert [str(place.country) for place in mayor.jurisdictions.all()] == ["GB"]  # "Global" left out
    assert not mayor.classifications.exists()  # a sector the mapping leaves out
    assert [str(place.country) for place in version_of("SHEET-006").jurisdictions.all()] == ["CA"]  # alpha-3
    assert version_of("SHEET-005").classifications.get().term.slug == "employment"  # by slug


def test_a_second_run_reports_every_row_unchanged(editor, sectors):
    run()
    output = run(verbosity=2)
    assert output.error is None
    assert "6 rows: 0 created, 6 unchanged, 0 refused." in output
    assert Record.objects.count() == 6


def test_a_javascript_link_is_refused_with_its_line_and_leaves_nothing(editor, tmp_path):
    path = sheet(
        tmp_path,
        "A-1,Fine,2023,CA,,,Good row.,https://example.org/a",
        "A-2,Hostile,2023,CA,,,Bad link.,https://example.org/b;javascript:alert(1)",
    )
    output = run(path, mapping(tmp_path))
    assert (
        "line 3: refused: source “javascript:alert(1)”: URL: Enter a web address starting with http:// or https://."
        in output
    )
    assert Record.objects.count() == 1
    assert not Source.objects.filter(url="https://example.org/b").exists()


@pytest.mark.parametrize(
    ("occurred", "message"),
    [
        ("2024-2023", "the date range “2024-2023” ends before it starts."),
        ("2023-13", "the date “2023-13” is not a day (2023-05-17), a month (2023-05), a year (2023)"),
        ("last spring", "the date “last spring” is not a day"),
    ],
)
def test_a_malformed_date_is_refused_with_its_line(editor, tmp_path, occurred, message):
    path = sheet(tmp_path, f"A-1,Title,{occurred},CA,,,Summary.,")
    output = run(path, mapping(tmp_path))
    assert f"line 2: refused: {message}" in output
    assert not Record.objects.exists()


def test_an_unknown_country_or_sector_is_refused_with_a_hint(editor, sectors, tmp_path):
    text = MINIMAL.replace('links = "Links"', 'links = "Links"\nsector = "Sector"')
    path = sheet(tmp_path, "A-1,Title,2023,Narnia,,,Summary.,", "A-2,Title,2023,CA,Space mining,,Summary.,")
    output = run(path, mapping(tmp_path, text))
    assert "line 2: refused: the country “Narnia” is neither a country's name nor its code" in output
    assert "add it to the mapping's [countries] table." in output
    assert "line 3: refused: the sector “Space mining” is no term of the taxonomy “sector”" in output


def test_entity_columns_make_entities_with_their_roles(editor, tmp_path):
    text = MINIMAL + 'deployer = "Deployer"\nharmed_party = "Harmed"\n'
    path = sheet(
        tmp_path,
        "A-1,Title,2023,CA,Summary.,,Acme Corp; Beta Inc,Job seekers",
        header="ID,Title,Occurred,Country,Description,Links,Deployer,Harmed",
    )
    assert run(path, mapping(tmp_path, text)).error is None
    roles = {(part.entity.slug, part.role) for part in version_of("A-1").entity_roles.select_related("entity")}
    assert roles == {("acme-corp", "deployer"), ("beta-inc", "deployer"), ("job-seekers", "harmed_party")}
    assert Entity.objects.get(slug="acme-corp").name_en == "Acme Corp"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[external_id\n", "is not valid TOML"),
        (MINIMAL.replace('title = "Title"', 'title = "Headline"'), "names columns the file does not have: “Headline”"),
        (
            MINIMAL.replace('title = "Title"', 'title = "Title"\nseverity = "Sev"'),
            "unknown key “severity” in [columns]",
        ),
        (MINIMAL.replace('"aiaaic"', '"wikipedia"'), "“external_id.database” is “wikipedia”; it must be one of: aiid"),
        (MINIMAL.replace('summary = "Description"\n', ""), "the [columns] table must name the column of “summary”"),
        (MINIMAL.replace('title = "Title"', "title = 3"), "“columns.title” must be a string"),
    ],
)
def test_a_bad_mapping_is_a_clear_error_and_imports_nothing(editor, tmp_path, text, message):
    path = sheet(tmp_path, "A-1,Title,2023,CA,,,Summary.,")
    output = run(path, mapping(tmp_path, text))
    assert message in str(output.error)
    assert not Record.objects.exists()


def test_the_csv_format_needs_a_mapping(editor):
    assert "--format csv needs --mapping FILE.toml" in str(run(SHEET, None).error)
    assert "There is no file at" in str(run(SHEET, Path("/nonexistent/mapping.toml")).error)


def test_a_publication_date_column_keeps_the_databases_date_on_the_draft(editor, tmp_path):
    text = MINIMAL + 'published = "Published"\n'
    path = sheet(
        tmp_path,
        "A-1,Title,2023,CA,Summary.,,2024-02-29",
        "A-2,Title,2023,CA,Summary.,,2024-02",
        "A-3,Title,2023,CA,Summary.,,2999-01-01",
        header="ID,Title,Occurred,Country,Description,Links,Published",
    )
    output = run(path, mapping(tmp_path, text))
    assert version_of("A-1").published_elsewhere_on == datetime.date(2024, 2, 29)
    assert "line 3: refused: the publication date “2024-02” is not a day (2023-05-17)." in output
    assert "line 4: refused: record: First published elsewhere on: A publication elsewhere cannot be dated" in output
    assert Record.objects.count() == 1
