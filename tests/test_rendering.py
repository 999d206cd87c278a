"""The one rendering module: Markdown in, inert HTML out.

The vectors are fed both to the sanitizer alone (as if raw HTML reached it)
and through the Markdown path editors use. The assertions are properties of
the output, not exact strings, so a better sanitizer cannot break them.
"""

import html
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from core.rendering import CitationTarget, citation_keys, render_markdown, sanitize_html

DATA = Path(__file__).parent / "data"
BLEACH_VECTORS = [vector["input"] for vector in json.loads((DATA / "bleach_regression_vectors.json").read_text())]
RSNAKE_VECTORS = [line for line in (DATA / "patt_xss_RSNAKE_XSS.txt").read_text().splitlines() if line.strip()]
ALL_VECTORS = BLEACH_VECTORS + RSNAKE_VECTORS

SCRIPT_CAPABLE = {
    "script",
    "style",
    "iframe",
    "frame",
    "frameset",
    "object",
    "embed",
    "applet",
    "svg",
    "math",
    "img",
    "image",
    "link",
    "meta",
    "base",
    "form",
    "input",
    "button",
    "body",
    "html",
    "layer",
    "ilayer",
    "bgsound",
    "xml",
    "xss",
    "video",
    "audio",
    "source",
    "template",
}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "background", "dynsrc", "lowsrc", "xlink:href", "data"}
DANGEROUS_SCHEME = re.compile(r"^(javascript|vbscript|data):")


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, attrs))

    handle_startendtag = handle_starttag


def elements(fragment):
    collector = _Collector()
    collector.feed(fragment)
    collector.close()
    return collector.elements


def browser_normalised(url):
    """What a browser compares against a scheme: entities decoded, ASCII
    whitespace and control characters removed, lower case."""
    decoded = html.unescape(url or "")
    return re.sub(r"[\x00-\x20\x7f]", "", decoded).lower()


def assert_inert(output):
    for tag, attrs in elements(output):
        assert tag not in SCRIPT_CAPABLE, f"<{tag}> survived in {output!r}"
        for name, value in attrs:
            assert not name.startswith("on"), f"event handler {name} survived in {output!r}"
            assert name != "style", f"style attribute survived in {output!r}"
            if name in URL_ATTRIBUTES:
                assert not DANGEROUS_SCHEME.match(browser_normalised(value)), f"{name}={value!r} survived"


@pytest.mark.parametrize("vector", ALL_VECTORS)
def test_sanitizer_leaves_no_script_handler_style_or_dangerous_url(vector):
    assert_inert(sanitize_html(vector))


@pytest.mark.parametrize("vector", ALL_VECTORS)
def test_markdown_rendering_leaves_no_script_handler_style_or_dangerous_url(vector):
    assert_inert(render_markdown(vector))


@pytest.mark.parametrize("vector", ALL_VECTORS)
def test_markdown_inside_a_link_cannot_smuggle_a_vector(vector):
    assert_inert(render_markdown(f"[click]({vector}) and <{vector}>"))


def test_vector_files_are_all_read():
    assert len(BLEACH_VECTORS) == 20
    assert len(RSNAKE_VECTORS) == 73


@pytest.mark.parametrize(
    "href",
    [
        "javascript:123",  # bleach 6.4.0 keeps this one
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "jav&#x09;ascript:alert(1)",
        "jav&#x0A;ascript:alert(1)",
        " &#14; javascript:alert(1)",
        "vbscript:msgbox(1)",
        "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    ],
)
def test_dangerous_href_is_removed(href):
    output = sanitize_html(f'<a href="{href}">x</a>')
    assert "href" not in output


def test_markdown_link_with_javascript_url_loses_its_href():
    output = render_markdown("[x](javascript:alert(1))")
    assert "javascript" not in output
    assert "href" not in output


def test_raw_html_in_markdown_is_shown_as_text():
    output = render_markdown("Hello <b onclick='x()'>bold</b> <script>alert(1)</script>")
    assert "<b" not in output and "<script" not in output
    assert "&lt;script&gt;" in output


def test_links_get_nofollow_noopener_noreferrer():
    output = render_markdown("[site](https://example.org/page)")
    assert 'href="https://example.org/page"' in output
    assert 'rel="nofollow noopener noreferrer"' in output


@pytest.mark.parametrize("url", ["https://example.org", "http://example.org", "mailto:desk@example.org"])
def test_allowed_schemes_survive(url):
    assert f'href="{url}"' in render_markdown(f"[x]({url})")


def test_markdown_features_editors_use_are_kept():
    output = render_markdown("## Heading\n\n- one\n- two\n\n**bold** and *em*\n\n> quote")
    for tag in ("<h2>", "<ul>", "<li>", "<strong>", "<em>", "<blockquote>"):
        assert tag in output


CITATIONS = {
    "rcmp-2025": CitationTarget("source-rcmp-2025", "RCMP, 2025"),
    "bnn-2025": CitationTarget("source-bnn-2025", "BNN Bloomberg, 2025"),
}


def test_inline_citation_links_to_the_evidence_list():
    output = render_markdown("An advisory was issued [@rcmp-2025].", citations=CITATIONS)
    assert '<a class="citation" href="#source-rcmp-2025"' in output
    assert ">RCMP, 2025</a>" in output
    assert "(" in output and ")" in output


def test_several_citations_in_one_marker_are_separated():
    output = render_markdown("Facts [@rcmp-2025; @bnn-2025].", citations=CITATIONS)
    assert output.count('class="citation"') == 2
    assert "RCMP, 2025</a>; <a" in output


def test_each_inline_citation_gets_a_back_link_target():
    output = render_markdown("A [@rcmp-2025]. B [@rcmp-2025].", citations=CITATIONS, id_prefix="narrative")
    assert 'id="cite-narrative-source-rcmp-2025-1"' in output
    assert 'id="cite-narrative-source-rcmp-2025-2"' in output


def test_unknown_citation_key_is_marked_not_linked():
    output = render_markdown("Claim [@nowhere-2020].", citations=CITATIONS)
    assert 'class="citation-unknown"' in output
    assert 'href="#' not in output


def test_citation_label_in_another_language_is_marked_with_lang():
    targets = {"x": CitationTarget("source-x", "CTV News, 2025", lang="en")}
    assert '<span lang="en">CTV News, 2025</span>' in render_markdown("[@x]", citations=targets)


def test_author_supplied_id_attribute_is_dropped():
    assert "id=" not in sanitize_html('<a id="admin" href="https://x.org">x</a>')


def test_citation_keys_lists_each_key_once_in_order():
    assert citation_keys("A [@b-1; @a-2] then [@b-1] and [@c-3]") == ["b-1", "a-2", "c-3"]


def test_empty_text_renders_empty():
    assert render_markdown("") == ""
    assert render_markdown(None) == ""
