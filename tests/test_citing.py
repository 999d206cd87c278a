"""Citing and sharing: the formatted reference, BibTeX, CSL-JSON, and the
schema.org JSON-LD in the page head."""

import datetime
import json
import re

import pytest
from django.core.cache import cache
from django.utils import translation

from core.i18n import Localized
from incidents.public import citing
from tests.factories import PublishedVersionFactory, full_record, release, revise

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()


@pytest.fixture
def two_versions():
    v1 = full_record()
    draft = revise(v1.record)
    draft.title_en = "Second title"
    draft.title_fr = "Deuxième titre"
    draft.save()
    return v1, release(draft, note=("Second", "Deuxième"))


def braces_balanced(text):
    depth = 0
    for match in re.finditer(r"\\.|[{}]", text):
        token = match.group()
        if token == "{":
            depth += 1
        elif token == "}":
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


def bibtex_fields(entry):
    return dict(re.findall(r"^  (\w+) = \{(.*)\},?$", entry, re.M))


# BibTeX ------------------------------------------------------------------------


def test_bibtex_download_names_the_version_permalink(client, two_versions):
    _v1, v2 = two_versions
    response = client.get(f"/en/incidents/{v2.record.public_id}/v1/cite.bib")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/x-bibtex; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="{v2.record.public_id}-v1.bib"'
    entry = response.content.decode()
    assert entry.startswith(f"@misc{{dossier-{v2.record.public_id.lower()}-v1,\n")
    assert braces_balanced(entry)
    fields = bibtex_fields(entry)
    assert fields["url"] == f"http://testserver/en/incidents/{v2.record.public_id}/v1/"
    assert fields["version"] == "1"
    assert fields["title"] == "Canadian advisory warned of deepfake IT workers"  # v1's title, not the live one
    assert {"author", "year", "month", "date", "number", "howpublished", "note", "langid"} <= set(fields)


def test_french_bibtex_has_the_french_title_and_url(client, two_versions):
    _v1, v2 = two_versions
    fields = bibtex_fields(client.get(f"/fr/incidents/{v2.record.public_id}/v2/cite.bib").content.decode())
    assert fields["title"] == "Deuxième titre"
    assert fields["url"] == f"http://testserver/fr/incidents/{v2.record.public_id}/v2/"
    assert fields["langid"] == "french"


def test_bibtex_escapes_latex_specials_and_keeps_braces_balanced():
    ref = citing.Reference(
        public_id="INC-0007",
        kind="incident",
        number=3,
        title=Localized("50% of {bots} & $ #1_x ^ ~ \\ end}}", "en", False),
        summary="",
        published_at=datetime.datetime(2026, 3, 11, 15, tzinfo=datetime.UTC),
        url="https://example.org/en/incidents/INC-0007/v3/",
        lang="en",
    )
    entry = citing.bibtex(ref)
    assert braces_balanced(entry)
    title = bibtex_fields(entry)["title"]
    assert title == r"50\% of \{bots\} \& \$ \#1\_x \textasciicircum{} \textasciitilde{} \textbackslash{} end\}\}"
    assert bibtex_fields(entry)["date"] == "2026-03-11"


def test_bibtex_escape_removes_line_breaks():
    assert citing.bibtex_escape("one\ntwo\r\n} three") == r"one two \} three"


# CSL-JSON ---------------------------------------------------------------------------


def test_csl_json_parses_and_cites_the_version(client, two_versions):
    _v1, v2 = two_versions
    response = client.get(f"/fr/incidents/{v2.record.public_id}/v2/cite.json")
    assert response["Content-Type"] == "application/vnd.citationstyles.csl+json; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="{v2.record.public_id}-v2.json"'
    [item] = json.loads(response.content)
    assert item["URL"] == f"http://testserver/fr/incidents/{v2.record.public_id}/v2/"
    assert item["title"] == "Deuxième titre"
    assert item["version"] == "2" and item["number"] == v2.record.public_id
    assert item["author"] == [{"literal": "Dossier"}]
    assert item["language"] == "fr"
    assert (
        item["abstract"].startswith("Cinq organismes") and "[@" not in item["abstract"] and "<" not in item["abstract"]
    )
    assert len(item["issued"]["date-parts"][0]) == 3


def test_csl_json_title_falls_back_to_english_and_says_so():
    live = PublishedVersionFactory(title_en="Only English", title_fr="")
    ref = citing.reference(live.record, live, "https://x.test/fr/incidents/INC-0001/v1/", "fr")
    assert citing.csl_json(ref)[0]["language"] == "en"


# Formatted reference ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "retrieved"),
    [("en", "Retrieved from"), ("fr", "Consulté à l’adresse")],
)
def test_formatted_reference_is_in_the_page_language(client, two_versions, lang, retrieved):
    _v1, v2 = two_versions
    html = client.get(f"/{lang}/incidents/{v2.record.public_id}/").content.decode()
    text = re.search(r'<p class="cite__text">(.*?)</p>', html, re.S).group(1)
    year = v2.published_at.year
    title = {"en": "Second title", "fr": "Deuxième titre"}[lang]
    url = f"http://testserver/{lang}/incidents/{v2.record.public_id}/v2/"
    assert text == (
        f"Dossier. ({year}). <cite>{title}</cite> ({v2.record.public_id}, version 2). "
        f'{retrieved} <a href="{url}">{url}</a>'
    )


def test_formatted_reference_marks_an_english_title_on_a_french_page():
    live = PublishedVersionFactory(title_en="Only English", title_fr="")
    ref = citing.reference(live.record, live, "https://x.test/fr/incidents/INC-0001/v1/", "fr")
    assert '<cite lang="en">Only English</cite>' in str(citing.formatted(ref))


# JSON-LD ----------------------------------------------------------------------------------


def json_ld(html):
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert len(blocks) == 1
    return json.loads(blocks[0])


def test_json_ld_describes_the_shown_version(client, two_versions):
    _v1, v2 = two_versions
    html = client.get(f"/en/incidents/{v2.record.public_id}/v1/").content.decode()
    data = json_ld(html)
    assert data["@context"] == "https://schema.org" and data["@type"] == "Report"
    assert data["@id"] == f"http://testserver/en/incidents/{v2.record.public_id}/v1/"
    assert data["identifier"] == v2.record.public_id and data["version"] == "1"
    assert data["name"] == "Canadian advisory warned of deepfake IT workers"
    assert data["inLanguage"] == "en"
    assert len(data["citation"]) == 3
    assert {"Canada", "United States of America"} == {c["name"] for c in data["spatialCoverage"]}


def test_json_ld_cannot_be_broken_out_of(client):
    hostile = "</script><script>alert(1)</script><!--"
    live = PublishedVersionFactory(title_en=hostile, summary_en=f"Summary {hostile}")
    html = client.get(f"/en/incidents/{live.record.public_id}/").content.decode()
    head = html.split("</head>")[0]
    # One data block, one closing tag: nothing in the content ended it early.
    assert head.count("<script") == 1 and head.count("</script>") == 1
    assert "alert(1)</script>" not in html.split("</head>")[0].replace("\\u003C/script\\u003E", "")
    assert "<script>alert" not in html
    data = json_ld(html)
    assert data["name"] == hostile  # escaped for HTML, intact as data


def test_json_ld_escapes_like_json_script():
    script = str(citing.json_ld_script({"name": "<b>&\u2028</b>"}))
    assert (
        script
        == '<script type="application/ld+json">{"name": "\\u003Cb\\u003E\\u0026\\u2028\\u003C/b\\u003E"}</script>'
    )


def test_json_ld_gives_the_language_of_the_title_it_carries():
    live = PublishedVersionFactory(title_fr="", summary_fr="Résumé en français.")
    with translation.override("fr"):
        ref = citing.reference(live.record, live, "https://example.org/", "fr", summary="Résumé en français.")
        data = citing.json_ld(ref, page_url="https://example.org/", first_published=live.published_at)
    assert data["inLanguage"] == "en"
    assert data["name"] == live.title_en
    assert data["description"] == {"@value": "Résumé en français.", "@language": "fr"}


def test_json_ld_of_a_translated_page_is_in_the_page_language():
    live = PublishedVersionFactory()
    ref = citing.reference(live.record, live, "https://example.org/", "fr", summary="Résumé.")
    data = citing.json_ld(ref, page_url="https://example.org/", first_published=live.published_at)
    assert data["inLanguage"] == "fr" and data["description"] == "Résumé."
