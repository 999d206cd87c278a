"""Every database constraint, proved by a write the database refuses."""

import datetime
from pathlib import Path

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import CheckConstraint, Field, UniqueConstraint

from core.models import Preference
from incidents.models import (
    Check,
    ChecklistItem,
    Citation,
    Classification,
    DatePrecision,
    Decision,
    EntityResponse,
    EntityRole,
    ExternalId,
    HazardLink,
    ListEntry,
    PolicyRecommendation,
    RecommendationAuthority,
    Record,
    RecordVersion,
    RedactionStatus,
    RelatedRecord,
    Role,
    SignOff,
    SignOffAnswer,
    Status,
)
from taxonomy.models import Entity, Taxonomy, Term, TermMapping
from tests.factories import (
    CitationFactory,
    DraftVersionFactory,
    EntityFactory,
    EntityResponseFactory,
    HazardDraftVersionFactory,
    InReviewVersionFactory,
    PolicyRecommendationFactory,
    PublishedVersionFactory,
    ReviewerFactory,
    SourceFactory,
    TermFactory,
    requested_redaction,
    revise,
)

pytestmark = pytest.mark.django_db


def refused(constraint, write):
    """Run ``write`` and check that the database refuses it, and that the
    refusal comes from ``constraint``, not from any other rule.

    ``constraint`` is the name of a constraint in a model's Meta.constraints,
    or a field declared ``unique=True`` (its constraint's name is the
    database's choice).

    PostgreSQL names the constraint. SQLite names a CHECK constraint, but a
    UNIQUE one only by its columns ("UNIQUE constraint failed: table.a,
    table.b"): two constraints on the same columns (a record's published and
    open versions) are told apart on PostgreSQL only.
    """
    model, expected, columns = _constraint(constraint)
    with pytest.raises(IntegrityError) as caught, transaction.atomic():
        write()
    error = caught.value
    table = model._meta.db_table
    if connection.vendor == "postgresql":
        name = error.__cause__.diag.constraint_name
        if isinstance(constraint, str):
            assert name == constraint, error
        else:
            with connection.cursor() as cursor:
                found = connection.introspection.get_constraints(cursor, table).get(name)
            assert found and found["unique"] and found["columns"] == columns, error
    elif connection.vendor == "sqlite":
        if isinstance(expected, CheckConstraint):
            assert str(error) == f"CHECK constraint failed: {constraint}"
        else:
            assert str(error) == "UNIQUE constraint failed: " + ", ".join(f"{table}.{column}" for column in columns)
    else:
        pytest.fail(f"refused() cannot tell which constraint {connection.vendor} applied")


def _constraint(constraint):
    """The model, the constraint (None for a unique field) and the columns it
    makes unique (None for a check)."""
    if isinstance(constraint, Field):
        assert constraint.unique and not constraint.primary_key, constraint
        return constraint.model, None, [constraint.column]
    found = [
        (model, declared)
        for model in apps.get_models()
        for declared in model._meta.constraints
        if declared.name == constraint
    ]
    assert len(found) == 1, f"no model declares a constraint named {constraint!r}"
    model, declared = found[0]
    if isinstance(declared, UniqueConstraint):
        return model, declared, [model._meta.get_field(name).column for name in declared.fields]
    return model, declared, None


def force_status(version, status, **fields):
    """Bypass the workflow on purpose: only the database stands in the way."""
    RecordVersion.objects.filter(pk=version.pk).update(status=status, **fields)


def test_record_numbers_are_unique_per_kind():
    version = DraftVersionFactory()
    refused(
        "unique_record_number_per_kind",
        lambda: Record.objects.create(kind=version.record.kind, number=version.record.number, public_id="INC-9999"),
    )


def test_public_ids_are_unique():
    version = DraftVersionFactory()
    refused(
        Record._meta.get_field("public_id"),
        lambda: Record.objects.create(kind="hazard", number=77, public_id=version.record.public_id),
    )


def test_a_record_that_was_never_published_cannot_be_withdrawn():
    record = DraftVersionFactory().record
    record.withdrawn_at = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    refused("withdrawn_record_was_published", record.save)


NOW = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)


def test_a_merged_record_has_its_date_and_was_published():
    original = PublishedVersionFactory().record
    draft_only = DraftVersionFactory().record
    draft_only.merged_into, draft_only.merged_at = original, NOW
    refused("merged_record_has_date_and_was_published", draft_only.save)
    undated = PublishedVersionFactory().record
    undated.merged_into = original
    refused("merged_record_has_date_and_was_published", undated.save)


def test_a_record_is_never_merged_into_itself():
    record = PublishedVersionFactory().record
    record.merged_into, record.merged_at = record, NOW
    refused("record_not_merged_into_itself", record.save)


def test_a_record_is_never_both_merged_and_withdrawn():
    original = PublishedVersionFactory().record
    record = PublishedVersionFactory().record
    record.merged_into, record.merged_at, record.withdrawn_at = original, NOW, NOW
    refused("record_not_both_merged_and_withdrawn", record.save)


def test_related_records_are_other_records_each_once_in_five_ranks():
    record, other, third = (PublishedVersionFactory().record for _ in range(3))
    RelatedRecord.objects.create(record=record, related=other, rank=1, score=3)
    refused(
        "unique_related_record",
        lambda: RelatedRecord.objects.create(record=record, related=other, rank=2, score=3),
    )
    refused(
        "unique_related_record_rank",
        lambda: RelatedRecord.objects.create(record=record, related=third, rank=1, score=3),
    )
    refused(
        "record_not_related_to_itself",
        lambda: RelatedRecord.objects.create(record=record, related=record, rank=2, score=3),
    )
    refused(
        "at_most_five_related_records",
        lambda: RelatedRecord.objects.create(record=record, related=third, rank=6, score=3),
    )


def test_database_refuses_a_second_published_version():
    live = PublishedVersionFactory()
    draft = revise(live.record)
    refused(
        "one_published_version_per_record",
        lambda: force_status(draft, Status.PUBLISHED, number=2, published_at=live.published_at),
    )


def test_database_refuses_a_second_open_version():
    live = PublishedVersionFactory()
    revise(live.record)
    refused(
        "one_open_version_per_record",
        lambda: RecordVersion.objects.create(record=live.record, title_en="x", summary_en="x", narrative_en="x"),
    )


@pytest.mark.parametrize("status", [Status.DRAFT, Status.IN_REVIEW, Status.CHANGES_REQUESTED, Status.APPROVED])
def test_every_unpublished_status_counts_as_open(status):
    draft = DraftVersionFactory()
    force_status(draft, status)
    refused(
        "one_open_version_per_record",
        lambda: RecordVersion.objects.create(record=draft.record, title_en="x", summary_en="x", narrative_en="x"),
    )


def test_version_numbers_are_unique_per_record():
    live = PublishedVersionFactory()
    draft = revise(live.record)
    force_status(live, Status.SUPERSEDED)
    refused(
        "unique_version_number_per_record",
        lambda: force_status(draft, Status.PUBLISHED, number=1, published_at=live.published_at),
    )


def test_same_version_number_is_fine_on_another_record():
    first, second = PublishedVersionFactory(), PublishedVersionFactory()
    assert first.number == second.number == 1


def test_a_draft_cannot_carry_a_version_number():
    draft = DraftVersionFactory()
    refused("version_number_iff_published", lambda: force_status(draft, Status.DRAFT, number=3))


def test_a_published_version_must_carry_a_number_and_date():
    draft = DraftVersionFactory()
    refused("version_number_iff_published", lambda: force_status(draft, Status.PUBLISHED))


def test_occurrence_range_cannot_end_before_it_starts():
    draft = DraftVersionFactory()
    refused(
        "occurrence_range_ends_after_it_starts",
        lambda: force_status(
            draft,
            Status.DRAFT,
            occurrence_precision=DatePrecision.RANGE,
            occurred_on=datetime.date(2025, 7, 16),
            occurred_until=datetime.date(2025, 7, 1),
        ),
    )


def test_end_date_only_with_range_precision():
    draft = DraftVersionFactory()
    refused(
        "occurrence_range_iff_range_precision",
        lambda: force_status(draft, Status.DRAFT, occurred_until=datetime.date(2025, 8, 1)),
    )


def test_citation_keys_are_unique_per_version():
    citation = CitationFactory(key="rcmp-2025")
    refused("unique_citation_key_per_version", lambda: CitationFactory(version=citation.version, key="rcmp-2025"))


def test_a_source_is_cited_once_per_version():
    citation = CitationFactory()
    refused("unique_source_per_version", lambda: CitationFactory(version=citation.version, source=citation.source))


def test_only_one_primary_source_per_version():
    citation = CitationFactory(is_primary=True)
    refused("one_primary_source_per_version", lambda: CitationFactory(version=citation.version, is_primary=True))


def test_several_non_primary_sources_are_fine():
    citation = CitationFactory()
    CitationFactory(version=citation.version)
    assert Citation.objects.filter(version=citation.version).count() == 2


def test_recommendation_must_be_attributed():
    draft = DraftVersionFactory()
    refused(
        "recommendation_is_attributed",
        lambda: PolicyRecommendation.objects.create(version=draft, text_en="Do something."),
    )


def test_recommendation_attributed_to_a_source_alone_is_fine():
    draft = DraftVersionFactory()
    PolicyRecommendation.objects.create(version=draft, text_en="Do something.", source=SourceFactory())


def test_entity_role_is_unique_per_version():
    draft, entity = DraftVersionFactory(), EntityFactory()
    EntityRole.objects.create(version=draft, entity=entity, role=Role.DEPLOYER)
    EntityRole.objects.create(version=draft, entity=entity, role=Role.DEVELOPER)
    refused(
        "unique_entity_role_per_version",
        lambda: EntityRole.objects.create(version=draft, entity=entity, role=Role.DEPLOYER),
    )


def test_an_external_id_is_given_once_per_version():
    draft = DraftVersionFactory()
    ExternalId.objects.create(version=draft, database="aiid", value="639")
    ExternalId.objects.create(version=draft, database="oecd_aim", value="639")
    refused(
        "unique_external_id_per_version",
        lambda: ExternalId.objects.create(version=draft, database="aiid", value="639"),
    )


def test_an_authority_is_credited_once_per_recommendation():
    recommendation = PolicyRecommendationFactory()
    entity = EntityFactory()
    RecommendationAuthority.objects.create(version=recommendation.version, recommendation=recommendation, entity=entity)
    refused(
        "unique_authority_per_recommendation",
        lambda: RecommendationAuthority.objects.create(
            version=recommendation.version, recommendation=recommendation, entity=entity
        ),
    )


def test_an_entity_responds_once_a_day_per_version():
    first = EntityResponseFactory()
    refused(
        "unique_entity_response_per_day",
        lambda: EntityResponse.objects.create(
            version=first.version, entity=first.entity, text_en="Again.", responded_on=first.responded_on
        ),
    )


def test_a_further_authority_credits_a_recommendation_of_its_own_version():
    recommendation = PolicyRecommendationFactory()
    stray = RecommendationAuthority(
        version=DraftVersionFactory(), recommendation=recommendation, entity=EntityFactory()
    )
    with pytest.raises(ValidationError) as refusal:
        stray.full_clean()
    assert "recommendation" in refusal.value.message_dict
    repeated = RecommendationAuthority(
        version=recommendation.version, recommendation=recommendation, entity=recommendation.authority
    )
    with pytest.raises(ValidationError) as refusal:
        repeated.full_clean()
    assert "entity" in refusal.value.message_dict


def test_term_is_assigned_once_per_version():
    draft, term = DraftVersionFactory(), TermFactory()
    Classification.objects.create(version=draft, term=term)
    refused("unique_term_per_version", lambda: Classification.objects.create(version=draft, term=term))


def test_one_active_sign_off_per_check():
    version = InReviewVersionFactory()
    reviewer = ReviewerFactory()
    SignOff.objects.create(version=version, check_type=Check.NEUTRALITY, decision=Decision.APPROVE, reviewer=reviewer)
    refused(
        "one_active_sign_off_per_check",
        lambda: SignOff.objects.create(
            version=version, check_type=Check.NEUTRALITY, decision=Decision.APPROVE, reviewer=ReviewerFactory()
        ),
    )


def test_voided_sign_offs_do_not_block_a_new_one():
    version = InReviewVersionFactory()
    reviewer = ReviewerFactory()
    SignOff.objects.create(
        version=version,
        check_type=Check.NEUTRALITY,
        decision=Decision.APPROVE,
        reviewer=reviewer,
        voided_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC),
    )
    SignOff.objects.create(version=version, check_type=Check.NEUTRALITY, decision=Decision.APPROVE, reviewer=reviewer)


def test_taxonomy_slugs_are_unique():
    Taxonomy.objects.create(slug="sector", name_en="Sector")
    refused(Taxonomy._meta.get_field("slug"), lambda: Taxonomy.objects.create(slug="sector", name_en="Other sector"))


def test_term_slugs_are_unique_within_a_taxonomy_only():
    term = TermFactory(slug="finance")
    TermFactory(slug="finance")  # another taxonomy
    refused(
        "unique_term_slug_per_taxonomy",
        lambda: Term.objects.create(taxonomy=term.taxonomy, slug="finance", name_en="Finance"),
    )


def test_a_term_cannot_be_its_own_parent():
    term = TermFactory()
    term.parent_id = term.pk
    refused("term_not_its_own_parent", term.save)


def test_entity_slugs_are_unique():
    EntityFactory(slug="rcmp")
    refused(Entity._meta.get_field("slug"), lambda: Entity.objects.create(slug="rcmp", name_en="RCMP again"))


def test_external_mapping_is_unique_per_term():
    term = TermFactory()
    TermMapping.objects.create(term=term, scheme="mit", code="4.3")
    refused("unique_mapping_per_term", lambda: TermMapping.objects.create(term=term, scheme="mit", code="4.3"))


def test_record_details_clean_explains_a_backwards_range():
    from django.core.exceptions import ValidationError

    version = RecordVersion(
        occurrence_precision=DatePrecision.RANGE,
        occurred_on=datetime.date(2025, 7, 16),
        occurred_until=datetime.date(2025, 7, 1),
    )
    with pytest.raises(ValidationError) as error:
        version.clean()
    assert "occurred_until" in error.value.message_dict


def test_nested_term_must_stay_in_its_taxonomy():
    from django.core.exceptions import ValidationError

    parent = TermFactory()
    child = TermFactory(parent=None)
    child.parent = parent
    with pytest.raises(ValidationError):
        child.clean()


def test_term_cycle_is_refused_by_clean():
    from django.core.exceptions import ValidationError

    top = TermFactory()
    middle = TermFactory(taxonomy=top.taxonomy, parent=top)
    top.parent = middle
    with pytest.raises(ValidationError):
        top.clean()


def test_a_hazard_is_linked_once_per_version():
    draft, hazard = DraftVersionFactory(), HazardDraftVersionFactory().record
    HazardLink.objects.create(version=draft, hazard=hazard)
    refused("unique_hazard_link_per_version", lambda: HazardLink.objects.create(version=draft, hazard=hazard))


def test_only_incidents_materialize_and_only_from_hazards():
    from django.core.exceptions import ValidationError

    incident, hazard = DraftVersionFactory(), HazardDraftVersionFactory()
    with pytest.raises(ValidationError):
        HazardLink(version=incident, hazard=DraftVersionFactory().record).clean()
    with pytest.raises(ValidationError):
        HazardLink(version=hazard, hazard=HazardDraftVersionFactory().record).clean()
    HazardLink(version=incident, hazard=hazard.record).clean()


def test_a_checklist_item_is_answered_once_per_sign_off():
    version = InReviewVersionFactory()
    sign_off = SignOff.objects.create(
        version=version, check_type=Check.NEUTRALITY, decision=Decision.APPROVE, reviewer=ReviewerFactory()
    )
    item = ChecklistItem.objects.filter(check_type=Check.NEUTRALITY).first()
    answer = {"sign_off": sign_off, "item": item, "item_text": item.text_en, "item_language": "en", "ticked": True}
    SignOffAnswer.objects.create(**answer)
    refused("one_answer_per_item_per_sign_off", lambda: SignOffAnswer.objects.create(**answer))


def test_two_records_cannot_share_a_live_version():
    live = PublishedVersionFactory()
    other = DraftVersionFactory().record
    # Bypass the workflow on purpose: only the database stands in the way.
    refused(
        Record._meta.get_field("live_version"),
        lambda: Record.objects.filter(pk=other.pk).update(live_version=live),
    )


def test_a_record_has_one_entry_in_the_public_list():
    live = PublishedVersionFactory()
    (entry,) = ListEntry.objects.filter(record=live.record)
    refused(
        ListEntry._meta.get_field("record"),
        lambda: ListEntry.objects.create(
            record=live.record,
            version=revise(live.record),
            kind=entry.kind,
            severity=entry.severity,
            verification_level=entry.verification_level,
            published_at=entry.published_at,
            first_published_at=entry.first_published_at,
        ),
    )


def test_a_user_has_one_preference():
    user = ReviewerFactory()
    Preference.objects.create(user=user, language="fr")
    refused(Preference._meta.get_field("user"), lambda: Preference.objects.create(user=user, language="en"))


def test_a_redaction_is_decided_by_a_second_person():
    redaction = requested_redaction()
    redaction.decided_by = redaction.requested_by
    refused("redaction_decided_by_a_second_person", redaction.save)


def test_a_decided_redaction_keeps_no_passage():
    redaction = requested_redaction()
    redaction.status = RedactionStatus.DECLINED
    refused("decided_redaction_keeps_no_passage", redaction.save)


def test_every_constraint_of_ours_is_proved_here():
    """A new constraint or unique field comes with its test in this file."""
    source = Path(__file__).read_text()
    untested = []
    for label in ("core", "evidence", "taxonomy", "incidents"):
        for model in apps.get_app_config(label).get_models():
            if model.__name__.startswith("Historical"):
                continue
            for constraint in model._meta.constraints:
                if f'"{constraint.name}"' not in source:
                    untested.append(constraint.name)
            for field in model._meta.local_fields:
                reference = f'{model.__name__}._meta.get_field("{field.name}")'
                if field.unique and not field.primary_key and reference not in source:
                    untested.append(f"{model.__name__}.{field.name}")
    assert untested == []
