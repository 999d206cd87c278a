"""
Indexes for the public list's filters and counts, and full-text search on
PostgreSQL.

On PostgreSQL only (SQLite has no tsvector, GIN or text search
configurations; docs/architecture.md, "Known traps of this stack"), this adds:

- ``french_unaccent``: the French text search configuration with accents
  folded, so "evaluation" finds "évaluation" (needs the ``unaccent``
  extension, a trusted extension since PostgreSQL 13: the database owner may
  create it);
- ``search_en`` / ``search_fr``: stored generated tsvector columns on versions
  (title weighted A, summary B, narrative C) and on harms (description and
  affected group), each with a GIN index. The French column falls back to the
  English text where the French is missing, as the French pages show it.
  Migration 0004_search_columns_by_trigger turns them into plain columns
  that a trigger fills with the same documents: generated columns made
  PostgreSQL refuse any change of the type of the fields they read. Its
  docstring says what a later migration changing a searched field must do;
- a covering partial index of live versions for the list's counts (SQLite
  has no covering indexes), and a partial index of withdrawal dates.

The columns are invisible to Django's models on purpose: the model stays the
same on both databases, Django never writes them (PostgreSQL computes them on
every insert and update), and the history tables don't copy them.
``incidents.public.browse.search`` reads them. The SQL below and the expressions there must
agree on the column names; tests/test_search.py checks the index is used.
"""

from django.db import migrations, models


def _document(lang_config, fields):
    """SQL of a weighted tsvector over ``fields`` [(column, fallback, weight)]."""
    parts = []
    for column, fallback, weight in fields:
        text = f"coalesce(nullif(btrim({column}), ''), {fallback}, '')" if fallback else f"coalesce({column}, '')"
        parts.append(f"setweight(to_tsvector('{lang_config}'::regconfig, {text}), '{weight}')")
    return " || ".join(parts)


VERSION_EN = _document("english", [("title_en", None, "A"), ("summary_en", None, "B"), ("narrative_en", None, "C")])
VERSION_FR = _document(
    "french_unaccent",
    [("title_fr", "title_en", "A"), ("summary_fr", "summary_en", "B"), ("narrative_fr", "narrative_en", "C")],
)
HARM_EN = _document("english", [("description_en", None, "B"), ("affected_group_en", None, "C")])
HARM_FR = _document(
    "french_unaccent", [("description_fr", "description_en", "B"), ("affected_group_fr", "affected_group_en", "C")]
)

FORWARDS = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    """
    DO $$
    BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'french_unaccent') THEN
            CREATE TEXT SEARCH CONFIGURATION french_unaccent (COPY = pg_catalog.french);
            ALTER TEXT SEARCH CONFIGURATION french_unaccent
                ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem;
        END IF;
    END
    $$
    """,
    f"""
    ALTER TABLE incidents_recordversion
        ADD COLUMN search_en tsvector GENERATED ALWAYS AS ({VERSION_EN}) STORED,
        ADD COLUMN search_fr tsvector GENERATED ALWAYS AS ({VERSION_FR}) STORED
    """,
    f"""
    ALTER TABLE incidents_harm
        ADD COLUMN search_en tsvector GENERATED ALWAYS AS ({HARM_EN}) STORED,
        ADD COLUMN search_fr tsvector GENERATED ALWAYS AS ({HARM_FR}) STORED
    """,
    "CREATE INDEX incidents_version_search_en ON incidents_recordversion USING gin (search_en)",
    "CREATE INDEX incidents_version_search_fr ON incidents_recordversion USING gin (search_fr)",
    "CREATE INDEX incidents_harm_search_en ON incidents_harm USING gin (search_en)",
    "CREATE INDEX incidents_harm_search_fr ON incidents_harm USING gin (search_fr)",
    # The public list filters and counts live versions by these columns: an
    # index-only scan of this narrow index replaces reads of the wide
    # version rows (narratives in two languages).
    """
    CREATE INDEX incidents_live_version_cover ON incidents_recordversion (record_id)
        INCLUDE (id, severity, verification_level, occurred_on, occurred_until, published_at, number)
        WHERE status = 'published'
    """,
    # Withdrawn records are few: this tiny index answers max(withdrawn_at),
    # read at each request of the list (incidents.public.browse.query.publication_stamp).
    "CREATE INDEX incidents_record_withdrawn ON incidents_record (withdrawn_at) WHERE withdrawn_at IS NOT NULL",
]

BACKWARDS = [
    "DROP INDEX IF EXISTS incidents_record_withdrawn",
    "DROP INDEX IF EXISTS incidents_live_version_cover",
    "ALTER TABLE incidents_harm DROP COLUMN IF EXISTS search_en, DROP COLUMN IF EXISTS search_fr",
    "ALTER TABLE incidents_recordversion DROP COLUMN IF EXISTS search_en, DROP COLUMN IF EXISTS search_fr",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS french_unaccent",
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
        ("incidents", "0001_initial"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="jurisdiction",
            index=models.Index(fields=["country"], name="incidents_jurisdiction_country"),
        ),
        migrations.RunPython(forwards, backwards),
    ]
