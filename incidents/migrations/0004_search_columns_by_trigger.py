"""
The search columns become plain columns that a trigger fills, so that the
searched fields' types can change again (PostgreSQL only; a no-op on SQLite).

Migration 0002_browse_search_indexes made ``search_en`` / ``search_fr``
stored generated columns. PostgreSQL then refuses to change the type of any
column they read ("cannot alter type of a column used by a generated
column"): ``title``, ``summary``, ``narrative`` of versions and
``description``, ``affected_group`` of harms, in both languages. SQLite has
no such columns, so only PostgreSQL would catch it, in production.

This migration keeps the columns, their names, their values and their GIN
indexes, and moves the computation into a trigger:

- ``ALTER COLUMN … DROP EXPRESSION`` turns each generated column into a
  plain ``tsvector`` column and keeps the documents already stored, which
  are exactly what the trigger computes: existing rows need no backfill,
  and the GIN indexes stay as they are (nothing is rewritten or rebuilt);
- a plpgsql function per table computes the same weighted documents as 0002
  (English: configuration ``english``; French: ``french_unaccent``, with the
  English text where the French is empty or blank), and a ``BEFORE INSERT OR
  UPDATE … FOR EACH ROW`` trigger runs it on every write.

The trigger is deliberately not ``UPDATE OF <columns>`` and has no ``WHEN``
clause: PostgreSQL records a dependency on the columns named there and
would refuse ``ALTER TYPE`` again. A plpgsql body records no dependency on
the columns it reads. The cost is that every update, a status change too,
recomputes the two documents of the row: about a millisecond a version
(bench data: 1,500–3,500 character narratives in two languages), on rows
written one at a time by editors.

Backwards, the columns become generated columns again, as 0002 made them,
with their GIN indexes; the trigger and functions are dropped.

Changing a searched field in a future migration
-----------------------------------------------

- **Type or length** (e.g. ``title`` from 300 to 400 characters, or a
  ``CharField`` becoming a ``TextField``): nothing to do here, Django's
  ``AlterField`` just works. tests/test_search_index.py proves it.
- **Renaming or removing** a searched field, or **searching a new one**:
  the trigger functions name the columns, so in the same migration as the
  ``RenameField`` / ``RemoveField`` / ``AddField``, add a PostgreSQL-only
  ``RunPython`` (as below) that runs ``CREATE OR REPLACE FUNCTION`` for the
  table's function with the new column list, and whose reverse puts back
  this body. Copy ``_document()`` and the function SQL from here rather
  than importing this module: a migration must keep doing what it did when
  it was written. Nothing else changes: the trigger calls the function by
  name, and the columns and indexes stay. Forgetting it does not fail the
  migration (plpgsql checks field names only when it runs) but then every
  insert or update of the table fails with 'record "new" has no field …',
  which the first PostgreSQL test run that saves a version shows at once.
  When what a document holds changes (a field searched or no longer
  searched, another weight), also recompute the stored documents in that
  migration: ``UPDATE <table> SET id = id`` runs the trigger on every row.

``incidents.public.browse.search`` reads the columns; their names must not
change.
"""

from django.db import migrations

VERSIONS = "incidents_recordversion"
HARMS = "incidents_harm"


def _document(lang_config, fields, row=""):
    """SQL of a weighted tsvector over ``fields`` [(column, fallback, weight)],
    the columns read from ``row`` ("NEW." in a trigger, nothing in a
    generated column). The same expression as 0002's."""
    parts = []
    for column, fallback, weight in fields:
        if fallback:
            text = f"coalesce(nullif(btrim({row}{column}), ''), {row}{fallback}, '')"
        else:
            text = f"coalesce({row}{column}, '')"
        parts.append(f"setweight(to_tsvector('{lang_config}'::regconfig, {text}), '{weight}')")
    return " || ".join(parts)


# (column, English column it falls back to, weight), per table and language.
DOCUMENTS = {
    VERSIONS: {
        "en": ("english", [("title_en", None, "A"), ("summary_en", None, "B"), ("narrative_en", None, "C")]),
        "fr": (
            "french_unaccent",
            [("title_fr", "title_en", "A"), ("summary_fr", "summary_en", "B"), ("narrative_fr", "narrative_en", "C")],
        ),
    },
    HARMS: {
        "en": ("english", [("description_en", None, "B"), ("affected_group_en", None, "C")]),
        "fr": (
            "french_unaccent",
            [("description_fr", "description_en", "B"), ("affected_group_fr", "affected_group_en", "C")],
        ),
    },
}


def _function(table):
    return f"{table}_search_documents"


def _trigger_sql(table):
    """The function that computes the row's two documents, and the trigger
    that runs it before every insert and update."""
    english, french = (_document(*DOCUMENTS[table][lang], row="NEW.") for lang in ("en", "fr"))
    return [
        f"""
        CREATE OR REPLACE FUNCTION {_function(table)}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            NEW.search_en := {english};
            NEW.search_fr := {french};
            RETURN NEW;
        END
        $$
        """,
        # Not "UPDATE OF <columns>" and no WHEN clause: see the docstring.
        f"""
        CREATE TRIGGER {_function(table)} BEFORE INSERT OR UPDATE ON {table}
            FOR EACH ROW EXECUTE FUNCTION {_function(table)}()
        """,
    ]


def _generated_columns_sql(table, index_prefix):
    """Back to 0002: generated columns and their GIN indexes."""
    english, french = (_document(*DOCUMENTS[table][lang]) for lang in ("en", "fr"))
    return [
        f"DROP TRIGGER IF EXISTS {_function(table)} ON {table}",
        f"DROP FUNCTION IF EXISTS {_function(table)}()",
        # Dropping the columns drops their indexes with them.
        f"ALTER TABLE {table} DROP COLUMN search_en, DROP COLUMN search_fr",
        f"""
        ALTER TABLE {table}
            ADD COLUMN search_en tsvector GENERATED ALWAYS AS ({english}) STORED,
            ADD COLUMN search_fr tsvector GENERATED ALWAYS AS ({french}) STORED
        """,
        f"CREATE INDEX {index_prefix}_search_en ON {table} USING gin (search_en)",
        f"CREATE INDEX {index_prefix}_search_fr ON {table} USING gin (search_fr)",
    ]


FORWARDS = [
    # Plain columns from now on, keeping the documents already stored (and
    # so their GIN indexes): the trigger computes the same ones.
    f"ALTER TABLE {VERSIONS} ALTER COLUMN search_en DROP EXPRESSION, ALTER COLUMN search_fr DROP EXPRESSION",
    f"ALTER TABLE {HARMS} ALTER COLUMN search_en DROP EXPRESSION, ALTER COLUMN search_fr DROP EXPRESSION",
    *_trigger_sql(VERSIONS),
    *_trigger_sql(HARMS),
]

BACKWARDS = [
    *_generated_columns_sql(VERSIONS, "incidents_version"),
    *_generated_columns_sql(HARMS, "incidents_harm"),
]


def _execute_on_postgresql(schema_editor, statements):
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in statements:
        schema_editor.execute(statement)


def forwards(apps, schema_editor):
    _execute_on_postgresql(schema_editor, FORWARDS)


def backwards(apps, schema_editor):
    _execute_on_postgresql(schema_editor, BACKWARDS)


class Migration(migrations.Migration):
    dependencies = [
        ("incidents", "0003_review_checklists"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
    ]
