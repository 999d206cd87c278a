"""
``--format aiid``: the AI Incident Database's incidents as CSV (a research
snapshot: ``incident_id, date, reports`` as a JSON list of report numbers,
the alleged deployers, developers and harmed parties as JSON lists of
entity slugs, ``description``, ``title``), with, optionally, its MIT AI Risk
Repository classifications (``--classifications``: ``Namespace, Incident ID,
Risk Subdomain`` among others).

Each incident becomes a draft with:

- the title, the description as summary and narrative, the date (a day);
- the external id ``aiid`` / incident id, linking to its AIID page;
- the entities (found by slug, created when missing) as deployer, developer
  or harmed party;
- one source per report: ``https://incidentdatabase.ai/reports/{n}/``, the
  AIID's page of that report (one page per report number, whatever the
  incident: a report of two incidents is one source), published by the AI
  Incident Database, cited as ``aiid-r{n}``, the first one primary;
- the terms mapped to its MIT risk subdomain codes (``TermMapping``, scheme
  MIT): a code that no term or several terms map is left out and said.

The AIID's content is licensed CC BY-SA 4.0: its sources name the AI
Incident Database as publisher, and every record keeps its AIID id and link.
"""

import hashlib
import json
import re
import unicodedata
from collections import defaultdict
from datetime import date

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from incidents.models import ExternalDatabase, Role
from taxonomy.models import EntityKind, MappingScheme, TermMapping

from .base import Bilingual, EntityRef, ImportRow, RefusedRow, RowError, SourceRef
from .csvfile import read_csv
from .formats import FormatError, register

REPORT_URL = "https://incidentdatabase.ai/reports/{number}/"
PUBLISHER = Bilingual("AI Incident Database", "AI Incident Database")

ID, DATE, REPORTS, TITLE, DESCRIPTION = "incident_id", "date", "reports", "title", "description"
ROLE_COLUMNS = {
    "Alleged deployer of AI system": Role.DEPLOYER,
    "Alleged developer of AI system": Role.DEVELOPER,
    "Alleged harmed or nearly harmed parties": Role.HARMED_PARTY,
}
COLUMNS = (ID, DATE, REPORTS, *ROLE_COLUMNS, DESCRIPTION, TITLE)

CLASSIFICATION_ID, SUBDOMAIN, NAMESPACE, PUBLISHED = "Incident ID", "Risk Subdomain", "Namespace", "Published"
# "7.3. Lack of capability or robustness"
SUBDOMAIN_RE = re.compile(r"^\s*(\d+(?:\.\d+)+)\.?\s+(.+?)\s*$")

SLUG_MAX = 120  # Entity.slug


def entity_slug(aiid_slug: str) -> str:
    """Our slug for an AIID entity slug: ASCII letters, digits and hyphens
    ("smita-sinha-(pseudonym)" → "smita-sinha-pseudonym"), at most 120
    characters (a longer one ends with a digest of the whole)."""
    text = unicodedata.normalize("NFKD", aiid_slug).encode("ascii", "ignore").decode().lower()
    text = re.sub(r"['’]", "", text)
    slug = re.sub(r"[^a-z0-9_]+", "-", text).strip("-")
    if len(slug) > SLUG_MAX:
        digest = hashlib.sha256(aiid_slug.encode()).hexdigest()[:8]
        slug = f"{slug[: SLUG_MAX - 9].rstrip('-')}-{digest}"
    return slug


def entity_name(aiid_slug: str) -> str:
    """A readable name from the AIID's slug: "keolis-north-america" → "Keolis North America"."""
    return " ".join(word[:1].upper() + word[1:] for word in aiid_slug.replace("-", " ").split())


def _json_list(value, column, item_type):
    text = value.strip()
    if not text:
        return []
    try:
        items = json.loads(text)
    except ValueError:
        items = None
    if not isinstance(items, list) or not all(isinstance(item, item_type) and item is not True for item in items):
        what = _("report numbers") if item_type is int else _("names")
        raise RowError(
            _("the column “%(column)s” is not a JSON list of %(what)s: %(value)s")
            % {"column": column, "what": what, "value": _shorten(text)}
        )
    # In order, once each.
    return list(dict.fromkeys(items))


def _shorten(text, length=60):
    return text if len(text) <= length else text[: length - 1] + "…"


class MitTerms:
    """Our terms for MIT AI Risk Repository codes, from the TermMapping rows
    of scheme MIT (read once per run)."""

    def __init__(self):
        self.by_code = defaultdict(list)
        for mapping in TermMapping.objects.filter(scheme=MappingScheme.MIT).select_related("term__taxonomy"):
            self.by_code[mapping.code.strip()].append(mapping.term)
        # code -> (label, number of records left without it)
        self.unmapped: dict[str, list] = {}
        self.ambiguous: dict[str, list] = {}

    def term(self, code, label):
        """(the term, or None and a note saying why none)."""
        terms = self.by_code.get(code, [])
        if len(terms) == 1:
            return terms[0], None
        if not terms:
            self.unmapped.setdefault(code, [label, 0])[1] += 1
            return None, _("MIT risk subdomain %(code)s (%(label)s): no term is mapped to it; not classified.") % {
                "code": code,
                "label": label,
            }
        self.ambiguous.setdefault(code, [label, 0])[1] += 1
        return None, _(
            "MIT risk subdomain %(code)s (%(label)s) is mapped to several terms (%(terms)s); "
            "not classified: an editor chooses."
        ) % {"code": code, "label": label, "terms": "; ".join(str(term) for term in terms)}


@register
class AiidFormat:
    name = "aiid"
    help = "AI Incident Database incidents (CSV snapshot); --classifications adds MIT risk subdomains"

    def __init__(self, path, classifications=None):
        self.path = path
        _header, self.csv_rows = read_csv(path, COLUMNS)
        self.total = len(self.csv_rows)
        self.problems: list[str] = []
        self.mit = MitTerms()
        # incident id -> [(code, label)], and -> why its classification is refused
        self.subdomains: dict[str, list[tuple[str, str]]] = defaultdict(list)
        self.classification_errors: dict[str, list[str]] = defaultdict(list)
        if classifications:
            self._read_classifications(classifications)

    @classmethod
    def from_options(cls, path, options):
        if options.get("mapping"):
            raise FormatError(_("--mapping is for --format csv; the AIID format has its own columns."))
        return cls(path, classifications=options.get("classifications"))

    def _read_classifications(self, path):
        header, rows = read_csv(path, (CLASSIFICATION_ID, SUBDOMAIN))
        for row in rows:
            where = _("%(file)s, line %(line)d") % {"file": path, "line": row.line}
            if row.values is None:
                self.problems.append(f"{where}: {row.error}")
                continue
            if NAMESPACE in header and row.values[NAMESPACE].strip() not in ("MIT", ""):
                continue
            if PUBLISHED in header and row.values[PUBLISHED].strip().lower() == "false":
                continue
            incident = row.values[CLASSIFICATION_ID].strip()
            if not incident.isdigit():
                self.problems.append(
                    _("%(where)s: the incident id “%(value)s” is not a whole number; line ignored.")
                    % {"where": where, "value": _shorten(incident)}
                )
                continue
            incident = str(int(incident))
            cell = row.values[SUBDOMAIN].strip()
            if not cell:
                continue
            match = SUBDOMAIN_RE.match(cell)
            if match is None:
                message = _("%(where)s: the risk subdomain “%(value)s” does not start with its code (e.g. “7.3.”).") % {
                    "where": where,
                    "value": _shorten(cell),
                }
                self.classification_errors[incident].append(message)
                continue
            self.subdomains[incident].append((match.group(1), match.group(2)))

    def summary_lines(self):
        """What the report ends with: the MIT codes left out, and how often."""
        lines = []
        for code, (label, count) in sorted(self.mit.unmapped.items()):
            lines.append(
                ngettext(
                    "MIT risk subdomain %(code)s (%(label)s): no term is mapped to it; %(count)d row not classified under it.",
                    "MIT risk subdomain %(code)s (%(label)s): no term is mapped to it; %(count)d rows not classified under it.",
                    count,
                )
                % {"code": code, "label": label, "count": count}
            )
        for code, (label, count) in sorted(self.mit.ambiguous.items()):
            lines.append(
                ngettext(
                    "MIT risk subdomain %(code)s (%(label)s): several terms are mapped to it; %(count)d row not classified under it.",
                    "MIT risk subdomain %(code)s (%(label)s): several terms are mapped to it; %(count)d rows not classified under it.",
                    count,
                )
                % {"code": code, "label": label, "count": count}
            )
        return lines

    def rows(self):
        for csv_row in self.csv_rows:
            if csv_row.values is None:
                yield RefusedRow(csv_row.line, csv_row.error)
                continue
            try:
                yield self._row(csv_row.line, csv_row.values)
            except RowError as error:
                yield RefusedRow(csv_row.line, error.message)

    def _row(self, line, values) -> ImportRow:
        incident = values[ID].strip()
        if not incident.isdigit() or int(incident) == 0:
            raise RowError(_("the incident id “%(value)s” is not a whole number.") % {"value": _shorten(incident)})
        incident = str(int(incident))
        if self.classification_errors.get(incident):
            raise RowError(" ".join(self.classification_errors[incident]))
        row = ImportRow(
            line=line,
            database=ExternalDatabase.AIID,
            external_id=incident,
            title=values[TITLE].strip(),
            summary=values[DESCRIPTION].strip(),
            occurred_on=self._date(values[DATE]),
        )
        if not row.title:
            raise RowError(_("the title is empty."))
        if not row.summary:
            raise RowError(_("the description is empty."))
        row.entities = self._entities(values)
        for number in _json_list(values[REPORTS], REPORTS, int):
            if number <= 0:
                raise RowError(_("the report number %(number)d is not a report number.") % {"number": number})
            row.sources.append(
                SourceRef(
                    url=REPORT_URL.format(number=number),
                    title=f"AIID report {number}",
                    publisher=PUBLISHER,
                    key=f"aiid-r{number}",
                    label=Bilingual(f"AIID report {number}", f"Rapport {number} de l’AIID"),
                    corroborates=Bilingual(
                        f"Listed by the AI Incident Database as a report of its incident {incident}.",
                        f"Répertorié par l’AI Incident Database parmi les rapports de son incident {incident}.",
                    ),
                )
            )
        seen_terms = set()
        for code, label in self.subdomains.get(incident, []):
            term, note = self.mit.term(code, label)
            if note:
                row.notes.append(note)
            elif term.pk not in seen_terms:
                seen_terms.add(term.pk)
                row.terms.append(term)
        return row

    def _date(self, value):
        text = value.strip()
        if not text:
            return None
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            try:
                return date.fromisoformat(text)
            except ValueError:
                pass
        raise RowError(_("the date “%(value)s” is not a date written YYYY-MM-DD.") % {"value": _shorten(text)})

    def _entities(self, values):
        named = []  # (aiid slug, role), in the file's order
        for column, role in ROLE_COLUMNS.items():
            for aiid_slug in _json_list(values[column], column, str):
                if aiid_slug.strip():
                    named.append((aiid_slug.strip(), role))
        # An entity the AIID names as deployer or developer is an
        # organization; one named only as harmed (people, groups,
        # organizations alike) is left for an editor to say.
        makers = {aiid_slug for aiid_slug, role in named if role != Role.HARMED_PARTY}
        refs, seen = [], set()
        for aiid_slug, role in named:
            slug = entity_slug(aiid_slug)
            if not slug:
                raise RowError(
                    _("the entity “%(value)s” has no letter or digit to make a slug of.")
                    % {"value": _shorten(aiid_slug)}
                )
            if (slug, role) in seen:
                continue
            seen.add((slug, role))
            kind = EntityKind.ORGANIZATION if aiid_slug in makers else EntityKind.OTHER
            refs.append(EntityRef(slug=slug, name=_shorten(entity_name(aiid_slug), 300), role=role, kind=kind))
        return refs
