"""
Atom and JSON Feed of new and updated records, one per page language.

**Entries.** Each entry is one publication: a record's v1 when it first
appears, and each later version when it is published, as a new entry of its
own (``Entry``). Items are read from ``RecordVersion.objects.announced()``:
the live and superseded versions of records published *or withdrawn*, since
an entry a reader already received must be corrected, not silently dropped.
Each summary goes through ``core.rendering`` like every other rich text.

**Withdrawal.** The entry of the version that was live when its record was
withdrawn stays in the feed as an updated entry: its ``updated`` (Atom) and
``date_modified`` (JSON Feed) become the withdrawal time, so it moves up,
and its content is the withdrawal notice only (the date and the reason in
the feed's language, as the record's own pages say it), under the title
"INC-0042 v2: record withdrawn". The record's earlier entries carry the
same notice instead of their content, but keep their dates: the withdrawal
is announced once. Nothing of a withdrawn record's content is shown (not
its title, summary, change note or citations; the citations are not even
loaded).

**Merger.** A duplicate merged into another record (docs/architecture.md,
"Duplicates and related records") is announced the same way: the entry of
the version that merged it (its live one, published when it was merged) is
titled "INC-0007 v2: merged into INC-0001", links to the original's page and
says so with the date ("This record was merged into INC-0001 on …"); its
earlier entries carry the same notice instead of their content.

**Dated notices: the extension point for corrections.** A published version
never changes, but the public may later be told something about it, with a
date: a ``Notice``. An entry shows its notices above its content, and its
updated date is the latest of its publication and its notices' dates; the
feed is ordered by that date, computed in SQL (``entry_updated()``) so that
the newest ``FEED_SIZE`` entries are cut in the database. A withdrawal is
one such notice, of the record, that also replaces the content
(``withdrawal_notice``). The notices a version may carry *of its own* come
from ``version_notices(version)``: none today. A redaction ("Redacted on 11
March 2026 — reason"; in French « Caviardé le … — motif ») would plug in
with little code:

1. ``version_notices()`` returns its ``Notice`` (date, statement, reason);
2. ``VERSION_NOTICE_DATES`` gets its date as a query expression on versions
   (NULL when a version has none), so the entry's updated date and the
   feed's order follow it;
3. ``RecordsAtomFeed.items()`` loads what step 1 reads along with the items
   (a ``select_related`` or a ``Prefetch``), so the feed's query count stays
   the same whatever the number of records.

**Licence.** The feed states the default licence of records (Atom
``<rights>`` and ``<link rel="license">``, RFC 4946), and every entry its
own (``incidents/public/licence.py``): a record drawing on credited data
says so and may be under that data's share-alike licence. JSON Feed has no
licence field, so it says the same in an extension (custom objects are
allowed by JSON Feed 1.1, "Extensions"): ``_dossier`` on the feed and on
each item, ``{"licence": {"name", "url"}, "credits": [{"name", "url",
"licence": {"name", "url"}}]}`` (README.md, "Public browsing, search and
feeds").

**Text.** XML 1.0 cannot carry most control characters (Django's feed
writer refuses them, which would break the whole Atom feed for one stray
character in a title). They are removed when text is saved
(``core/text.py``), and every text of both feeds is cleaned the same way
once more (``readable``), for a row that reached the database otherwise.
"""

import json
import re
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import Case, DateTimeField, F, Prefetch, When
from django.db.models.functions import Coalesce, Greatest
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed, SyndicationFeed, rfc3339_date
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from core.i18n import Localized, current_language, date_format, fallback_note, labelled, localized
from core.rendering import CITATION_PATTERN, render_markdown
from core.text import clean_text
from evidence.models import Source
from incidents import pins
from incidents.models import Citation, Record, RecordVersion
from incidents.public import licence, page_cache
from incidents.public.browse.choices import publication_stamp
from incidents.public.record_page import applied_redactions
from incidents.public.views import reference

FEED_SIZE = 50
_CITATION_RE = re.compile(CITATION_PATTERN)


# Text both formats can carry ---------------------------------------------------


def readable(value):
    """``value`` with every text in it (also inside lists and dicts) free of
    characters XML 1.0 cannot carry (``core.text.clean_text``).

    Text is already cleaned when it is saved; this covers a row that reached
    the database some other way, so that one entry never breaks a feed."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, (list, tuple)):
        return type(value)(readable(item) for item in value)
    if isinstance(value, dict):
        return {key: readable(item) for key, item in value.items()}
    return value


class _ReadableText:
    """A feed generator whose feed and items hold only readable text."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.feed = readable(self.feed)

    def add_item(self, *args, **kwargs):
        super().add_item(*args, **kwargs)
        self.items[-1] = readable(self.items[-1])


class AtomFeed(_ReadableText, Atom1Feed):
    """Atom 1.0, with the licence as a link (RFC 4946) beside ``<rights>``."""

    def add_root_elements(self, handler):
        super().add_root_elements(handler)
        if self.feed.get("licence_url"):
            handler.addQuickElement("link", "", {"rel": "license", "href": self.feed["licence_url"]})

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        if item.get("licence_url"):
            handler.addQuickElement("link", "", {"rel": "license", "href": item["licence_url"]})


class JSONFeed(_ReadableText, SyndicationFeed):
    """JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/)."""

    content_type = "application/feed+json; charset=utf-8"

    def write(self, outfile, encoding):
        feed = self.feed
        document = {
            "version": "https://jsonfeed.org/version/1.1",
            "title": feed["title"],
            "home_page_url": feed["link"],
            "feed_url": feed["feed_url"],
            "description": feed["description"],
            "language": feed["language"],
            "authors": [{"name": feed["author_name"]}] if feed["author_name"] else [],
            "items": [self._item(item) for item in self.items],
        }
        if feed.get("licensing"):
            document["_dossier"] = feed["licensing"]
        outfile.write(json.dumps(document, ensure_ascii=False, indent=1))

    @staticmethod
    def _item(item):
        entry = {
            "id": item["unique_id"],
            "url": item["link"],
            "title": item["title"],
            "content_html": item["description"],
            "date_published": rfc3339_date(item["pubdate"]),
            "date_modified": rfc3339_date(item["updateddate"] or item["pubdate"]),
            "tags": list(item["categories"]),
        }
        if item.get("language"):
            entry["language"] = item["language"]
        if item.get("licensing"):
            entry["_dossier"] = item["licensing"]
        return entry


# Entries and their dated notices -------------------------------------------------


@dataclass(frozen=True)
class Notice:
    """Something the public was told about a published version after its
    publication, with its date: "This record was withdrawn on 11 March 2026."
    and the reason."""

    at: datetime
    statement: str  # in the feed's language, the date in it
    reason_label: str = ""  # "Reason for withdrawal:"
    reason: Localized | None = None


def _date(moment) -> str:
    # As the record's pages show dates: in the site's time zone.
    return date_format(timezone.localtime(moment), "DATE_FORMAT")


def withdrawal_notice(record) -> Notice:
    """The notice of a withdrawn record, as its withdrawal page words it
    (templates/incidents/withdrawn.html)."""
    return Notice(
        at=record.withdrawn_at,
        statement=_("This record was withdrawn on %(date)s.") % {"date": _date(record.withdrawn_at)},
        reason_label=_("Reason for withdrawal:"),
        reason=localized(record, "withdrawal_reason"),
    )


def merger_notice(record) -> Notice:
    """The notice of a duplicate merged into another record."""
    return Notice(
        at=record.merged_at,
        statement=_("This record was merged into %(original)s on %(date)s.")
        % {"original": record.merged_into.public_id, "date": _date(record.merged_at)},
    )


def version_notices(version) -> list[Notice]:
    """The dated notices ``version`` carries of its own, oldest first: its
    redactions (module docstring, "Dated notices"), loaded by ``items()``."""
    lang = current_language()
    return [
        Notice(
            at=redaction.decided_at,
            statement=_("Redacted on %(date)s.") % {"date": _date(redaction.decided_at)},
            reason_label=_("Reason:"),
            reason=Localized(str(redaction.get_reason_display()), lang, False),
        )
        for redaction in getattr(version, "applied_redactions", [])
    ]


# The dates of the notices of version_notices(), as query expressions on
# versions (NULL where a version has none): they move the entry up.
VERSION_NOTICE_DATES = (F("redacted_at"),)


def entry_updated():
    """When an entry last changed, as a query expression: its publication, or
    the latest dated notice that updates it. A withdrawal updates the entry of
    the version that was live, not the record's earlier ones."""
    published = F("published_at")
    withdrawal = Case(
        When(
            record__withdrawn_at__isnull=False,
            record__live_version=F("pk"),
            then=F("record__withdrawn_at"),
        ),
        default=published,
        output_field=DateTimeField(),
    )
    return Greatest(published, withdrawal, *(Coalesce(date, published) for date in VERSION_NOTICE_DATES))


def entry_candidates(announced=None):
    """The ids of the versions that may be among the ``FEED_SIZE`` newest
    entries of ``announced`` (every announced version by default), as one subquery: the ``FEED_SIZE`` newest publications, the
    live versions of the ``FEED_SIZE`` records withdrawn last, and the
    ``FEED_SIZE`` latest of each of ``VERSION_NOTICE_DATES``.

    An entry's updated date is the latest of these dates, so an entry among
    the newest by that date is among the newest by the date that gave it.
    Ordering every announced version by ``entry_updated()`` would sort them
    all on every request; each of these reads a few rows from the end of an
    index (``published_at``, and the partial indexes on ``withdrawn_at`` and
    ``redacted_at``), so the feed costs the same whatever the number of
    records.
    """
    withdrawn = Record.objects.withdrawn()
    if announced is None:
        announced = RecordVersion.objects.announced()
    else:
        # A feed of one entity or term: its own withdrawn records only.
        withdrawn = withdrawn.filter(live_version__in=announced.values("pk"))
    announced = announced.order_by()
    # (The partial index on withdrawn_at is made by 0002_browse_search_indexes.)
    withdrawn = withdrawn.order_by("-withdrawn_at", "-pk").values("live_version_id")[:FEED_SIZE]
    candidates = announced.filter(pk__in=announced.order_by("-published_at", "-pk").values("pk")[:FEED_SIZE]).values(
        "pk"
    )
    candidates = candidates.union(announced.filter(pk__in=withdrawn).values("pk"))
    for date in VERSION_NOTICE_DATES:
        latest = (
            announced.alias(notice_date=date).filter(notice_date__isnull=False).order_by(F("notice_date").desc(), "-pk")
        )
        candidates = candidates.union(announced.filter(pk__in=latest.values("pk")[:FEED_SIZE]).values("pk"))
    return candidates


@dataclass(frozen=True)
class Entry:
    """One entry of the feeds: a version's publication, with what the public
    was told about it since."""

    version: RecordVersion
    updated: datetime  # entry_updated(), from the query
    notices: list[Notice] = field(default_factory=list)

    @property
    def withdrawn(self) -> bool:
        """Only the notices may be shown, never the version's content (a
        withdrawn record, or a duplicate merged into another)."""
        return self.version.record.is_withdrawn or self.version.record.is_merged

    @property
    def merged(self) -> bool:
        return self.version.record.is_merged


def entry(version) -> Entry:
    record = version.record
    notices = [withdrawal_notice(record)] if record.is_withdrawn else []
    if record.is_merged:
        notices.append(merger_notice(record))
    return Entry(version, version.entry_updated, notices + version_notices(version))


def notice_html(notice: Notice) -> SafeString:
    reason = notice.reason
    if reason is None:
        return format_html("<p><strong>{}</strong></p>", notice.statement)
    text = format_html('<span lang="{}">{}</span>', reason.lang, reason.text) if reason.is_fallback else reason.text
    return format_html("<p><strong>{}</strong></p><p>{} {}</p>", notice.statement, notice.reason_label, text)


# The feeds ------------------------------------------------------------------------


def version_permalink(version):
    """The version's permalink path, /en/incidents/INC-0001/v2/: where an
    entry points, and its stable identity."""
    return reverse("incidents:version", args=[version.record.public_id, version.number])


# An entry points at the version it announces (for a withdrawn record, that
# address answers with the withdrawal notice).
item_link = version_permalink


def _with_citation_labels(text, labels):
    """ "[@rcmp-2025]" -> "(RCMP, 2025)": a feed has no evidence list for the
    record page's citation links to jump to."""

    def label(match):
        keys = [key.strip().lstrip("@").strip() for key in match.group(1).split(";") if key.strip()]
        return "(" + "; ".join(labels.get(key, key) for key in keys) + ")"

    return _CITATION_RE.sub(label, text)


def _licensing(entry):
    # A withdrawn record's entry shows only our notice: nothing of the data
    # it drew on, so nothing to credit.
    return licence.original() if entry.withdrawn else licence.licensing(entry.version)


class RecordsAtomFeed(Feed):
    feed_type = AtomFeed
    author_name = "Dossier"

    def title(self):
        return _("Dossier: new and updated records")

    def subtitle(self):
        return _("Reviewed, bilingual records of AI incidents and hazards.")

    description = subtitle

    def link(self):
        return reverse("incidents:home")

    def feed_copyright(self):
        default = licence.content_licence()
        return _("Records are licensed under %(licence)s unless their entry says otherwise.") % {
            "licence": f"{default.name} ({default.url})"
        }

    def feed_extra_kwargs(self, obj):
        return {
            "licence_url": licence.content_licence().url,
            "licensing": licence.as_data(licence.original()),
        }

    def announced(self, obj):
        """The versions this feed announces: every one (feeds of an entity
        or a term narrow them)."""
        return RecordVersion.objects.announced()

    def items(self, obj=None):
        versions = (
            self.announced(obj)
            .filter(pk__in=entry_candidates(self.announced(obj)))
            .select_related("record__merged_into")
            .prefetch_related(
                # Citations give the summary's labels and the licence's
                # sources; a withdrawn or merged record's are not even loaded.
                Prefetch(
                    "citations",
                    queryset=Citation.objects.filter(
                        version__record__withdrawn_at__isnull=True, version__record__merged_into__isnull=True
                    ).select_related("source"),
                )
            )
            .annotate(entry_updated=entry_updated())
            .order_by("-entry_updated", "-published_at", "-pk")[:FEED_SIZE]
        )
        versions = list(versions)
        # Redactions are few: one more query only when an entry has one.
        for version in versions:
            version.applied_redactions = []
        for redactions in applied_redactions(versions).values():
            for redaction in redactions:
                next(v for v in versions if v.pk == redaction.version_id).applied_redactions.append(redaction)
        return [entry(version) for version in versions]

    def item_title(self, entry):
        version = entry.version
        if entry.merged:
            return _("%(public_id)s v%(number)s: merged into %(original)s") % {
                "public_id": version.record.public_id,
                "number": version.number,
                "original": version.record.merged_into.public_id,
            }
        if entry.withdrawn:
            return _("%(public_id)s v%(number)s: record withdrawn") % {
                "public_id": version.record.public_id,
                "number": version.number,
            }
        title = localized(version, "title")
        text = labelled(f"{version.record.public_id} v{version.number}", title.text)
        if title.is_fallback:
            text += f" ({_('Not yet translated into French')})"
        return text

    def item_description(self, entry):
        parts = [notice_html(notice) for notice in entry.notices]
        if not entry.withdrawn:
            parts.append(self._content(entry.version))
        return format_html_join("", "{}", ((part,) for part in parts))

    @staticmethod
    def _content(version):
        labels = {c.key: localized(c, "label").text for c in version.citations.all()}
        summary = localized(version, "summary")
        html = render_markdown(_with_citation_labels(summary.text, labels), id_prefix="feed")
        if summary.is_fallback:
            html = format_html(
                '<div><p><em>{}</em></p><div lang="{}">{}</div></div>', fallback_note(), summary.lang, html
            )
        note = localized(version, "change_note")
        if version.number > 1 and note.text:
            html = format_html(
                "<p><strong>{}</strong></p>{}{}",
                _("Version %(number)s:") % {"number": version.number},
                render_markdown(note.text, id_prefix="feed-note"),
                html,
            )
        return html

    def item_link(self, entry):
        if entry.merged:
            # Where the duplicate's addresses lead anyway (a 301).
            return reverse("incidents:record", args=[entry.version.record.merged_into.public_id])
        return item_link(entry.version)

    def item_guid(self, entry):
        return self.request.build_absolute_uri(version_permalink(entry.version))

    item_guid_is_permalink = False

    def item_pubdate(self, entry):
        return entry.version.published_at

    def item_updateddate(self, entry):
        # The publication, or the latest notice that updated the entry.
        return entry.updated

    def item_categories(self, entry):
        return [entry.version.record.get_kind_display()]

    def item_copyright(self, entry):
        return licence.statement_text(_licensing(entry))

    def item_extra_kwargs(self, entry):
        terms = _licensing(entry)
        language = current_language() if entry.withdrawn else localized(entry.version, "title").lang
        return {"language": language, "licence_url": terms.licence.url, "licensing": licence.as_data(terms)}

    def __call__(self, request, *args, **kwargs):
        # item_guid needs the request; atom_feed() and json_feed() make a
        # new instance per request, so this is never shared between threads.
        self.request = request
        return super().__call__(request, *args, **kwargs)


class RecordsJSONFeed(RecordsAtomFeed):
    feed_type = JSONFeed


def atom_feed(request):
    return _kept(request, RecordsAtomFeed)


def json_feed(request):
    return _kept(request, RecordsJSONFeed)


def feed_key(feed_name, lang) -> str:
    return f"dossier:feed:{feed_name}:{lang}"


def feed_keys() -> list[str]:
    """Every kept feed, in every language: the workflow deletes them at a
    redaction, since they hold the records' texts."""
    return [
        feed_key(feed_class.__name__, code)
        for feed_class in (RecordsAtomFeed, RecordsJSONFeed)
        for code, _name in settings.LANGUAGES
    ]


def _kept(request, feed_class):
    """The site's feed, written once for each state of what it shows and
    then served as written: feed readers poll it all day, and writing its
    fifty entries (their Markdown, citations and licences) took 55-70 ms.
    What it shows changes with a publication, a withdrawal or a redaction
    (the publication stamp), and with an edit of a source its entries cite
    (their labels and licences are read as the sources are now). Kept as
    record pages are (``page_cache``): one entry per feed and language,
    under that stamp, the feed by site address. Conditional requests are
    answered by ``ConditionalGetMiddleware`` from the content."""
    latest_source = Source.history.order_by("-history_id").values_list("history_id", flat=True).first()
    stamp = f"{publication_stamp()}/{latest_source}"
    key = feed_key(feed_class.__name__, current_language())
    kept = page_cache.cached_page(request, key, stamp)
    if kept is not None:
        return kept
    response = feed_class()(request)
    page_cache.store_page(request, key, stamp, response)
    return response


# Feeds of an entity and of a term ---------------------------------------------------
#
# "Everything about X": the same entries, narrowed to the versions that
# involve the entity or are classified under the term (or a narrower one),
# each judged on its own content: an entry announces a version that showed
# X when it was published. A withdrawn record's entries carry its notice
# only, as in the main feed. The feed of a row the public has never seen
# answers 404, like its page.


class EntityAtomFeed(RecordsAtomFeed):
    def get_object(self, request, slug):
        entity = reference.public_entity(slug)
        if entity is None:
            raise Http404
        entity.shown = pins.public_state(entity)
        return entity

    def announced(self, entity):
        involved = RecordVersion.objects.filter(reference.involving(entity)).values("pk")
        return RecordVersion.objects.announced().filter(pk__in=involved)

    def title(self, entity):
        return _("Dossier: records involving %(name)s") % {"name": localized(entity.shown, "name").text}

    def subtitle(self, entity):
        return _("New and updated records that involve %(name)s.") % {"name": localized(entity.shown, "name").text}

    description = subtitle

    def link(self, entity):
        return reverse("incidents:entity", args=[entity.slug])


class EntityJSONFeed(EntityAtomFeed):
    feed_type = JSONFeed


class TermAtomFeed(RecordsAtomFeed):
    def get_object(self, request, taxonomy, term):
        found = reference.public_term(taxonomy, term)
        if found is None:
            raise Http404
        found.shown = pins.public_state(found)
        return found

    def announced(self, term):
        classified = RecordVersion.objects.filter(term.classified).values("pk")
        return RecordVersion.objects.announced().filter(pk__in=classified)

    def title(self, term):
        return _("Dossier: records classified under %(name)s") % {"name": localized(term.shown, "name").text}

    def subtitle(self, term):
        return _("New and updated records classified under %(name)s.") % {"name": localized(term.shown, "name").text}

    description = subtitle

    def link(self, term):
        return reverse("incidents:term", args=[term.taxonomy.slug, term.slug])


class TermJSONFeed(TermAtomFeed):
    feed_type = JSONFeed


def entity_atom_feed(request, slug):
    return EntityAtomFeed()(request, slug=slug)


def entity_json_feed(request, slug):
    return EntityJSONFeed()(request, slug=slug)


def term_atom_feed(request, taxonomy, term):
    return TermAtomFeed()(request, taxonomy=taxonomy, term=term)


def term_json_feed(request, taxonomy, term):
    return TermJSONFeed()(request, taxonomy=taxonomy, term=term)
