"""
An index of the pairs of words side by side in each list entry's search
document, so that a quoted phrase is looked up rather than re-read
(PostgreSQL only, like 0014_list_entries).

Why (bench/README.md, "Search at scale"): a phrase ("medical advice") is
``'medic' <-> 'advic'``; the documents' GIN index finds those holding both
words anywhere, and PostgreSQL then reads each of them for the words'
positions. At 100,000 records that was 49,000 documents, 300-800 ms, for 193
matches. ``dossier_bigrams(document)`` is the set of "word next-word" pairs
of a document (its lexemes at positions p and p + 1), without positions; a
GIN index on it finds the documents holding a phrase's every pair, and only
those are read for positions. It is an expression index: the pairs are never
stored, and cannot disagree with the document they come from. (Computing
them takes about 1 ms a document: the list asks the index for them in a
subquery, where nothing recomputes them.)

``incidents.public.browse.search.adjacent_pairs`` writes the pairs of a query.
"""

from django.db import migrations

PG_FORWARDS = [
    # Positions run on across the parts of a document (title, summary,
    # narrative, harms: tsvector || shifts the right one's), as they do for
    # PostgreSQL's own phrase matching: a pair found here is a pair <-> finds.
    """
    CREATE FUNCTION dossier_bigrams(document tsvector) RETURNS tsvector
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
        SELECT coalesce(array_to_tsvector(array_agg(a.lexeme || ' ' || b.lexeme)), ''::tsvector)
        FROM (SELECT lexeme, unnest(positions) AS p FROM unnest(document)) a
        JOIN (SELECT lexeme, unnest(positions) AS p FROM unnest(document)) b ON b.p = a.p + 1
    $$
    """,
    "CREATE INDEX incidents_listentry_pairs_en ON incidents_listentry USING gin (dossier_bigrams(search_en))",
    "CREATE INDEX incidents_listentry_pairs_fr ON incidents_listentry USING gin (dossier_bigrams(search_fr))",
    # Statistics of the new expressions, so that the planner sees how few
    # entries a phrase's pairs leave.
    "ANALYZE incidents_listentry",
]

PG_BACKWARDS = [
    "DROP INDEX IF EXISTS incidents_listentry_pairs_en",
    "DROP INDEX IF EXISTS incidents_listentry_pairs_fr",
    "DROP FUNCTION IF EXISTS dossier_bigrams(tsvector)",
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in PG_FORWARDS:
            schema_editor.execute(statement)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in PG_BACKWARDS:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("incidents", "0015_harm_version_type_index"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
