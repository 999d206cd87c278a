"""
Atom and JSON Feed of new and updated records, one per page language.

Each entry is one publication: a record's v1 when it first appears, and each
later version when it is published. Only published content is read
(``RecordVersion.objects.published()``: live and superseded versions of
records that are not withdrawn), and each summary goes through
``core.rendering`` like every other rich text.
"""

import json
import re

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, SyndicationFeed, rfc3339_date
from django.utils.html import format_html
from django.utils.translation import gettext as _

from core.i18n import localized
from core.rendering import CITATION_PATTERN, render_markdown
from incidents.models import RecordVersion

FEED_SIZE = 50
_CITATION_RE = re.compile(CITATION_PATTERN)


class JSONFeed(SyndicationFeed):
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
        return entry


def version_permalink(version):
    """The version's permalink path, /en/incidents/INC-0001/v2/: where an
    entry points, and its stable identity."""
    return reverse("incidents:version", args=[version.record.public_id, version.number])


# An entry points at the version it announces.
item_link = version_permalink


def _with_citation_labels(text, labels):
    """ "[@rcmp-2025]" -> "(RCMP, 2025)": a feed has no evidence list for the
    record page's citation links to jump to."""

    def label(match):
        keys = [key.strip().lstrip("@").strip() for key in match.group(1).split(";") if key.strip()]
        return "(" + "; ".join(labels.get(key, key) for key in keys) + ")"

    return _CITATION_RE.sub(label, text)


class RecordsAtomFeed(Feed):
    feed_type = Atom1Feed
    author_name = "Dossier"

    def title(self):
        return _("Dossier: new and updated records")

    def subtitle(self):
        return _("Reviewed, bilingual records of AI incidents and hazards.")

    description = subtitle

    def link(self):
        return reverse("incidents:home")

    def items(self):
        return (
            RecordVersion.objects.published()
            .select_related("record")
            .prefetch_related("citations")
            .order_by("-published_at", "-pk")[:FEED_SIZE]
        )

    def item_title(self, version):
        title = localized(version, "title")
        text = f"{version.record.public_id} v{version.number}: {title.text}"
        if title.is_fallback:
            text += f" ({_('Not yet translated into French')})"
        return text

    def item_description(self, version):
        labels = {c.key: localized(c, "label").text for c in version.citations.all()}
        summary = localized(version, "summary")
        html = render_markdown(_with_citation_labels(summary.text, labels), id_prefix="feed")
        if summary.is_fallback:
            html = format_html(
                '<div lang="{}"><p><em>{}</em></p>{}</div>', summary.lang, _("Not yet translated into French"), html
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

    def item_link(self, version):
        return item_link(version)

    def item_guid(self, version):
        return self.request.build_absolute_uri(version_permalink(version))

    item_guid_is_permalink = False

    def item_pubdate(self, version):
        return version.published_at

    def item_updateddate(self, version):
        # A published version never changes.
        return version.published_at

    def item_categories(self, version):
        return [version.record.get_kind_display()]

    def item_extra_kwargs(self, version):
        return {"language": localized(version, "title").lang}

    def __call__(self, request, *args, **kwargs):
        # item_guid needs the request; atom_feed() and json_feed() make a
        # new instance per request, so this is never shared between threads.
        self.request = request
        return super().__call__(request, *args, **kwargs)


class RecordsJSONFeed(RecordsAtomFeed):
    feed_type = JSONFeed


def atom_feed(request):
    return RecordsAtomFeed()(request)


def json_feed(request):
    return RecordsJSONFeed()(request)
