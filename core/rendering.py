"""
The one place where untrusted text becomes HTML.

Markdown is rendered by Python-Markdown with raw HTML switched off, then the
result goes through an allow-list sanitizer (nh3, the maintained successor of
bleach; see README "Why these dependencies"). Sanitizing happens at render
time, so tightening the allow-list also fixes text saved long ago.

Inline citations use the syntax ``[@key]`` or ``[@key1; @key2]``. Given the
version's citations (key -> anchor and label), each becomes a link to the
source in the evidence list: ``(<a href="#source-rcmp-2025">RCMP, 2025</a>)``.
"""

import html
import re
import threading
from dataclasses import dataclass
from xml.etree import ElementTree

import markdown
import nh3
from django.utils.html import format_html, strip_tags
from django.utils.safestring import SafeString, mark_safe
from markdown.inlinepatterns import InlineProcessor

from core.i18n import fallback_note, localized

ALLOWED_TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "code",
    "em",
    "h2",
    "h3",
    "h4",
    "hr",
    "i",
    "li",
    "ol",
    "p",
    "pre",
    "span",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "id"},
    "abbr": {"title"},
    "span": {"lang"},
    "td": {"align"},
    "th": {"align"},
}
ALLOWED_CLASSES = {
    "a": {"citation"},
    "span": {"citations", "citation-unknown"},
}
# Anything else, including javascript:, vbscript: and data:, is dropped. nh3
# compares the scheme after the browser's own normalisation (entities decoded,
# tabs and newlines removed), so "jav&#x09;ascript:" is caught too.
URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "nofollow noopener noreferrer"
# Elements whose *content* is dropped with them, not kept as text.
CLEAN_CONTENT_TAGS = {
    "script",
    "style",
    "iframe",
    "object",
    "embed",
    "template",
    "noscript",
    "textarea",
    "title",
    "xmp",
    "noembed",
    "noframes",
    "plaintext",
}

# Only ids the citation extension makes may survive; an id chosen by a text's
# author could clobber DOM names the page relies on.
_SAFE_ID = re.compile(r"^cite-[a-z0-9-]+-\d+$")
CITATION_PATTERN = r"\[@([^\[\]]+)\]"
_CITATION_KEY_RE = re.compile(CITATION_PATTERN)


@dataclass(frozen=True)
class CitationTarget:
    """Where an inline citation key points: an anchor on the page and a label."""

    anchor: str
    label: str
    lang: str = ""


def _attribute_filter(tag, attribute, value):
    if attribute == "id" and not _SAFE_ID.match(value):
        return None
    return value


def sanitize_html(html: str) -> str:
    """Clean an HTML fragment with the project's allow-list."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        clean_content_tags=CLEAN_CONTENT_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_attribute_filter,
        allowed_classes=ALLOWED_CLASSES,
        url_schemes=URL_SCHEMES,
        link_rel=LINK_REL,
        strip_comments=True,
    )


def citation_keys(text: str) -> list[str]:
    """The citation keys a Markdown text cites, in order of first use."""
    keys = []
    for match in _CITATION_KEY_RE.finditer(text or ""):
        for key in _split_keys(match.group(1)):
            if key not in keys:
                keys.append(key)
    return keys


def _split_keys(inner: str) -> list[str]:
    return [part.strip().lstrip("@").strip() for part in inner.split(";") if part.strip()]


class _CitationProcessor(InlineProcessor):
    def __init__(self, pattern, md, targets, id_prefix):
        super().__init__(pattern, md)
        self.targets = targets
        self.id_prefix = id_prefix
        self.counts = {}

    def handleMatch(self, m, data):  # noqa: N802 (Python-Markdown's name)
        keys = _split_keys(m.group(1))
        if not keys:
            return None, None, None
        wrapper = ElementTree.Element("span", {"class": "citations"})
        wrapper.text = "("
        last = None
        for key in keys:
            target = self.targets.get(key)
            if target is None:
                element = ElementTree.Element("span", {"class": "citation-unknown"})
                element.text = key
            else:
                self.counts[key] = self.counts.get(key, 0) + 1
                element = ElementTree.Element(
                    "a",
                    {
                        "class": "citation",
                        "href": f"#{target.anchor}",
                        "id": f"cite-{self.id_prefix}-{target.anchor}-{self.counts[key]}",
                    },
                )
                if target.lang:
                    inner = ElementTree.SubElement(element, "span", {"lang": target.lang})
                    inner.text = target.label
                else:
                    element.text = target.label
            if last is not None:
                last.tail = "; "
            wrapper.append(element)
            last = element
        last.tail = ")"
        return wrapper, m.start(0), m.end(0)


class _CitationExtension(markdown.Extension):
    def __init__(self, targets, id_prefix):
        super().__init__()
        self.targets = targets
        self.id_prefix = id_prefix

    def extendMarkdown(self, md):  # noqa: N802 (Python-Markdown's name)
        # Above links (160) so "[@key]" is never read as a reference link.
        md.inlinePatterns.register(
            _CitationProcessor(CITATION_PATTERN, md, self.targets, self.id_prefix),
            "dossier_citation",
            175,
        )


def _new_markdown() -> markdown.Markdown:
    md = markdown.Markdown(
        extensions=["sane_lists", "tables", _CitationExtension({}, "")],
        output_format="html",
    )
    # Raw HTML off: "<script>" in a text is shown as text, never parsed.
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    return md


# One converter per thread, reset before each text: building one costs
# about as much as converting a paragraph, and a record page converts four
# texts (bench/README.md, "Record page cache").
_converters = threading.local()


def _markdown(targets, id_prefix) -> markdown.Markdown:
    md = getattr(_converters, "md", None)
    if md is None:
        md = _converters.md = _new_markdown()
    md.reset()
    citations = md.inlinePatterns["dossier_citation"]
    citations.targets, citations.id_prefix, citations.counts = targets, id_prefix, {}
    return md


def render_markdown(
    text: str,
    *,
    citations: dict[str, CitationTarget] | None = None,
    id_prefix: str = "text",
) -> SafeString:
    """Render Markdown to sanitized HTML, linking ``[@key]`` citations."""
    if not text:
        return mark_safe("")
    html = _markdown(citations or {}, id_prefix).convert(text)
    return mark_safe(sanitize_html(html))  # noqa: S308 (sanitized just above)


def citation_anchor(key: str) -> str:
    """The evidence-list anchor for a citation key ("RCMP-2025" -> "source-rcmp-2025")."""
    slug = re.sub(r"[^a-z0-9]+", "-", key.lower()).strip("-")
    return f"source-{slug or 'x'}"


def localized_markdown(obj, field, *, citations=None, id_prefix="text") -> SafeString:
    """A translated Markdown field in the active language, rendered safely.

    A text missing in the page's language is shown in the other one, marked:
    its ``lang`` on it and a visible "not yet translated" note, never
    silently. The note is in the page's language, so it stays outside the
    element that carries the text's ``lang``.
    """
    value = localized(obj, field)
    return marked_fallback(value, render_markdown(value.text, citations=citations, id_prefix=id_prefix))


def marked_fallback(value, html) -> SafeString:
    """``html``, the rendering of the Localized ``value``, marked as
    ``localized_markdown`` marks a text shown in another language."""
    if not value.is_fallback:
        return html
    return format_html(
        '<div class="untranslated"><p class="untranslated-note">{}</p><div lang="{}">{}</div></div>',
        fallback_note(),
        value.lang,
        html,
    )


# Back to plain text ------------------------------------------------------------

_CITATION = re.compile(r"\s*\[@[^\[\]]*\]")
_LINK = re.compile(r"!?\[([^\[\]]*)\]\([^()\s]*\)")
_MARKUP = re.compile(r"(^|\s)[#>]+\s|[*_`~]{1,3}|^\s*[-+]\s|\|", re.MULTILINE)


def text_from_markdown(markdown_text: str) -> str:
    """Markdown as one line of plain text, without its markup: citations,
    links, emphasis, headings (search snippets, short extracts)."""
    text = _CITATION.sub("", markdown_text or "")
    text = _LINK.sub(r"\1", text)
    text = _MARKUP.sub(lambda m: m.group(1) or " ", text)
    return " ".join(text.split())


def text_from_html(html_fragment) -> str:
    """Sanitized HTML as one line of plain text (meta description, JSON-LD)."""
    return re.sub(r"\s+", " ", html.unescape(strip_tags(str(html_fragment)))).strip()
