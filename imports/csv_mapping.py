"""``--format csv --mapping FILE.toml``: any spreadsheet-style incident database."""

from .formats import FormatError, register


@register
class MappedCsvFormat:
    name = "csv"
    help = "any spreadsheet-style CSV, its columns mapped to our fields by --mapping FILE.toml"

    @classmethod
    def from_options(cls, path, options):
        raise FormatError("not yet")
