"""
The formats ``import_records --format`` reads, by name.

A format is a class with ``name``, a ``help`` line and
``from_options(path, options)``, which checks the command's options and
opens the file (raising ``FormatError`` with a message for the user), and
whose instances give ``total`` (the number of rows, for the progress bar)
and ``rows()``: ``ImportRow``s and ``RefusedRow``s in file order. Register
one with ``@register``. A format that does not make drafts (``dossier``,
which restores our own export) also gives ``user_refusal(user)`` (who may
run it) and ``writer(user, dry_run)`` (what writes its rows, with a
``session()`` around them).
"""

FORMATS: dict[str, type] = {}


class FormatError(Exception):
    """The file or the options cannot be read at all: nothing is imported."""


def register(format_class):
    FORMATS[format_class.name] = format_class
    return format_class


def load_formats():
    """Import the modules that register the built-in formats."""
    from . import aiid, csv_mapping, dossier  # noqa: F401 (registered on import)

    return FORMATS
