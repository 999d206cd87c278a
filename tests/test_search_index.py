"""The search documents on PostgreSQL (the tsvector columns search_en and
search_fr of versions and harms): a trigger keeps them equal to what the
searched text says (migration 0004_search_columns_by_trigger), and the
searched fields' types can still change."""

import importlib

import pytest
from django.db import connection, models

from incidents.models import Harm, RecordVersion
from incidents.public.browse import search
from tests.factories import DraftVersionFactory, HarmFactory, add_parts, published_record, release

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="The search columns exist on PostgreSQL only"),
]

# The generated columns' expressions of migration 0002: the trigger must go on
# computing exactly these documents.
GENERATED = importlib.import_module("incidents.migrations.0002_browse_search_indexes")
EXPRESSIONS = {
    RecordVersion: (GENERATED.VERSION_EN, GENERATED.VERSION_FR),
    Harm: (GENERATED.HARM_EN, GENERATED.HARM_FR),
}


def _row(obj, columns, params=()):
    """``columns`` (SQL) of the object's row."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns} FROM {obj._meta.db_table} WHERE id = %s", [*params, obj.pk])  # noqa: S608 (our own names)
        return cursor.fetchone()


def stored_documents(obj):
    """The row's (search_en, search_fr), as text."""
    return _row(obj, "search_en::text, search_fr::text")


def generated_documents(obj):
    """What 0002's generated columns would hold for the row's text now."""
    english, french = EXPRESSIONS[type(obj)]
    return _row(obj, f"({english})::text, ({french})::text")


def has(obj, lang, tsquery):
    """Whether the row's stored document in ``lang`` matches ``tsquery``
    (``to_tsquery`` syntax: ``word:B`` asks for the word with weight B)."""
    (matches,) = _row(obj, f"search_{lang} @@ to_tsquery(%s::regconfig, %s)", [search.CONFIGS[lang], tsquery])
    return matches


def _edit(obj, field, text):
    setattr(obj, field, text)
    obj.save()


@pytest.mark.parametrize(("field", "weight"), [("title", "A"), ("summary", "B"), ("narrative", "C")])
def test_the_trigger_keeps_a_versions_documents_current(field, weight):
    version = DraftVersionFactory(**{f"{field}_en": "About a quokka.", f"{field}_fr": ""})
    # On insert; the French document reads the English text the French page shows.
    assert has(version, "en", f"quokka:{weight}")
    assert has(version, "fr", f"quokka:{weight}")
    assert stored_documents(version) == generated_documents(version)

    _edit(version, f"{field}_en", "About a narwhal.")
    assert has(version, "en", f"narwhal:{weight}") and not has(version, "en", "quokka")
    assert has(version, "fr", f"narwhal:{weight}") and not has(version, "fr", "quokka")

    _edit(version, f"{field}_fr", "À propos d'un wombat.")
    assert has(version, "fr", f"wombat:{weight}") and not has(version, "fr", "narwhal")
    assert has(version, "en", "narwhal") and not has(version, "en", "wombat")

    # A blank French text is a missing one: back to the English.
    _edit(version, f"{field}_fr", "   ")
    assert has(version, "fr", f"narwhal:{weight}") and not has(version, "fr", "wombat")
    assert stored_documents(version) == generated_documents(version)


@pytest.mark.parametrize(("field", "weight"), [("description", "B"), ("affected_group", "C")])
def test_the_trigger_keeps_a_harms_documents_current(field, weight):
    harm = HarmFactory(**{f"{field}_en": "An axolotl.", f"{field}_fr": ""})
    assert has(harm, "en", f"axolotl:{weight}")
    assert has(harm, "fr", f"axolotl:{weight}")
    assert stored_documents(harm) == generated_documents(harm)

    _edit(harm, f"{field}_en", "A pangolin.")
    assert has(harm, "en", f"pangolin:{weight}") and not has(harm, "en", "axolotl")
    assert has(harm, "fr", f"pangolin:{weight}") and not has(harm, "fr", "axolotl")

    _edit(harm, f"{field}_fr", "Un lamantin.")
    assert has(harm, "fr", f"lamantin:{weight}") and not has(harm, "fr", "pangolin")

    _edit(harm, f"{field}_fr", "")
    assert has(harm, "fr", f"pangolin:{weight}") and not has(harm, "fr", "lamantin")
    assert stored_documents(harm) == generated_documents(harm)


def test_a_save_that_changes_no_text_leaves_the_documents_as_they_were():
    draft = add_parts(DraftVersionFactory(title_fr=""), harms=[("Harm to an axolotl.", "")])
    harm = draft.harms.get()
    before = stored_documents(draft), stored_documents(harm)
    # Submission, sign-offs and publication each update the version's row
    # (status, number, dates) without touching its text.
    version = release(draft)
    assert _row(version, "status") == ("published",)
    assert (stored_documents(version), stored_documents(harm)) == before
    assert stored_documents(version) == generated_documents(version)


def test_a_searched_fields_type_can_change():
    # With 0002's generated columns PostgreSQL refused this ALTER TYPE
    # ("cannot alter type of a column used by a generated column").
    before = published_record(title_en="A quokka before the change")
    old_field = RecordVersion._meta.get_field("title_en")
    name, _path, args, kwargs = old_field.deconstruct()
    longer = models.CharField(*args, **{**kwargs, "max_length": 400})
    longer.set_attributes_from_name(name)
    longer.model = RecordVersion
    _alter(old_field, longer)
    try:
        assert _column_length("title_en") == 400
        after = published_record(title_en="A narwhal after the change")
        assert search.Search("narwhal", "en").matching_ids == [after.pk]
        assert search.Search("quokka", "en").matching_ids == [before.pk]
    finally:
        # The test's transaction is rolled back anyway; leave the schema as
        # the model says all the same.
        _alter(longer, old_field)
    assert _column_length("title_en") == 300


def _alter(old_field, new_field):
    with connection.cursor() as cursor:
        # PostgreSQL refuses to ALTER a table with foreign key checks still
        # pending (Django's are deferred to the commit): run them now.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        with connection.schema_editor() as editor:
            editor.alter_field(RecordVersion, old_field, new_field, strict=True)
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def _column_length(column):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT character_maximum_length FROM information_schema.columns WHERE table_name = %s AND column_name = %s",
            [RecordVersion._meta.db_table, column],
        )
        (length,) = cursor.fetchone()
    return length
