"""
The public list's entries: one row per live version with what the list
filters, sorts and counts by (``ListEntry``), so that the list, its facet
counts and search read one narrow table instead of joining versions, records
and five part tables over every published record (bench/README.md, "List
and search at scale").

On PostgreSQL only (like 0002_browse_search_indexes), columns the model does
not declare:

- the facet values as arrays: ``countries``, ``entity_ids``, ``term_ids``
  (the version's terms and every broader term) and ``databases`` (external
  ids), with GIN indexes for the filters;
- ``search_en`` / ``search_fr``: one search document per live version and
  language, the version's document (its title, summary and narrative, kept
  by the trigger of 0004_search_columns_by_trigger) followed by its harms',
  with GIN indexes. ``toast_tuple_target`` is lowered so that the documents
  (about 3 kB each) are stored out of line and the table's rows stay narrow
  (the arrays stay in the row): counting facets reads the rows, not the
  documents;
- ``dossier_tsvector_agg``, an aggregate that concatenates documents.

Rows are written only by ``incidents.publishing.workflow.refresh_list_entries``
(and the bench generator); this migration fills the table once, with its own
copy of that SQL (a migration must keep doing what it did when written).
"""

import django.db.models.deletion
from django.db import migrations, models

PG_FORWARDS = [
    "CREATE AGGREGATE dossier_tsvector_agg(tsvector) (SFUNC = tsvector_concat, STYPE = tsvector, INITCOND = '')",
    """
    ALTER TABLE incidents_listentry
        ADD COLUMN countries varchar(2)[] NOT NULL DEFAULT '{}',
        ADD COLUMN entity_ids bigint[] NOT NULL DEFAULT '{}',
        ADD COLUMN term_ids bigint[] NOT NULL DEFAULT '{}',
        ADD COLUMN databases varchar(20)[] NOT NULL DEFAULT '{}',
        ADD COLUMN search_en tsvector NOT NULL DEFAULT '',
        ADD COLUMN search_fr tsvector NOT NULL DEFAULT ''
    """,
    # Documents out of line, arrays kept in the row and uncompressed
    # (PLAIN; a few dozen bytes each): counting unnests the arrays of tens
    # of thousands of rows, which must not each cost a read of the TOAST
    # table or a decompression (measured: 2 to 3 times slower).
    "ALTER TABLE incidents_listentry SET (toast_tuple_target = 128)",
    """
    ALTER TABLE incidents_listentry
        ALTER COLUMN countries SET STORAGE PLAIN,
        ALTER COLUMN entity_ids SET STORAGE PLAIN,
        ALTER COLUMN term_ids SET STORAGE PLAIN,
        ALTER COLUMN databases SET STORAGE PLAIN
    """,
    "CREATE INDEX incidents_listentry_search_en ON incidents_listentry USING gin (search_en)",
    "CREATE INDEX incidents_listentry_search_fr ON incidents_listentry USING gin (search_fr)",
    "CREATE INDEX incidents_listentry_countries ON incidents_listentry USING gin (countries)",
    "CREATE INDEX incidents_listentry_entity_ids ON incidents_listentry USING gin (entity_ids)",
    "CREATE INDEX incidents_listentry_term_ids ON incidents_listentry USING gin (term_ids)",
]

PG_BACKWARDS = ["DROP AGGREGATE IF EXISTS dossier_tsvector_agg(tsvector)"]

COLUMNS = (
    "version_id, record_id, kind, severity, verification_level, occurred_on, occurred_until, published_at,"
    " first_published_at"
)
VALUES = """
    v.id, v.record_id, r.kind, v.severity, v.verification_level, v.occurred_on, v.occurred_until, v.published_at,
    (SELECT min(p.published_at) FROM incidents_recordversion p
        WHERE p.record_id = r.id AND p.status IN ('published', 'superseded'))"""
PG_COLUMNS = ", countries, entity_ids, term_ids, databases, search_en, search_fr"
PG_VALUES = """,
    ARRAY(SELECT DISTINCT j.country FROM incidents_jurisdiction j WHERE j.version_id = v.id ORDER BY 1),
    ARRAY(SELECT DISTINCT er.entity_id FROM incidents_entityrole er WHERE er.version_id = v.id ORDER BY 1),
    ARRAY(
        WITH RECURSIVE up(id, parent_id) AS (
            SELECT t.id, t.parent_id FROM taxonomy_term t
                JOIN incidents_classification c ON c.term_id = t.id WHERE c.version_id = v.id
            UNION
            SELECT t.id, t.parent_id FROM taxonomy_term t JOIN up ON t.id = up.parent_id
        )
        SELECT DISTINCT id FROM up ORDER BY 1
    ),
    ARRAY(SELECT DISTINCT x.database FROM incidents_externalid x WHERE x.version_id = v.id ORDER BY 1),
    v.search_en || coalesce(
        (SELECT dossier_tsvector_agg(h.search_en ORDER BY h.id) FROM incidents_harm h WHERE h.version_id = v.id),
        ''::tsvector),
    v.search_fr || coalesce(
        (SELECT dossier_tsvector_agg(h.search_fr ORDER BY h.id) FROM incidents_harm h WHERE h.version_id = v.id),
        ''::tsvector)"""


def forwards(apps, schema_editor):
    postgresql = schema_editor.connection.vendor == "postgresql"
    if postgresql:
        for statement in PG_FORWARDS:
            schema_editor.execute(statement)
    columns = COLUMNS + (PG_COLUMNS if postgresql else "")
    values = VALUES + (PG_VALUES if postgresql else "")
    schema_editor.execute(
        f"INSERT INTO incidents_listentry ({columns}) SELECT {values}"  # noqa: S608 (our own SQL)
        " FROM incidents_record r JOIN incidents_recordversion v ON v.id = r.live_version_id"
        " WHERE r.withdrawn_at IS NULL AND r.merged_into_id IS NULL AND v.status = 'published'"
    )
    if postgresql:
        schema_editor.execute("ANALYZE incidents_listentry")


def backwards(apps, schema_editor):
    # The table, its columns and indexes go with the reverse of CreateModel.
    if schema_editor.connection.vendor == "postgresql":
        for statement in PG_BACKWARDS:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("incidents", "0013_entity_responses"),
    ]

    operations = [
        migrations.CreateModel(
            name="ListEntry",
            fields=[
                (
                    "version",
                    models.OneToOneField(
                        editable=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="list_entry",
                        serialize=False,
                        to="incidents.recordversion",
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[("incident", "Incident"), ("hazard", "Hazard")], editable=False, max_length=20
                    ),
                ),
                (
                    "severity",
                    models.PositiveSmallIntegerField(
                        choices=[(1, "Low"), (2, "Moderate"), (3, "High"), (4, "Critical")], editable=False
                    ),
                ),
                (
                    "verification_level",
                    models.PositiveSmallIntegerField(
                        choices=[
                            (1, "Unverified claim"),
                            (2, "Reported by one credible source"),
                            (3, "Corroborated by independent sources"),
                            (4, "Confirmed by a primary source"),
                            (5, "Officially confirmed or adjudicated"),
                        ],
                        editable=False,
                    ),
                ),
                ("occurred_on", models.DateField(editable=False, null=True)),
                ("occurred_until", models.DateField(editable=False, null=True)),
                ("published_at", models.DateTimeField(editable=False)),
                ("first_published_at", models.DateTimeField(editable=False)),
                (
                    "record",
                    models.OneToOneField(
                        editable=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="list_entry",
                        to="incidents.record",
                    ),
                ),
            ],
            options={
                "indexes": [
                    models.Index(fields=["-first_published_at", "-version"], name="incidents_listentry_newest"),
                    models.Index(fields=["-published_at", "-version"], name="incidents_listentry_updated"),
                ],
            },
        ),
        migrations.RunPython(forwards, backwards),
    ]
