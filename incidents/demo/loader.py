"""
Turns the demo content into rows.

Idempotent: accounts are found by username, taxonomies, terms and entities by
slug, sources by URL (or title and date when they have none), and records by
their demo key, which is kept as the change reason of their first draft's
first history row. Nothing that exists is changed, except the passwords of
demo accounts when asked to reset them.

Every status change goes through ``incidents.publishing.workflow``, with the demo
accounts as actors: editors write, two different reviewers sign off, the
publisher publishes. Every save of content names its author in the history.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password

from core.models import Preference
from evidence.models import Source
from incidents.models import (
    Check,
    Citation,
    Classification,
    Decision,
    EntityResponse,
    EntityRole,
    ExternalId,
    Harm,
    HazardLink,
    Jurisdiction,
    PolicyRecommendation,
    RecommendationAuthority,
    Record,
    RecordVersion,
)
from incidents.publishing import workflow
from incidents.publishing.roles import ensure_role_groups
from taxonomy.models import Entity, Taxonomy, Term, TermMapping

from .accounts import ACCOUNTS, DemoAccount
from .records import RECORDS
from .reference import ENTITIES, SOURCES, TAXONOMIES, SourceSpec, TermSpec
from .specs import Content, DemoRecord, HarmSpec, RecommendationSpec, Revision, Stage
from .text import T

# The change reason of a demo record's first history row: "load_demo:<key>".
DEMO_REASON_PREFIX = "load_demo:"

# Sign-off comments, in the reviewer's own language.
NEUTRALITY_COMMENT = "Affirmations attribuées à leurs sources; ton neutre."
FACTUALITY_COMMENT = "Facts checked against the cited sources."


class DemoError(Exception):
    """The demo cannot be loaded as it stands; the message says why."""


@dataclass
class AccountResult:
    account: DemoAccount
    created: bool
    # What the table shows in the password column.
    password_note: str


@dataclass
class RecordResult:
    spec: DemoRecord
    record: Record
    created: bool


@dataclass
class Report:
    accounts: list[AccountResult] = field(default_factory=list)
    records: list[RecordResult] = field(default_factory=list)
    reference_created: dict[str, int] = field(default_factory=dict)

    @property
    def created_anything(self):
        return (
            any(a.created for a in self.accounts)
            or any(r.created for r in self.records)
            or any(self.reference_created.values())
        )


def find_demo_record(key) -> Record | None:
    """The record that ``load_demo`` created for ``key``, if any."""
    first = (
        RecordVersion.history.filter(history_change_reason=f"{DEMO_REASON_PREFIX}{key}", history_type="+")
        .order_by("history_date")
        .first()
    )
    return Record.objects.filter(pk=first.record_id).first() if first else None


def _save(obj, by):
    obj._history_user = by
    obj.save()
    return obj


def _get_or_create(model, lookup, defaults, by):
    """Like QuerySet.get_or_create, with the author in the history row."""
    existing = model.objects.filter(**lookup).first()
    if existing is not None:
        return existing, False
    return _save(model(**lookup, **defaults), by), True


class DemoLoader:
    def __init__(self, reset_passwords=False):
        self.reset_passwords = reset_passwords
        self.report = Report()
        self.users = {}
        self.terms = {}  # (taxonomy slug, term slug) -> Term
        self.entities = {}  # slug -> Entity
        self.sources = {}  # SourceSpec.key -> Source

    def run(self) -> Report:
        # The groups normally exist after migrate; making sure costs nothing
        # and keeps the demo accounts' permissions right.
        ensure_role_groups()
        self.load_accounts()
        self.load_reference()
        self.load_records()
        return self.report

    # Accounts ----------------------------------------------------------------

    def load_accounts(self):
        user_model = get_user_model()
        for account in ACCOUNTS:
            user, created = user_model.objects.get_or_create(
                username=account.username,
                defaults={
                    "first_name": account.first_name,
                    "last_name": account.last_name,
                    "email": account.email,
                    "is_staff": True,
                    "is_superuser": account.is_superuser,
                },
            )
            if created or self.reset_passwords:
                # The printed password must be one the site would accept.
                validate_password(account.password, user)
                user.set_password(account.password)
                user.save(update_fields=["password"])
                note = account.password
            elif user.check_password(account.password):
                note = account.password
            else:
                note = "(changed since; --reset-passwords sets it again)"
            if created and account.group:
                user.groups.add(Group.objects.get(name=account.group))
            # Created once, never changed: the user may have switched since.
            Preference.objects.get_or_create(user=user, defaults={"language": account.language})
            self.users[account.username] = user
            self.report.accounts.append(AccountResult(account, created, note))

    # Reference data ----------------------------------------------------------

    def _count(self, name, created):
        self.report.reference_created[name] = self.report.reference_created.get(name, 0) + int(created)

    def load_reference(self):
        # Taxonomies are the publishers' to change (incidents.publishing.roles); sources
        # and entities are added by editors as they write.
        curator, writer = self.users["publisher"], self.users["editor1"]
        for position, spec in enumerate(TAXONOMIES):
            taxonomy, created = _get_or_create(
                Taxonomy,
                {"slug": spec.slug},
                {**spec.name.fields("name"), **spec.description.fields("description"), "order": position},
                curator,
            )
            self._count("taxonomies", created)
            self._load_terms(taxonomy, spec.terms, None, curator)
        for spec in ENTITIES:
            entity, created = _get_or_create(
                Entity,
                {"slug": spec.slug},
                {
                    **spec.name.fields("name"),
                    **spec.description.fields("description"),
                    "kind": spec.kind,
                    "url": spec.url,
                },
                writer,
            )
            self._count("entities", created)
            self.entities[spec.slug] = entity
        for spec in SOURCES:
            source, created = self._load_source(spec, writer)
            self._count("sources", created)
            self.sources[spec.key] = source

    def _load_terms(self, taxonomy, specs: tuple[TermSpec, ...], parent, by):
        for position, spec in enumerate(specs):
            term, created = _get_or_create(
                Term,
                {"taxonomy": taxonomy, "slug": spec.slug},
                {
                    "parent": parent,
                    "order": position,
                    **spec.name.fields("name"),
                    **spec.description.fields("description"),
                },
                by,
            )
            self._count("terms", created)
            self.terms[(taxonomy.slug, spec.slug)] = term
            for mapping in spec.mappings:
                _mapping, created = _get_or_create(
                    TermMapping,
                    {"term": term, "scheme": mapping.scheme, "code": mapping.code},
                    {"label": mapping.label},
                    by,
                )
                self._count("term mappings", created)
            self._load_terms(taxonomy, spec.children, term, by)

    def _load_source(self, spec: SourceSpec, by):
        lookup = {"url": spec.url} if spec.url else {"url": "", "title": spec.title, "published_on": spec.published_on}
        defaults = {
            "title": spec.title,
            "authors": spec.authors,
            "published_on": spec.published_on,
            "language": spec.language,
            "source_type": spec.source_type,
            **spec.publisher.fields("publisher"),
        }
        for name in lookup:
            defaults.pop(name, None)
        return _get_or_create(Source, lookup, defaults, by)

    def term(self, taxonomy, slug):
        try:
            return self.terms[(taxonomy, slug)]
        except KeyError:
            raise DemoError(f"Unknown term {taxonomy}/{slug} in the demo records.") from None

    # Records -------------------------------------------------------------------

    def load_records(self):
        missing = [spec for spec in RECORDS if find_demo_record(spec.key) is None]
        if missing and getattr(settings, "DOSSIER_REQUIRE_FRENCH_TO_PUBLISH", False):
            # The demo publishes versions whose French is incomplete on purpose
            # (the seed's v1, a record showing the "not yet translated" marker).
            raise DemoError(
                "DOSSIER_REQUIRE_FRENCH_TO_PUBLISH is on, so the demo's partly translated versions cannot be "
                "published. Unset it to load the demo content."
            )
        for spec in RECORDS:
            record = find_demo_record(spec.key)
            created = record is None
            if created:
                record = self.create_record(spec)
            self.report.records.append(RecordResult(spec, record, created))

    def create_record(self, spec: DemoRecord) -> Record:
        editor = self.users[spec.editor]
        draft = RecordVersion(**self._version_fields(spec.content))
        # The demo key goes into the first history row of the first draft:
        # it finds the record again on the next run, whatever editors do to
        # its content and public id in the meantime.
        draft._change_reason = f"{DEMO_REASON_PREFIX}{spec.key}"
        version = workflow.create_record(kind=spec.kind, by=editor, draft=draft)
        del version._change_reason
        self._add_parts(version, spec.content, editor)
        self._advance(version, spec.stage, editor, spec.change_note, spec.changes_requested)
        record = Record.objects.get(pk=version.record_id)
        for revision in spec.revisions:
            self._revise(record, revision)
        record.refresh_from_db()
        return record

    def _version_fields(self, content: Content):
        fields = {}
        for name in ("title", "summary", "narrative", "editorial_assessment", "ai_system"):
            fields.update(getattr(content, name).fields(name))
        for name in (
            "verification_level",
            "severity",
            "occurred_on",
            "occurred_until",
            "occurrence_precision",
            "first_reported_on",
            "published_elsewhere_on",
            "assessment_status",
            "recommendations_status",
            "taxonomy_status",
        ):
            fields[name] = getattr(content, name)
        return fields

    def _add_parts(self, version, content: Content, by):
        for order, harm in enumerate(content.harms):
            self._add_harm(version, harm, order, by)
        for order, citation in enumerate(content.citations):
            _save(
                Citation(
                    version=version,
                    order=order,
                    source=self.sources[citation.source],
                    key=citation.key,
                    is_primary=citation.is_primary,
                    **citation.label.fields("label"),
                    **citation.corroborates.fields("corroborates"),
                ),
                by,
            )
        for order, recommendation in enumerate(content.recommendations):
            part = PolicyRecommendation(version=version, order=order)
            self._fill_recommendation(part, recommendation)
            _save(part, by)
            self._set_further_authorities(part, recommendation, by)
        for order, involved in enumerate(content.entities):
            _save(
                EntityRole(
                    version=version,
                    order=order,
                    entity=self.entities[involved.entity],
                    role=involved.role,
                    **involved.note.fields("note"),
                ),
                by,
            )
        # After the roles: only an entity the version names may respond.
        for order, response in enumerate(content.responses):
            _save(
                EntityResponse(
                    version=version,
                    order=order,
                    entity=self.entities[response.entity],
                    responded_on=response.responded_on,
                    url=response.url,
                    **response.text.fields("text"),
                ),
                by,
            )
        for order, (taxonomy, slug) in enumerate(content.classifications):
            _save(Classification(version=version, order=order, term=self.term(taxonomy, slug)), by)
        for order, place in enumerate(content.jurisdictions):
            _save(
                Jurisdiction(version=version, order=order, country=place.country, **place.region.fields("region")), by
            )
        for order, key in enumerate(content.materialized_from):
            hazard = find_demo_record(key)
            if hazard is None:
                raise DemoError(f"The hazard “{key}” must come before the records that materialized from it.")
            _save(HazardLink(version=version, order=order, hazard=hazard), by)
        for order, (database, value, *link) in enumerate(content.external_ids):
            _save(ExternalId(version=version, order=order, database=database, value=value, url="".join(link)), by)

    def _add_harm(self, version, harm: HarmSpec, order, by):
        _save(
            Harm(
                version=version,
                order=order,
                harm_type=self.term("harm-type", harm.harm_type),
                severity=harm.severity,
                **harm.description.fields("description"),
                **harm.affected_group.fields("affected_group"),
            ),
            by,
        )

    def _fill_recommendation(self, part, spec: RecommendationSpec):
        part.authority = self.entities[spec.authority] if spec.authority else None
        part.source = self.sources[spec.source] if spec.source else None
        part.status = spec.status
        for name, text in spec.text.fields("text").items():
            setattr(part, name, text)
        for name, text in spec.attribution.fields("attribution").items():
            setattr(part, name, text)

    def _set_further_authorities(self, part, spec: RecommendationSpec, by):
        """The recommendation's further authorities, as ``spec`` lists them
        (a revision's copy starts with the live version's)."""
        existing = list(part.further_authorities.order_by("order", "id"))
        if [row.entity.slug for row in existing] == list(spec.further_authorities):
            return
        for row in existing:
            row._history_user = by
            row.delete()
        for order, slug in enumerate(spec.further_authorities):
            _save(
                RecommendationAuthority(
                    version=part.version, recommendation=part, entity=self.entities[slug], order=order
                ),
                by,
            )

    def _revise(self, record, revision: Revision):
        editor = self.users[revision.editor]
        draft = workflow.start_revision(record, by=editor)
        if revision.text_changes or revision.published_elsewhere_on:
            for name, text in revision.text_changes.items():
                setattr(draft, name, text)
            draft.published_elsewhere_on = revision.published_elsewhere_on
            _save(draft, editor)
        if revision.recommendations is not None:
            parts = list(draft.recommendations.order_by("order", "id"))
            if len(parts) != len(revision.recommendations):
                raise DemoError(f"{record}: a revision must edit each of the {len(parts)} recommendations in order.")
            for part, spec in zip(parts, revision.recommendations, strict=True):
                self._fill_recommendation(part, spec)
                _save(part, editor)
                self._set_further_authorities(part, spec, editor)
        start = draft.harms.count()
        for offset, harm in enumerate(revision.added_harms):
            self._add_harm(draft, harm, start + offset, editor)
        self._advance(draft, revision.stage, editor, revision.change_note, "")

    def _advance(self, version, stage: Stage, editor, change_note: T, changes_requested: str):
        """Take a version from draft as far as ``stage``, through the workflow."""
        if stage == Stage.DRAFT:
            return
        workflow.submit(version, by=editor)
        if stage == Stage.IN_REVIEW:
            return
        # Two different reviewers, neither of whom wrote the version.
        first, second = self.users["reviewer1"], self.users["reviewer2"]
        workflow.sign_off(
            version, by=first, check=Check.NEUTRALITY, decision=Decision.APPROVE, comment=NEUTRALITY_COMMENT
        )
        if stage == Stage.ONE_SIGN_OFF:
            return
        if stage == Stage.CHANGES_REQUESTED:
            workflow.request_changes(version, by=second, check=Check.FACTUALITY, comment=changes_requested)
            return
        workflow.sign_off(
            version, by=second, check=Check.FACTUALITY, decision=Decision.APPROVE, comment=FACTUALITY_COMMENT
        )
        if stage == Stage.APPROVED:
            return
        workflow.publish(
            version, by=self.users["publisher"], change_note_en=change_note.en, change_note_fr=change_note.fr
        )
