"""Reading a CSV file with the line each row starts on (the header is line 1)."""

import csv
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext as _

from .formats import FormatError

# The AIID's descriptions run to a few thousand characters; a spreadsheet
# cell may hold much more (Python's default limit is 131,072).
csv.field_size_limit(10_000_000)


@dataclass
class CsvRow:
    line: int
    values: dict[str, str] | None  # None when the row has the wrong number of cells
    error: str = ""


def open_text(path):
    """The file opened as UTF-8 text (a byte-order mark is skipped), or a FormatError."""
    path = Path(path)
    if not path.is_file():
        raise FormatError(_("There is no file at %(path)s.") % {"path": path})
    try:
        return path.open(encoding="utf-8-sig", newline="")
    except OSError as error:
        raise FormatError(_("%(path)s cannot be read: %(error)s") % {"path": path, "error": error.strerror}) from error


def read_csv(path, required=()) -> tuple[list[str], list[CsvRow]]:
    """The header and the rows of a CSV file, each with the line it starts on.

    Raises ``FormatError`` for a file that is missing, not UTF-8 text, not
    CSV, empty, or lacking one of the ``required`` columns.
    """
    rows = []
    with open_text(path) as handle:
        reader = csv.reader(handle)
        try:
            header = next(reader, None)
            if header is None:
                raise FormatError(_("%(path)s is empty.") % {"path": path})
            header = [name.strip() for name in header]
            missing = [name for name in required if name not in header]
            if missing:
                raise FormatError(
                    _("%(path)s has no column %(missing)s (its columns: %(columns)s).")
                    % {
                        "path": path,
                        "missing": ", ".join(f"“{name}”" for name in missing),
                        "columns": ", ".join(f"“{name}”" for name in header),
                    }
                )
            start = reader.line_num + 1
            for cells in reader:
                line, start = start, reader.line_num + 1
                if not any(cell.strip() for cell in cells):
                    continue
                if len(cells) != len(header):
                    rows.append(
                        CsvRow(
                            line,
                            None,
                            _("%(found)d cells where the header has %(expected)d columns.")
                            % {"found": len(cells), "expected": len(header)},
                        )
                    )
                    continue
                rows.append(CsvRow(line, dict(zip(header, cells, strict=True))))
        except UnicodeDecodeError as error:
            raise FormatError(
                _("%(path)s is not UTF-8 text (after line %(line)d).") % {"path": path, "line": reader.line_num}
            ) from error
        except csv.Error as error:
            raise FormatError(
                _("%(path)s is not a readable CSV file (line %(line)d: %(error)s).")
                % {"path": path, "line": reader.line_num + 1, "error": error}
            ) from error
    return header, rows
