"""
``--format csv --mapping FILE.toml``: any spreadsheet-style incident
database, its columns mapped to our fields by a TOML file
(``imports/examples/spreadsheet.toml`` is one, explained in README.md,
"Importing records").

The mapping names the column of each field; the file must have every column
the mapping names, and the mapping may name only fields listed in
``FIELDS``. Values are read so:

- ``date``: ``2023-05-17`` (a day), ``2023-05`` (a month), ``2023`` (a year),
  ``2023-2024`` (a range of years: from January 1 to December 31), or a
  day in one of the mapping's ``date_formats``;
- ``published``: the day the database published the record (as ``date``,
  a day only): kept on the draft, and shown in the changelog as "first
  published elsewhere" once the record is published here;
- ``country``: names or ISO codes, split by the separator, with the
  mapping's ``[countries]`` table for other spellings ("" leaves one out);
- ``sector``: terms of the sector taxonomy, by slug or name (English or
  French), with the ``[sectors]`` table (name in the file → term's slug);
- ``links``: web addresses, split by the separator: each becomes a source
  (reused by URL), cited ``link-1``, ``link-2``…, the first primary;
- ``deployer``, ``developer``, ``harmed_party``: entity names, split by the
  separator, found or created by slug.
"""

import re
import tomllib
from datetime import date, datetime
from urllib.parse import urlsplit

from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django_countries import countries

from incidents.models import DatePrecision, ExternalDatabase, Kind, Role
from taxonomy.models import SECTOR, EntityKind, Taxonomy, Term

from .base import Bilingual, EntityRef, ImportRow, RefusedRow, RowError, SourceRef
from .csvfile import open_text, read_csv
from .formats import FormatError, register

FIELDS = (
    "title",
    "summary",
    "narrative",
    "date",
    "published",
    "country",
    "sector",
    "ai_system",
    "links",
    "deployer",
    "developer",
    "harmed_party",
)
REQUIRED_FIELDS = ("title", "summary")
ENTITY_FIELDS = {"deployer": Role.DEPLOYER, "developer": Role.DEVELOPER, "harmed_party": Role.HARMED_PARTY}
TABLES = ("kind", "external_id", "columns", "options", "countries", "sectors")
OPTIONS = ("separator", "sector_taxonomy", "date_formats")


def _shorten(text, length=60):
    return text if len(text) <= length else text[: length - 1] + "…"


class Mapping:
    """A TOML mapping, checked against the file's header."""

    def __init__(self, path, header):
        self.path = path
        try:
            with open_text(path) as handle:
                data = tomllib.loads(handle.read())
        except tomllib.TOMLDecodeError as error:
            raise FormatError(_("%(path)s is not valid TOML: %(error)s") % {"path": path, "error": error}) from error
        except UnicodeDecodeError as error:
            raise FormatError(_("%(path)s is not UTF-8 text.") % {"path": path}) from error
        self._check_keys(data, TABLES, "")
        self.kind = self._string(data, "kind", Kind.INCIDENT)
        if self.kind not in Kind.values:
            self._fail(_("“kind” is “%(value)s”; it must be one of: %(choices)s."), self.kind, Kind.values)

        external = self._table(data, "external_id")
        self._check_keys(external, ("database", "column"), "external_id")
        self.database = self._string(external, "database", "", "external_id.")
        if self.database not in ExternalDatabase.values:
            self._fail(
                _("“external_id.database” is “%(value)s”; it must be one of: %(choices)s."),
                self.database,
                ExternalDatabase.values,
            )
        self.id_column = self._string(external, "column", "", "external_id.")

        columns = self._table(data, "columns")
        self._check_keys(columns, FIELDS, "columns")
        self.columns = {name: self._string(columns, name, "", "columns.") for name in columns}
        for name in REQUIRED_FIELDS:
            if not self.columns.get(name):
                raise FormatError(
                    _("%(path)s: the [columns] table must name the column of “%(field)s”.")
                    % {"path": path, "field": name}
                )
        named = [self.id_column, *self.columns.values()]
        missing = [column for column in named if column not in header]
        if missing:
            raise FormatError(
                _("%(path)s names columns the file does not have: %(missing)s (its columns: %(columns)s).")
                % {
                    "path": path,
                    "missing": ", ".join(f"“{column}”" for column in missing),
                    "columns": ", ".join(f"“{column}”" for column in header),
                }
            )

        options = self._table(data, "options")
        self._check_keys(options, OPTIONS, "options")
        self.separator = self._string(options, "separator", ";", "options.")
        if not self.separator:
            raise FormatError(_("%(path)s: “options.separator” cannot be empty.") % {"path": path})
        self.sector_taxonomy = self._string(options, "sector_taxonomy", SECTOR, "options.")
        self.date_formats = options.get("date_formats", [])
        if not isinstance(self.date_formats, list) or not all(isinstance(f, str) for f in self.date_formats):
            raise FormatError(_("%(path)s: “options.date_formats” must be a list of strings.") % {"path": path})
        self.countries = self._aliases(data, "countries")
        self.sectors = self._aliases(data, "sectors")

    def _fail(self, message, value, choices):
        raise FormatError(
            f"{self.path}: " + message % {"value": value, "choices": ", ".join(str(choice) for choice in choices)}
        )

    def _check_keys(self, table, allowed, where):
        unknown = [key for key in table if key not in allowed]
        if unknown:
            raise FormatError(
                _("%(path)s: unknown key %(key)s in %(table)s; the keys are: %(allowed)s.")
                % {
                    "path": self.path,
                    "key": f"“{unknown[0]}”",
                    "table": f"[{where}]" if where else _("the top level"),
                    "allowed": ", ".join(allowed),
                }
            )

    def _table(self, data, name):
        table = data.get(name, {})
        if not isinstance(table, dict):
            raise FormatError(_("%(path)s: “%(name)s” must be a table.") % {"path": self.path, "name": name})
        return table

    def _string(self, table, key, default, prefix=""):
        value = table.get(key, default)
        if not isinstance(value, str):
            raise FormatError(_("%(path)s: “%(key)s” must be a string.") % {"path": self.path, "key": f"{prefix}{key}"})
        return value.strip()

    def _aliases(self, data, name):
        table = self._table(data, name)
        for key, value in table.items():
            if not isinstance(value, str):
                raise FormatError(
                    _("%(path)s: “%(key)s” must be a string.") % {"path": self.path, "key": f"{name}.{key}"}
                )
        return {key.strip().casefold(): value.strip() for key, value in table.items()}


@register
class MappedCsvFormat:
    name = "csv"
    help = "any spreadsheet-style CSV, its columns mapped to our fields by --mapping FILE.toml"

    def __init__(self, path, mapping_path):
        header, self.csv_rows = read_csv(path)
        self.mapping = Mapping(mapping_path, header)
        self.total = len(self.csv_rows)
        self.problems: list[str] = []
        self.sector_terms = {}
        if "sector" in self.mapping.columns:
            self._load_sectors()
        with translation.override("en"):
            name_en = str(ExternalDatabase(self.mapping.database).label)
        with translation.override("fr"):
            name_fr = str(ExternalDatabase(self.mapping.database).label)
        self.database_names = Bilingual(name_en, name_fr)

    @classmethod
    def from_options(cls, path, options):
        if options.get("classifications"):
            raise FormatError(_("--classifications is for --format aiid."))
        if not options.get("mapping"):
            raise FormatError(_("--format csv needs --mapping FILE.toml: which column holds which field."))
        return cls(path, options["mapping"])

    def _load_sectors(self):
        taxonomy = Taxonomy.objects.filter(slug=self.mapping.sector_taxonomy).first()
        if taxonomy is None:
            raise FormatError(
                _("There is no taxonomy “%(slug)s” for the sectors (options.sector_taxonomy).")
                % {"slug": self.mapping.sector_taxonomy}
            )
        for term in Term.objects.filter(taxonomy=taxonomy):
            # By name first, then by slug, which wins a tie.
            for name in (term.name_en, term.name_fr):
                if name:
                    self.sector_terms[name.strip().casefold()] = term
            self.sector_terms[term.slug] = term

    def summary_lines(self):
        return []

    def rows(self):
        for csv_row in self.csv_rows:
            if csv_row.values is None:
                yield RefusedRow(csv_row.line, csv_row.error)
                continue
            try:
                yield self._row(csv_row.line, csv_row.values)
            except RowError as error:
                yield RefusedRow(csv_row.line, error.message)

    def _cell(self, values, field):
        column = self.mapping.columns.get(field)
        return values[column].strip() if column else ""

    def _list(self, values, field):
        return list(
            dict.fromkeys(
                item.strip() for item in self._cell(values, field).split(self.mapping.separator) if item.strip()
            )
        )

    def _row(self, line, values) -> ImportRow:
        mapping = self.mapping
        external_id = values[mapping.id_column].strip()
        if not external_id:
            raise RowError(_("the id (column “%(column)s”) is empty.") % {"column": mapping.id_column})
        row = ImportRow(
            line=line,
            database=mapping.database,
            external_id=external_id,
            kind=mapping.kind,
            title=self._cell(values, "title"),
            summary=self._cell(values, "summary"),
            narrative=self._cell(values, "narrative"),
            ai_system=self._cell(values, "ai_system"),
        )
        if not row.title:
            raise RowError(_("the title is empty."))
        if not row.summary:
            raise RowError(_("the summary is empty."))
        row.occurred_on, row.occurred_until, row.precision = self._date(self._cell(values, "date"))
        if published := self._cell(values, "published"):
            row.published_elsewhere_on, _until, precision = self._date(published)
            if precision != DatePrecision.DAY:
                raise RowError(
                    _("the publication date “%(value)s” is not a day (2023-05-17).") % {"value": _shorten(published)}
                )
        row.countries = list(
            dict.fromkeys(code for name in self._list(values, "country") if (code := self._country(name)))
        )
        seen = set()
        for name in self._list(values, "sector"):
            term = self._sector(name)
            if term is not None and term.pk not in seen:
                seen.add(term.pk)
                row.terms.append(term)
        for field, role in ENTITY_FIELDS.items():
            for name in self._list(values, field):
                slug = slugify(name)[:120].strip("-")
                if not slug:
                    raise RowError(
                        _("the entity “%(value)s” has no letter or digit to make a slug of.")
                        % {"value": _shorten(name)}
                    )
                if all((ref.slug, ref.role) != (slug, role) for ref in row.entities):
                    kind = EntityKind.OTHER if role == Role.HARMED_PARTY else EntityKind.ORGANIZATION
                    row.entities.append(EntityRef(slug=slug, name=_shorten(name, 300), role=role, kind=kind))
        for number, url in enumerate(self._list(values, "links"), start=1):
            row.sources.append(self._source(number, url, external_id))
        return row

    def _date(self, text):
        """(occurred_on, occurred_until, precision) of a date cell."""
        if not text:
            return None, None, DatePrecision.DAY
        try:
            if match := re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", text):
                return date(*map(int, match.groups())), None, DatePrecision.DAY
            if match := re.fullmatch(r"(\d{4})-(\d{2})", text):
                return date(int(match[1]), int(match[2]), 1), None, DatePrecision.MONTH
            if match := re.fullmatch(r"(\d{4})", text):
                return date(int(match[1]), 1, 1), None, DatePrecision.YEAR
            if match := re.fullmatch(r"(\d{4})\s*[-–—/]\s*(\d{4})", text):
                start, end = int(match[1]), int(match[2])
                if end < start:
                    raise RowError(_("the date range “%(value)s” ends before it starts.") % {"value": _shorten(text)})
                if end == start:
                    return date(start, 1, 1), None, DatePrecision.YEAR
                return date(start, 1, 1), date(end, 12, 31), DatePrecision.RANGE
        except ValueError:
            pass
        for pattern in self.mapping.date_formats:
            try:
                return datetime.strptime(text, pattern).date(), None, DatePrecision.DAY  # noqa: DTZ007 (a date, no time)
            except ValueError:
                continue
        raise RowError(
            _(
                "the date “%(value)s” is not a day (2023-05-17), a month (2023-05), a year (2023) or a range of years (2023-2024)."
            )
            % {"value": _shorten(text)}
        )

    def _country(self, name):
        """The ISO code for ``name``, "" when the mapping leaves it out."""
        key = name.casefold()
        if key in self.mapping.countries:
            name = self.mapping.countries[key]
            if not name:
                return ""
        code = name.upper()
        if len(code) == 2 and code in dict(countries):
            return code
        if len(code) == 3 and countries.alpha2(code):
            return countries.alpha2(code)
        code = countries.by_name(name, insensitive=True)
        if code:
            return code
        raise RowError(
            _(
                "the country “%(value)s” is neither a country's name nor its code: add it to the mapping's [countries] table."
            )
            % {"value": _shorten(name)}
        )

    def _sector(self, name):
        key = name.casefold()
        if key in self.mapping.sectors:
            slug = self.mapping.sectors[key]
            if not slug:
                return None
            term = self.sector_terms.get(slug)
            if term is None:
                raise RowError(
                    _(
                        "the mapping's [sectors] table sends “%(value)s” to “%(slug)s”, which is no term of the taxonomy “%(taxonomy)s”."
                    )
                    % {"value": _shorten(name), "slug": slug, "taxonomy": self.mapping.sector_taxonomy}
                )
            return term
        term = self.sector_terms.get(key) or self.sector_terms.get(slugify(name))
        if term is None:
            raise RowError(
                _(
                    "the sector “%(value)s” is no term of the taxonomy “%(taxonomy)s”: add it to the mapping's [sectors] table."
                )
                % {"value": _shorten(name), "taxonomy": self.mapping.sector_taxonomy}
            )
        return term

    def _source(self, number, url, external_id):
        try:
            host = (urlsplit(url).hostname or "").removeprefix("www.") if "://" in url else ""
        except ValueError:  # "http://[::1": refused by the source's check
            host = ""
        publisher = host or url
        return SourceRef(
            url=url,
            # The page's own title is not in the file: the address stands
            # for it until an editor writes it.
            title=_shorten(url, 500),
            publisher=Bilingual(_shorten(publisher, 300), _shorten(publisher, 300)),
            key=f"link-{number}",
            label=Bilingual(_shorten(publisher, 120), _shorten(publisher, 120)),
            corroborates=Bilingual(
                f"Listed among the links of {self.database_names.en} entry {external_id}.",
                f"Figure parmi les liens de l’entrée {external_id} de {self.database_names.fr}.",
            ),
        )
