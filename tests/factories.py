"""
Test data, named by state: ``DraftVersionFactory`` makes a draft,
``PublishedVersionFactory`` a version that went through the whole workflow.

Versions past the draft state are made by calling the workflow functions,
never by setting ``status``: tests then exercise the same paths as users.
"""

import datetime

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from evidence.models import Source, SourceType
from incidents import workflow
from incidents.models import (
    Check,
    Citation,
    Classification,
    Decision,
    EntityRole,
    Harm,
    Jurisdiction,
    Kind,
    PolicyRecommendation,
    Record,
    RecordVersion,
    Role,
    Severity,
)
from incidents.roles import EDITORS, PUBLISHERS, REVIEWERS
from taxonomy.models import HARM_TYPE, Entity, Taxonomy, Term

PASSWORD = "correct horse battery staple"


def _in_groups(*names):
    @factory.post_generation
    def groups(user, create, extracted, **kwargs):
        if create:
            user.groups.add(*Group.objects.filter(name__in=extracted or names))

    return groups


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    is_staff = True
    password = factory.django.Password(PASSWORD)
    groups = _in_groups()


class EditorFactory(UserFactory):
    username = factory.Sequence(lambda n: f"editor{n}")
    groups = _in_groups(EDITORS)


class ReviewerFactory(UserFactory):
    username = factory.Sequence(lambda n: f"reviewer{n}")
    groups = _in_groups(REVIEWERS)


class PublisherFactory(UserFactory):
    username = factory.Sequence(lambda n: f"publisher{n}")
    groups = _in_groups(PUBLISHERS)


class SuperuserFactory(UserFactory):
    username = factory.Sequence(lambda n: f"admin{n}")
    is_superuser = True


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source

    title = factory.Sequence(lambda n: f"Advisory number {n}")
    publisher_en = "Royal Canadian Mounted Police"
    publisher_fr = "Gendarmerie royale du Canada"
    published_on = datetime.date(2025, 7, 16)
    url = factory.Sequence(lambda n: f"https://example.org/advisories/{n}")
    language = "en"
    source_type = SourceType.GOVERNMENT_ADVISORY


class EntityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Entity

    slug = factory.Sequence(lambda n: f"entity-{n}")
    name_en = factory.Sequence(lambda n: f"Entity {n}")
    name_fr = factory.Sequence(lambda n: f"Entité {n}")


class TaxonomyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Taxonomy
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"taxonomy-{n}")
    name_en = factory.Sequence(lambda n: f"Taxonomy {n}")
    name_fr = factory.Sequence(lambda n: f"Taxonomie {n}")


class TermFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Term

    taxonomy = factory.SubFactory(TaxonomyFactory)
    slug = factory.Sequence(lambda n: f"term-{n}")
    name_en = factory.Sequence(lambda n: f"Term {n}")
    name_fr = factory.Sequence(lambda n: f"Terme {n}")


class HarmTypeTermFactory(TermFactory):
    taxonomy = factory.SubFactory(TaxonomyFactory, slug=HARM_TYPE, name_en="Harm type", name_fr="Type de préjudice")


class DraftVersionFactory(factory.django.DjangoModelFactory):
    """A record's first draft, created through workflow.create_record()."""

    class Meta:
        model = RecordVersion

    kind = Kind.INCIDENT
    created_by = factory.SubFactory(EditorFactory)
    title_en = factory.Sequence(lambda n: f"Deepfake job applicants number {n}")
    title_fr = factory.Sequence(lambda n: f"Candidats hypertrucés numéro {n}")
    summary_en = "Operatives used AI-generated video to pass remote job interviews."
    summary_fr = "Des agents ont utilisé des vidéos générées par IA pour réussir des entrevues à distance."
    narrative_en = "An advisory described the scheme."
    narrative_fr = "Un avis a décrit le stratagème."
    occurred_on = datetime.date(2025, 7, 16)
    first_reported_on = datetime.date(2025, 7, 16)
    severity = Severity.HIGH

    @classmethod
    def _build(cls, model_class, *args, **kwargs):
        kwargs.pop("kind")
        return model_class(*args, **kwargs)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        kind = kwargs.pop("kind")
        created_by = kwargs.pop("created_by")
        draft = model_class(**kwargs)
        return workflow.create_record(kind=kind, by=created_by, draft=draft)


class HazardDraftVersionFactory(DraftVersionFactory):
    kind = Kind.HAZARD


class InReviewVersionFactory(DraftVersionFactory):
    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        draft = super()._create(model_class, *args, **kwargs)
        return workflow.submit(draft, by=draft.created_by)


def approve(version, *reviewers):
    """Both sign-offs, by two reviewers (made here unless given)."""
    first, second = (list(reviewers) + [ReviewerFactory(), ReviewerFactory()])[:2]
    workflow.sign_off(version, by=first, check=Check.NEUTRALITY, decision=Decision.APPROVE)
    workflow.sign_off(version, by=second, check=Check.FACTUALITY, decision=Decision.APPROVE)
    version.refresh_from_db()
    return version


def publish(version, publisher=None, note=("Initial publication", "Première publication")):
    return workflow.publish(
        version, by=publisher or PublisherFactory(), change_note_en=note[0], change_note_fr=note[1]
    )


class ApprovedVersionFactory(InReviewVersionFactory):
    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return approve(super()._create(model_class, *args, **kwargs))


class PublishedVersionFactory(ApprovedVersionFactory):
    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return publish(super()._create(model_class, *args, **kwargs))


class PublishedHazardVersionFactory(PublishedVersionFactory):
    kind = Kind.HAZARD


def revise(record, editor=None):
    """A new draft of a published record, as workflow.start_revision makes it."""
    return workflow.start_revision(record, by=editor or EditorFactory())


class HarmFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Harm

    version = factory.SubFactory(DraftVersionFactory)
    description_en = "Companies unknowingly hired operatives who could plant backdoors."
    description_fr = "Des entreprises ont embauché à leur insu des agents pouvant installer des portes dérobées."
    severity = Severity.HIGH
    affected_group_en = "Employers hiring remote IT workers"
    affected_group_fr = "Employeurs qui recrutent des informaticiens à distance"


class CitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Citation

    version = factory.SubFactory(DraftVersionFactory)
    source = factory.SubFactory(SourceFactory)
    key = factory.Sequence(lambda n: f"source-{n}")
    label_en = factory.Sequence(lambda n: f"Source {n}, 2025")
    label_fr = factory.Sequence(lambda n: f"Source {n}, 2025")
    corroborates_en = "The advisory's date and its five issuing agencies."
    corroborates_fr = "La date de l'avis et les cinq organismes qui l'ont publié."


class PolicyRecommendationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PolicyRecommendation

    version = factory.SubFactory(DraftVersionFactory)
    text_en = "Verify the identity of remote applicants on a live video call."
    text_fr = "Vérifier l'identité des candidats à distance lors d'un appel vidéo en direct."
    authority = factory.SubFactory(EntityFactory)


class EntityRoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EntityRole

    version = factory.SubFactory(DraftVersionFactory)
    entity = factory.SubFactory(EntityFactory)
    role = Role.REPORTING_AUTHORITY


class ClassificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Classification

    version = factory.SubFactory(DraftVersionFactory)
    term = factory.SubFactory(TermFactory)


class JurisdictionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Jurisdiction

    version = factory.SubFactory(DraftVersionFactory)
    country = "CA"


def record_of(version) -> Record:
    version.record.refresh_from_db()
    return version.record


def add_parts(version, *, terms=(), entities=(), countries=(), harms=(), sources=()):
    """Give a draft its classifications, entities (as reporting authorities),
    jurisdictions, harms (English descriptions, or (en, fr) pairs) and
    citations of ``sources`` (the first one primary)."""
    for position, source in enumerate(sources):
        CitationFactory(version=version, source=source, is_primary=position == 0, order=position)
    for term in terms:
        ClassificationFactory(version=version, term=term)
    for entity in entities:
        EntityRoleFactory(version=version, entity=entity)
    for country in countries:
        JurisdictionFactory(version=version, country=country)
    for harm in harms:
        en, fr = harm if isinstance(harm, tuple) else (harm, "")
        HarmFactory(version=version, description_en=en, description_fr=fr)
    return version


def published_record(*, kind=Kind.INCIDENT, terms=(), entities=(), countries=(), harms=(), sources=(), **fields):
    """A published record (v1) with the given parts, through the workflow."""
    draft = DraftVersionFactory(kind=kind, **fields)
    add_parts(draft, terms=terms, entities=entities, countries=countries, harms=harms, sources=sources)
    workflow.submit(draft, by=draft.created_by)
    return publish(approve(draft))


def publish_revision(record, **fields):
    """Revise a published record, change ``fields``, and publish the new version."""
    draft = revise(record)
    for name, value in fields.items():
        setattr(draft, name, value)
    draft.save()
    workflow.submit(draft, by=draft.created_by)
    return publish(approve(draft), note=("Corrected the summary", "Résumé corrigé"))
