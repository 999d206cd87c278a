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
from incidents.models import (
    Check,
    ChecklistItem,
    Citation,
    Classification,
    Decision,
    EntityResponse,
    EntityRole,
    ExternalId,
    Harm,
    HazardLink,
    Jurisdiction,
    Kind,
    PolicyRecommendation,
    RecommendationAuthority,
    Record,
    RecordVersion,
    RedactionReason,
    Role,
    Severity,
)
from incidents.publishing import workflow
from incidents.publishing.roles import EDITORS, PUBLISHERS, REVIEWERS
from taxonomy.models import HARM_TYPE, SECTOR, Entity, Taxonomy, Term

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
    first, second = ([*list(reviewers), ReviewerFactory(), ReviewerFactory()])[:2]
    workflow.sign_off(version, by=first, check=Check.NEUTRALITY, decision=Decision.APPROVE)
    workflow.sign_off(version, by=second, check=Check.FACTUALITY, decision=Decision.APPROVE)
    version.refresh_from_db()
    return version


def publish(version, publisher=None, note=("Initial publication", "Première publication")):
    return workflow.publish(version, by=publisher or PublisherFactory(), change_note_en=note[0], change_note_fr=note[1])


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


class RecommendationAuthorityFactory(factory.django.DjangoModelFactory):
    """A further authority of a recommendation (of the same version)."""

    class Meta:
        model = RecommendationAuthority

    recommendation = factory.SubFactory(PolicyRecommendationFactory)
    version = factory.SelfAttribute("recommendation.version")
    entity = factory.SubFactory(EntityFactory)


class EntityRoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EntityRole

    version = factory.SubFactory(DraftVersionFactory)
    entity = factory.SubFactory(EntityFactory)
    role = Role.REPORTING_AUTHORITY


class EntityResponseFactory(factory.django.DjangoModelFactory):
    """A response from an entity the version names: its role is created with it
    unless ``role=False`` (an entity the version does not name)."""

    class Meta:
        model = EntityResponse
        skip_postgeneration_save = True

    version = factory.SubFactory(DraftVersionFactory)
    entity = factory.SubFactory(EntityFactory)
    text_en = "We dispute this account and have published our own."
    text_fr = "Nous contestons ce récit et avons publié le nôtre."
    responded_on = datetime.date(2026, 3, 2)
    url = "https://example.org/statement"

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        # ``self`` is the response made (factory_boy passes the instance).
        if create and extracted is not False and not self.version.entity_roles.filter(entity=self.entity).exists():
            EntityRoleFactory(version=self.version, entity=self.entity, role=extracted or Role.DEPLOYER)


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


class ExternalIdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExternalId

    version = factory.SubFactory(DraftVersionFactory)
    database = "aiid"
    value = factory.Sequence(lambda n: str(1000 + n))


def record_of(version) -> Record:
    version.record.refresh_from_db()
    return version.record


class HazardLinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HazardLink

    version = factory.SubFactory(DraftVersionFactory)
    hazard = factory.LazyFunction(lambda: PublishedHazardVersionFactory().record)


class SectorTermFactory(TermFactory):
    taxonomy = factory.SubFactory(TaxonomyFactory, slug=SECTOR, name_en="Sector", name_fr="Secteur", order=1)


def release(version, note=("Initial publication", "Première publication")):
    """Submit, approve and publish a draft through the workflow; the
    published version, refreshed."""
    workflow.submit(version, by=version.created_by)
    return publish(approve(version), note=note)


def full_record(**overrides):
    """A published incident shaped like the seed record: three sources (one
    primary) cited inline, two harms, two recommendations, entities with
    roles, classifications (a sector among them), jurisdictions and a link
    to a published hazard. Published once (v1); revise it for a v2."""
    hazard = PublishedHazardVersionFactory(
        title_en="Deepfake hiring fraud hazard", title_fr="Danger de fraude à l'embauche"
    ).record
    fields = {
        "title_en": "Canadian advisory warned of deepfake IT workers",
        "title_fr": "Un avis canadien met en garde contre des informaticiens hypertrucés",
        "summary_en": "Five agencies warned that operatives use deepfakes to get remote IT jobs [@rcmp-2025].",
        "summary_fr": "Cinq organismes ont averti que des agents utilisent des hypertrucages pour obtenir des emplois [@rcmp-2025].",
        "narrative_en": (
            "On July 16, 2025, five agencies issued a joint advisory [@rcmp-2025; @bnn-2025].\n\n"
            "Microsoft documented the Jasper Sleet cluster [@msft-2025]."
        ),
        "narrative_fr": (
            "Le 16 juillet 2025, cinq organismes ont publié un avis conjoint [@rcmp-2025; @bnn-2025].\n\n"
            "Microsoft a documenté le groupe Jasper Sleet [@msft-2025]."
        ),
        "editorial_assessment_en": "An active threat to remote hiring [@rcmp-2025].",
        "editorial_assessment_fr": "Une menace active pour l'embauche à distance [@rcmp-2025].",
        "assessment_status": "assessed",
        "recommendations_status": "assessed",
        "taxonomy_status": "assessed",
        "ai_system_en": "AI-generated video deepfakes",
        "ai_system_fr": "Hypertrucages vidéo générés par IA",
        "verification_level": 5,
        "first_reported_on": datetime.date(2025, 7, 16),
    }
    fields.update(overrides)
    draft = DraftVersionFactory(**fields)
    rcmp = SourceFactory(title="Advisory: North Korean Information Technology (IT) Workers", language="en")
    bnn = SourceFactory(
        title="Canada warns businesses about North Korean IT workers",
        publisher_en="BNN Bloomberg",
        publisher_fr="BNN Bloomberg",
        source_type="news_report",
    )
    msft = SourceFactory(
        title="Jasper Sleet: North Korean remote IT workers",
        publisher_en="Microsoft Security Blog",
        publisher_fr="Blogue de sécurité de Microsoft",
        source_type="threat_intelligence",
        published_on=datetime.date(2025, 6, 30),
    )
    CitationFactory(
        version=draft,
        source=rcmp,
        key="rcmp-2025",
        label_en="RCMP, 2025",
        label_fr="GRC, 2025",
        is_primary=True,
        order=1,
        corroborates_en="Joint advisory confirming the scheme",
        corroborates_fr="Avis conjoint confirmant le stratagème",
    )
    CitationFactory(
        version=draft,
        source=bnn,
        key="bnn-2025",
        label_en="BNN Bloomberg, 2025",
        label_fr="BNN Bloomberg, 2025",
        order=2,
        corroborates_en="Scope of the advisory",
        corroborates_fr="Portée de l'avis",
    )
    CitationFactory(
        version=draft,
        source=msft,
        key="msft-2025",
        label_en="Microsoft Security Blog, 2025",
        label_fr="Blogue de sécurité de Microsoft, 2025",
        order=3,
        corroborates_en="Jasper Sleet identification",
        corroborates_fr="Identification de Jasper Sleet",
    )
    harm_type = HarmTypeTermFactory(name_en="Fraud", name_fr="Fraude")
    HarmFactory(
        version=draft,
        harm_type=harm_type,
        order=1,
        description_en="Operatives disguise their identities to obtain IT positions.",
        description_fr="Des agents masquent leur identité pour obtenir des postes en TI.",
    )
    HarmFactory(
        version=draft,
        order=2,
        severity=Severity.CRITICAL,
        description_en="Revenue is funnelled to weapons programs.",
        description_fr="Les revenus financent des programmes d'armement.",
        affected_group_en="The public",
        affected_group_fr="Le public",
    )
    authority = EntityFactory(name_en="Royal Canadian Mounted Police", name_fr="Gendarmerie royale du Canada")
    joint = PolicyRecommendationFactory(
        version=draft,
        authority=authority,
        source=rcmp,
        order=1,
        text_en="Verify remote applicants on a live video call.",
        text_fr="Vérifier les candidats à distance lors d'un appel vidéo en direct.",
        attribution_en="Joint advisory (July 16, 2025)",
        attribution_fr="Avis conjoint (16 juillet 2025)",
    )
    RecommendationAuthorityFactory(
        recommendation=joint,
        entity=EntityFactory(name_en="Public Safety Canada", name_fr="Sécurité publique Canada"),
        order=1,
    )
    PolicyRecommendationFactory(
        version=draft,
        authority=authority,
        order=2,
        text_en="Report suspicious payroll transfers to FINTRAC.",
        text_fr="Signaler les virements de paie suspects au CANAFE.",
    )
    EntityRoleFactory(version=draft, entity=authority, role=Role.REPORTING_AUTHORITY, order=1)
    EntityRoleFactory(
        version=draft,
        entity=EntityFactory(name_en="DPRK IT workers", name_fr="Informaticiens de la RPDC"),
        role=Role.THREAT_ACTOR,
        order=2,
    )
    ClassificationFactory(
        version=draft, term=SectorTermFactory(name_en="Information technology", name_fr="Technologies de l'information")
    )
    ClassificationFactory(
        version=draft,
        term=TermFactory(
            taxonomy=TaxonomyFactory(slug="ai-capability", name_en="AI capability", name_fr="Capacité d'IA", order=2),
            name_en="Deepfake video",
            name_fr="Vidéo hypertruquée",
        ),
    )
    JurisdictionFactory(version=draft, country="CA", region_en="Ontario", region_fr="Ontario", order=1)
    JurisdictionFactory(version=draft, country="US", order=2)
    HazardLinkFactory(version=draft, hazard=hazard)
    return release(draft)


def add_parts(version, *, terms=(), entities=(), countries=(), harms=(), sources=(), external_ids=(), responses=()):
    """Give a draft its classifications, entities (as reporting authorities),
    jurisdictions, harms (English descriptions, or (en, fr) pairs), citations
    of ``sources`` (the first one primary), ``external_ids`` ((database,
    identifier) pairs) and ``responses`` ((entity, en, fr): from an entity
    among ``entities``)."""
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
    for database, value in external_ids:
        ExternalIdFactory(version=version, database=database, value=value)
    for entity, en, fr in responses:
        EntityResponseFactory(version=version, entity=entity, text_en=en, text_fr=fr)
    return version


def published_record(
    *,
    kind=Kind.INCIDENT,
    terms=(),
    entities=(),
    countries=(),
    harms=(),
    sources=(),
    external_ids=(),
    responses=(),
    **fields,
):
    """A published record (v1) with the given parts, through the workflow."""
    draft = DraftVersionFactory(kind=kind, **fields)
    add_parts(
        draft,
        terms=terms,
        entities=entities,
        countries=countries,
        harms=harms,
        sources=sources,
        external_ids=external_ids,
        responses=responses,
    )
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


class ChecklistItemFactory(factory.django.DjangoModelFactory):
    """A checklist item; migration 0003 seeds the defaults, these come on top."""

    class Meta:
        model = ChecklistItem

    check_type = Check.NEUTRALITY
    text_en = factory.Sequence(lambda n: f"Checklist question {n} holds.")
    text_fr = factory.Sequence(lambda n: f"La question {n} de la liste est respectée.")
    order = factory.Sequence(lambda n: 100 + n)


def requested_redaction(passage="Jane Roe, 555-0100"):
    """A redaction of ``passage`` requested in a published version that holds it."""
    version = PublishedVersionFactory(narrative_en=f"A caller, {passage}, was named.")
    return workflow.request_redaction(
        version,
        by=PublisherFactory(),
        field="narrative",
        language="en",
        passage=passage,
        reason=RedactionReason.PERSONAL_DATA,
    )


def received_report(*, language="en", links=(), contact_email="", **fields):
    """A report as the public form stores it (intake.triage.submit_report): new."""
    from intake import triage

    values = {"what_happened": "A chatbot told a customer to cancel a valid insurance policy.", **fields}
    return triage.submit_report(language=language, links=list(links), contact_email=contact_email, **values)
