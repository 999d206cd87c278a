"""
The workflow: the only code that changes a version's status or a record's
live pointer.

Each transition is a small function that runs in one transaction, takes the
acting user as ``by=``, asks ``incidents.rules`` whether the user may make it
now (the same rules the admin reads to show its buttons), does its work, and
writes a ``WorkflowEvent`` (who, when, from → to, comment). Admin actions,
views, management commands and tests all call these functions; a forged
request fails here exactly as a hidden button would.

    create_record ─▶ draft ──submit──▶ in_review ──sign_off ×2──▶ approved ──publish──▶ published
                       ▲                 │  │                        │                      │
                       └─return_to_draft─┘  └─request changes─▶ changes_requested           ▼
                       (sign-offs voided)       (sign-offs voided) ──submit──▶ in_review  superseded
"""

import hashlib
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connections, models, router, transaction
from django.db.models import Q
from django.tasks import task
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from core.i18n import current_language, localized
from core.logging import security_event
from incidents import pins, related, rules
from incidents.models import (
    PUBLIC_ID_PREFIX,
    PUBLIC_STATUSES,
    ROUND_STARTS,
    VERSION_PART_MODELS,
    WORKFLOW_CHANGE_REASON,
    Action,
    Check,
    ChecklistItem,
    Decision,
    HazardLink,
    Kind,
    PublicIdCounter,
    Record,
    RecordVersion,
    Redaction,
    RedactionReason,
    RedactionStatus,
    RelatedRecord,
    SignOff,
    SignOffAnswer,
    Status,
    WorkflowEvent,
    pinned_references,
)
from incidents.public.feeds import feed_keys
from incidents.public.page_cache import page_keys
from incidents.public.record_page import render_cache_key
from taxonomy.models import Term

from . import notifications


class WorkflowError(ValidationError):
    """A transition that the version's current state does not allow.

    A ValidationError, so forms and the admin show its message to the user.
    """


def _enforce(refusal):
    """Raise what ``incidents.rules`` refused: PermissionDenied when the user
    lacks the role, WorkflowError when the state does not allow it now."""
    if refusal is None:
        return
    if refusal.forbidden:
        raise PermissionDenied(refusal.message)
    raise WorkflowError(list(refusal.messages))


def _lock(version):
    """Re-read the version under a row lock, so two people acting at once
    cannot both pass the same state check."""
    return RecordVersion.objects.select_for_update().select_related("record").get(pk=version.pk)


def _log(record, version, action, by, from_status="", to_status="", comment="", redaction=None):
    """Write the WorkflowEvent of a transition, and its line in the security
    log once the transaction commits (a rolled-back transition logs nothing).

    The line holds ids, names and states, never the comment; for a redaction,
    its id, reason and the passage's hash, never the passage
    (docs/architecture.md, "Redaction").
    """
    event = WorkflowEvent.objects.create(
        record=record,
        version=version,
        action=action,
        from_status=from_status,
        to_status=to_status,
        actor=by,
        comment=comment,
    )
    fields = {
        "event_id": event.pk,
        "action": str(action),
        "actor": by.get_username() if by is not None else None,
        "actor_id": by.pk if by is not None else None,
        "record": record.public_id,
        "version_id": version.pk if version is not None else None,
        "version_number": version.number if version is not None else None,
        "from": str(from_status) or None,
        "to": str(to_status) or None,
    }
    if redaction is not None:
        fields |= {"redaction_id": redaction.pk, "reason": redaction.reason, "passage_sha256": redaction.passage_hash}
    transaction.on_commit(lambda: security_event("workflow", **fields))
    return event


def _save_workflow_fields(obj, by, fields):
    """Save only the workflow's own ``fields`` of a version or record, in a
    history row marked as a workflow change (not an edit: contributor_ids).

    Only those fields: a stale in-memory copy of the content must never
    overwrite what an editor saved.
    """
    obj._history_user = by
    obj._change_reason = WORKFLOW_CHANGE_REASON
    stamped = ["updated_at"] if any(field.name == "updated_at" for field in obj._meta.concrete_fields) else []
    try:
        obj.save(update_fields=[*fields, *stamped])
    finally:
        # django-simple-history keeps reading the reason from the instance:
        # left there, a later content save of this same object would be
        # recorded as a workflow change, and its author would not count as
        # an author, opening a way around four eyes.
        del obj._change_reason


def _set_status(version, status, by, **extra_fields):
    version.status = status
    for name, value in extra_fields.items():
        setattr(version, name, value)
    _save_workflow_fields(version, by, ["status", *extra_fields])


def _void_sign_offs(version, now):
    for sign_off in version.sign_offs.filter(voided_at__isnull=True):
        sign_off.voided_at = now
        sign_off.save(update_fields=["voided_at"])


def _pin_reference_rows(version, by):
    """Record, on each part, the state of the reference rows it shows:
    what the reviewers will see, whatever happens to the rows later
    (incidents/pins.py)."""
    for model in VERSION_PART_MODELS:
        if not model.PINS:
            continue
        related = [path.replace(".", "__") for path, _field in model.PINS]
        parts = model.objects.filter(version=version).select_related(*related)
        for part in pins.pin(parts):
            _save_workflow_fields(part, by, [field for _path, field in part.PINS])


def set_live_version(record, version, *, by):
    """Point a record at the version the public sees. The only place that
    writes ``Record.live_version``."""
    record.live_version = version
    _save_workflow_fields(record, by, ["live_version"])


# The public list's entries (``ListEntry``) ----------------------------------

# What an entry holds, from its live version, record and parts. The columns
# after the first nine exist on PostgreSQL only (migration 0014_list_entries):
# the facet values as arrays, ``term_ids`` with every broader term (walked up
# the tree, a cycle stops the walk), and per language the version's search
# document followed by its harms'.
_ENTRY_COLUMNS = (
    "version_id, record_id, kind, severity, verification_level, occurred_on, occurred_until, published_at,"
    " first_published_at"
)
_ENTRY_VALUES = """
    v.id, v.record_id, r.kind, v.severity, v.verification_level, v.occurred_on, v.occurred_until, v.published_at,
    (SELECT min(p.published_at) FROM incidents_recordversion p
        WHERE p.record_id = r.id AND p.status IN ('published', 'superseded'))"""
_PG_ENTRY_COLUMNS = ", countries, entity_ids, term_ids, databases, search_en, search_fr"
_PG_ENTRY_VALUES = """,
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


def refresh_list_entries(record_ids=None, *, using="default"):
    """Rewrite the public list's entries (``ListEntry``) of these records (of
    every record with ``None``) from their live versions: an entry for each
    that has one and is neither withdrawn nor merged into another, none for
    the others.

    Derived data, not workflow state: the transitions below call it in
    their transaction for each record whose live version, withdrawal, text
    or terms they change, so the list never shows a withdrawn, superseded or
    redacted-away text. Only the bench generator calls it from outside
    (bench/README.md), after writing its rows directly."""
    connection = connections[using]
    postgresql = connection.vendor == "postgresql"
    where, params = "", []
    if record_ids is not None:
        record_ids = sorted(set(record_ids))
        if not record_ids:
            return
        where = f" AND r.id IN ({', '.join(['%s'] * len(record_ids))})"
        params = record_ids
    columns = _ENTRY_COLUMNS + (_PG_ENTRY_COLUMNS if postgresql else "")
    values = _ENTRY_VALUES + (_PG_ENTRY_VALUES if postgresql else "")
    with connection.cursor() as cursor:
        if record_ids is None:
            cursor.execute("DELETE FROM incidents_listentry")
        else:
            cursor.execute(
                f"DELETE FROM incidents_listentry WHERE record_id IN ({', '.join(['%s'] * len(record_ids))})",  # noqa: S608 (placeholders only)
                params,
            )
        cursor.execute(
            f"INSERT INTO incidents_listentry ({columns}) SELECT {values}"  # noqa: S608 (our own SQL)
            " FROM incidents_record r JOIN incidents_recordversion v ON v.id = r.live_version_id"
            f" WHERE r.withdrawn_at IS NULL AND r.merged_into_id IS NULL AND v.status = %s{where}",
            [Status.PUBLISHED, *params],
        )


def _touch_pages(records, by):
    """Move the stamp of these records' public pages (``updated_at``, read by
    ``record_page.page_stamp``): their ETags and cached pages change with it.

    Called for every event that changes what a record's public pages show
    and that does not save the record itself (docs/architecture.md,
    "Reading and caching")."""
    for record in records:
        _save_workflow_fields(record, by, [])


def _merge(record, original, now, by):
    """Make ``record`` (locked, its new live version just set) a duplicate of
    ``original``, or no longer one (``original`` None); return the records
    whose merger notice changes
    (docs/architecture.md, "Duplicates and related records").
    ``rules.publication_problems`` checked ``original``."""
    if record.merged_into_id == (original.pk if original else None):
        return []
    former = record.merged_into
    record.merged_into = original
    record.merged_at = now if original is not None else None
    _save_workflow_fields(record, by, ["merged_into", "merged_at"])
    return [found for found in (former, original) if found is not None]


def _refresh_related(record, others, by):
    """Recompute the related records of ``record`` now, move the stamp of
    ``others``' pages, and queue the recomputation of its neighbours' lists
    (incidents/related.py says why a task). The task is queued in this
    transaction: with the database queue it runs only if this commits."""
    related.compute(record)
    _touch_pages([other for other in others if other.pk != record.pk], by)
    refresh_related_neighbours.enqueue(record_id=record.pk, by_id=by.pk if by is not None else None)


@task()
def refresh_related_neighbours(record_id, by_id=None):
    """The lists of the records near ``record_id`` (``related.refresh_neighbours``),
    and the stamp of every page that shows something else as a result, in
    the name of whoever's action queued it (``by_id``)."""
    _refresh_neighbours(record_id, get_user_model().objects.filter(pk=by_id).first() if by_id else None)


@transaction.atomic
def _refresh_neighbours(record_id, by):
    record = Record.objects.filter(pk=record_id).first()
    if record is not None:
        _touch_pages([other for other in related.refresh_neighbours(record) if other.pk != record.pk], by)


@transaction.atomic
def recompute_related(*, by=None):
    """Recompute every published record's related records
    (``manage.py compute_related``) and move the stamp of the pages whose
    list changed; return those records."""
    changed = related.compute_all()
    _touch_pages(changed, by)
    return changed


def _linked_records(record):
    """The other records whose public pages show ``record`` (its title): the
    incidents any public version of which says it materialized from this
    hazard, the hazards any public version of this record links to, and the
    records listing it among their related records."""
    linking = RecordVersion.objects.filter(status__in=PUBLIC_STATUSES, hazard_links__hazard=record).values("record_id")
    linked = HazardLink.objects.filter(version__record=record, version__status__in=PUBLIC_STATUSES).values("hazard_id")
    listing = RelatedRecord.objects.filter(related=record).values("record_id")
    # One IN over the union, not an OR of three: PostgreSQL reads an OR of
    # subqueries by scanning every record (about 40 ms a publication at
    # 100,000 records; bench/README.md, "Publishing after related records").
    ids = linking.order_by().union(linked.order_by(), listing.order_by())
    return Record.objects.filter(pk__in=ids).exclude(pk=record.pk).order_by("pk")


def _records_showing_unpinned(obj):
    """The records whose public versions show the reference row ``obj`` as
    it is now rather than as reviewed: parts with no pin (data from before
    pins; incidents/pins.py), whose pages a change to the row does change."""
    condition = Q()
    for reference in pinned_references():
        if reference.target is type(obj):
            parts = reference.part_model.objects.filter(
                version__status__in=PUBLIC_STATUSES,
                **{reference.lookup: obj.pk, f"{reference.state_field}__isnull": True},
            )
            condition |= Q(pk__in=parts.values("version__record_id"))
    return Record.objects.filter(condition).order_by("pk") if condition else Record.objects.none()


# Transitions ---------------------------------------------------------------


@transaction.atomic
def create_record(*, kind, by, draft=None):
    """Create a record and its first draft; hand out its public id, once.

    ``draft`` is an unsaved RecordVersion with its content (from the admin
    form); without it, an empty draft would be invalid, so it is required.
    """
    _enforce(rules.create_refusal(by))
    if kind not in Kind.values:
        raise WorkflowError(_("Unknown kind of record."))
    if draft is None or draft.pk is not None:
        raise WorkflowError(_("A new record needs the content of its first draft."))
    counter, _created = PublicIdCounter.objects.select_for_update().get_or_create(kind=kind)
    counter.last_number += 1
    counter.save()
    record = Record(
        kind=kind,
        number=counter.last_number,
        public_id=f"{PUBLIC_ID_PREFIX[kind]}-{counter.last_number:04d}",
    )
    record._history_user = by
    record.save()
    draft.record = record
    draft.status = Status.DRAFT
    draft.created_by = by
    draft._history_user = by
    draft.save()
    _log(record, draft, Action.CREATED, by, to_status=Status.DRAFT)
    return draft


@transaction.atomic
def start_revision(record, *, by, comment=""):
    """Copy the live version, with all its parts, into a new draft."""
    record = Record.objects.select_for_update().get(pk=record.pk)
    _enforce(rules.start_revision_refusal(record, by))
    return _copy_into_draft(record, by, comment)


def _copy_into_draft(record, by, comment):
    """A new draft of ``record`` (locked by the caller), copied from its live version."""
    live = record.live_version
    draft = RecordVersion(record=record, status=Status.DRAFT, created_by=by)
    for field in RecordVersion._meta.concrete_fields:
        # Skip the untranslated "title" etc.: modeltranslation's descriptor
        # would write it into the active language's column.
        if field.editable and not field.primary_key and field.name not in ("record", *RecordVersion.TRANSLATED_FIELDS):
            setattr(draft, field.attname, getattr(live, field.attname))
    # The change note describes *this* revision, which nobody has published
    # anywhere yet: both start empty.
    draft.change_note_en = draft.change_note_fr = ""
    draft.published_elsewhere_on = None
    draft._history_user = by
    draft.save()
    # {part model: {id in the live version: id of its copy}}: a part that
    # points at another part of its version (a further authority at its
    # recommendation) points at the copy. VERSION_PART_MODELS lists the
    # parts pointed at before the parts pointing at them.
    copied_ids = {}
    for model in VERSION_PART_MODELS:
        copies, old_ids = [], []
        part_links = [
            field for field in model._meta.concrete_fields if field.is_relation and field.related_model in copied_ids
        ]
        for part in model.objects.filter(version=live).order_by("pk"):
            old_ids.append(part.pk)
            part.pk = None
            part.id = None
            part.version = draft
            part._state.adding = True
            for field in part_links:
                setattr(part, field.attname, copied_ids[field.related_model][getattr(part, field.attname)])
            # A draft shows reference rows as they are; it is pinned afresh
            # when it is submitted.
            for _path, field in part.PINS:
                setattr(part, field, None)
            copies.append(part)
        if copies:
            created = bulk_create_with_history(copies, model, default_user=by)
            copied_ids[model] = {old: new.pk for old, new in zip(old_ids, created, strict=True)}
        else:
            copied_ids[model] = {}
    _log(record, draft, Action.REVISION_STARTED, by, to_status=Status.DRAFT, comment=comment)
    return draft


@transaction.atomic
def submit(version, *, by, comment=""):
    """Send a draft (or a version with changes requested) to review."""
    version = _lock(version)
    _enforce(rules.submit_refusal(version, by))
    previous = version.status
    _pin_reference_rows(version, by)
    _set_status(version, Status.IN_REVIEW, by)
    _log(version.record, version, Action.SUBMITTED, by, previous, Status.IN_REVIEW, comment)
    transaction.on_commit(lambda: notifications.version_submitted(version, by))
    return version


@transaction.atomic
def return_to_draft(version, *, by, comment=""):
    """Take a version out of review to edit it again; its sign-offs are void."""
    version = _lock(version)
    _enforce(rules.return_to_draft_refusal(version, by))
    previous = version.status
    _void_sign_offs(version, timezone.now())
    _set_status(version, Status.DRAFT, by)
    _log(version.record, version, Action.RETURNED_TO_DRAFT, by, previous, Status.DRAFT, comment)
    return version


@dataclass(frozen=True)
class ChecklistAnswer:
    """A reviewer's answer to one checklist item, given to ``sign_off``."""

    item: ChecklistItem
    ticked: bool
    comment: str = ""


def review_round(version):
    """The id of the event that started the version's current review round
    (its latest submission, or the latest restart of its review): a
    reviewer's form names the round it was opened in."""
    return (
        version.events.filter(action__in=ROUND_STARTS)
        .order_by("-created_at", "-id")
        .values_list("id", flat=True)
        .first()
    )


def _check_answers(check, decision, answers):
    """Refuse answers that do not fit the check's current checklist."""
    items = [answer.item for answer in answers]
    if any(item.check_type != check for item in items) or len({item.pk for item in items}) != len(items):
        raise WorkflowError(_("These checklist answers do not belong to this check."))
    wanted = set(ChecklistItem.objects.filter(check_type=check, active=True).values_list("pk", flat=True))
    if not wanted <= {item.pk for item in items}:
        raise WorkflowError(_("Answer every item of the checklist: it changed while you were reviewing."))
    if decision == Decision.APPROVE:
        unexplained = [answer.item for answer in answers if not answer.ticked and not answer.comment.strip()]
        if unexplained:
            raise WorkflowError(
                [
                    _("“%(item)s” is not ticked: say why in its comment, or request changes.")
                    % {"item": localized(item, "text").text}
                    for item in unexplained
                ]
            )


@transaction.atomic
def sign_off(version, *, by, check, decision, comment="", answers=None, round_id=None):
    """Record a reviewer's decision on the neutrality or factuality check.

    Refused to anyone who created or edited the version (four eyes). Two
    approvals make the version "approved"; a request for changes sends it
    back to its editors and voids the sign-offs of this review.

    ``answers`` (ChecklistAnswer, one per active item of the check) are kept
    with the sign-off; approving with an unticked item needs a comment on
    it. ``round_id`` is the review round the reviewer's page showed
    (``review_round``): if the version went back and was submitted again
    since, the reviewer did not see what they would be signing.
    """
    version = _lock(version)
    _enforce(rules.sign_off_refusal(version, by, check))
    if decision not in Decision.values:
        raise WorkflowError(_("Unknown decision."))
    if round_id is not None and round_id != review_round(version):
        raise WorkflowError(
            _("This version was sent back and submitted again after you opened it: review it again before deciding.")
        )
    if decision == Decision.REQUEST_CHANGES and not comment.strip():
        raise WorkflowError(_("Say what needs to change: a comment is required."))
    if answers is not None:
        _check_answers(check, decision, answers)
    signed = SignOff.objects.create(version=version, check_type=check, decision=decision, reviewer=by, comment=comment)
    if answers:
        # The item as the reviewer read it, in the language they read it in.
        language = current_language()
        SignOffAnswer.objects.bulk_create(
            SignOffAnswer(
                sign_off=signed,
                item=answer.item,
                item_text=(text := localized(answer.item, "text", language)).text,
                item_language=text.lang,
                ticked=answer.ticked,
                comment=answer.comment.strip(),
            )
            for answer in answers
        )
    transaction.on_commit(lambda: notifications.sign_off_recorded(version, signed))
    if decision == Decision.REQUEST_CHANGES:
        _void_sign_offs(version, timezone.now())
        _set_status(version, Status.CHANGES_REQUESTED, by)
        _log(version.record, version, Action.CHANGES_REQUESTED, by, Status.IN_REVIEW, Status.CHANGES_REQUESTED, comment)
        return signed
    approved = set(
        version.sign_offs.filter(voided_at__isnull=True, decision=Decision.APPROVE).values_list("check_type", flat=True)
    )
    if approved >= set(Check.values):
        _set_status(version, Status.APPROVED, by)
        _log(version.record, version, Action.SIGNED_OFF, by, Status.IN_REVIEW, Status.APPROVED, comment)
    else:
        _log(version.record, version, Action.SIGNED_OFF, by, Status.IN_REVIEW, Status.IN_REVIEW, comment)
    return signed


def request_changes(version, *, by, check, comment, answers=None, round_id=None):
    """Shorthand for a sign-off that asks for changes."""
    return sign_off(
        version,
        by=by,
        check=check,
        decision=Decision.REQUEST_CHANGES,
        comment=comment,
        answers=answers,
        round_id=round_id,
    )


@transaction.atomic
def publish(version, *, by, change_note_en=None, change_note_fr=None, comment=""):
    """Release an approved version: number it, supersede the previous one,
    and make it the record's live version."""
    version = _lock(version)
    record = Record.objects.select_for_update().get(pk=version.record_id)
    version.record = record
    _enforce(rules.publish_refusal(version, by))
    if change_note_en is not None:
        version.change_note_en = change_note_en
    if change_note_fr is not None:
        version.change_note_fr = change_note_fr
    if not (version.change_note_en or "").strip() or not (version.change_note_fr or "").strip():
        raise WorkflowError(_("Write the change note in English and in French: the public changelog shows it."))
    now = timezone.now()
    previous = record.live_version
    if previous is not None:
        _set_status(previous, Status.SUPERSEDED, by)
    number = record.next_version_number()
    _set_status(
        version,
        Status.PUBLISHED,
        by,
        number=number,
        published_at=now,
        published_by=by,
        change_note_en=version.change_note_en,
        change_note_fr=version.change_note_fr,
    )
    set_live_version(record, version, by=by)
    originals = _merge(record, version.duplicate_of, now, by)
    # After the merge: a duplicate has no entry in the public list.
    refresh_list_entries([record.pk])
    _touch_pages(_linked_records(record), by)
    _refresh_related(record, originals, by)
    _log(record, version, Action.PUBLISHED, by, Status.APPROVED, Status.PUBLISHED, comment)
    transaction.on_commit(lambda: notifications.version_published(version, by))
    return version


@transaction.atomic
def withdraw(record, *, by, reason_en, reason_fr):
    """Replace a published record's pages with a withdrawal notice.

    Its versions stay in the database, untouched.
    """
    record = Record.objects.select_for_update().get(pk=record.pk)
    _enforce(rules.withdraw_refusal(record, by))
    if not (reason_en or "").strip() or not (reason_fr or "").strip():
        raise WorkflowError(_("Give the reason for withdrawal in English and in French."))
    record.withdrawn_at = timezone.now()
    record.withdrawn_by = by
    record.withdrawal_reason_en = reason_en.strip()
    record.withdrawal_reason_fr = reason_fr.strip()
    _save_workflow_fields(record, by, ["withdrawn_at", "withdrawn_by", "withdrawal_reason_en", "withdrawal_reason_fr"])
    refresh_list_entries([record.pk])
    _touch_pages(_linked_records(record), by)
    _refresh_related(record, [], by)
    _log(record, record.live_version, Action.WITHDRAWN, by, comment=f"{reason_en.strip()}\n\n{reason_fr.strip()}")
    return record


@dataclass(frozen=True)
class RestoredVersion:
    """A published version as our own export gives it (imports/dossier.py)."""

    number: int
    published_at: object  # an aware datetime
    content: dict  # the version's own editable fields: "title_en", "severity", …
    reviews: list  # [{"check", "signed_at"}]: its sign-offs where it was reviewed
    add_parts: object  # a callable(version) that creates the version's parts


@transaction.atomic
def restore_record(*, kind, public_id, versions, live_number, by):
    """Recreate a published record and its published versions from our own
    export, into a database that does not hold it (``rules.restore_refusal``).

    The one way to publish without a review here: the versions were
    reviewed and published where they were exported from, and keep their
    numbers, dates and change notes; their sign-offs, whose reviewers are
    not in the export, are kept as a summary (``restored_reviews``). The
    parts show reference rows pinned as restored (incidents/pins.py), and
    each version's restoration is in the audit trail (``Action.RESTORED``).
    """
    _enforce(rules.restore_refusal(by, public_id))
    if kind not in Kind.values or not public_id.startswith(f"{PUBLIC_ID_PREFIX[kind]}-"):
        raise WorkflowError(_("The id %(id)s does not fit a record of this kind.") % {"id": public_id})
    numbers = [version.number for version in versions]
    if not versions or numbers != sorted(set(numbers)) or live_number not in numbers:
        raise WorkflowError(_("A record needs its published versions, numbered once each, the live one among them."))
    number = int(public_id.split("-", 1)[1])
    counter, _created = PublicIdCounter.objects.select_for_update().get_or_create(kind=kind)
    if counter.last_number < number:
        # Ids handed out later continue after the restored ones.
        counter.last_number = number
        counter.save()
    record = Record(kind=kind, number=number, public_id=public_id)
    record._history_user = by
    record.save()
    live = None
    for restored in versions:
        status = Status.PUBLISHED if restored.number == live_number else Status.SUPERSEDED
        version = RecordVersion(record=record, created_by=by, **restored.content)
        # Saved as a draft first: its parts are added to an editable version,
        # and the version becomes public only once they and their pins exist.
        version.status = Status.DRAFT
        version._history_user = by
        version.save()
        restored.add_parts(version)
        _pin_reference_rows(version, by)
        _set_status(
            version,
            status,
            by,
            number=restored.number,
            published_at=restored.published_at,
            published_by=by,
            restored_reviews=list(restored.reviews),
        )
        _log(record, version, Action.RESTORED, by, Status.DRAFT, status)
        if status == Status.PUBLISHED:
            live = version
    set_live_version(record, live, by=by)
    refresh_list_entries([record.pk])
    _touch_pages(_linked_records(record), by)
    _refresh_related(record, [], by)
    return record


# Shared reference data ----------------------------------------------------------


def _versions_showing(obj):
    """Versions in review or approved whose parts show the reference row ``obj``."""
    return (
        RecordVersion.objects.filter(status__in=(Status.IN_REVIEW, Status.APPROVED))
        .filter(rules.versions_showing(obj))
        .distinct()
        .order_by("pk")
    )


def _records_listed_under(term):
    """The records whose list entry counts under ``term`` (PostgreSQL keeps
    each entry's terms with their broader terms; SQLite keeps none)."""
    connection = connections[router.db_for_write(RecordVersion)]
    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        cursor.execute("SELECT record_id FROM incidents_listentry WHERE term_ids @> ARRAY[%s]::bigint[]", [term.pk])
        return [row[0] for row in cursor.fetchall()]


@transaction.atomic
def change_reference(obj, *, by, comment=""):
    """Save a source, entity, term or taxonomy, and restart the review of
    every version in review or approved that shows it.

    Those versions' reviewers signed what the row was: their sign-offs are
    void, the parts are pinned to the row's new state, a new review round
    starts (the version stays in review, or goes back to it from approved),
    and its authors and reviewers are told why. Whoever changed the row is
    from then on a contributor of those versions, who cannot review them.
    """
    _enforce(rules.change_reference_refusal(obj, by))
    obj._history_user = by
    obj.save()
    _touch_pages(_records_showing_unpinned(obj), by)
    if isinstance(obj, Term):
        # A term moved under another term changes the broader terms of the
        # entries classified under it (``ListEntry``: term_ids).
        refresh_list_entries(_records_listed_under(obj))
    restarted = []
    for version in _versions_showing(obj):
        version = _lock(version)
        if not pins.stale_pins(version):
            continue  # already shows the row as it is now
        signers = list(version.sign_offs.filter(voided_at__isnull=True).values_list("reviewer_id", flat=True))
        previous = version.status
        _void_sign_offs(version, timezone.now())
        _pin_reference_rows(version, by)
        if previous != Status.IN_REVIEW:
            _set_status(version, Status.IN_REVIEW, by)
        _log(version.record, version, Action.REVIEW_RESTARTED, by, previous, Status.IN_REVIEW, comment or str(obj))
        transaction.on_commit(
            lambda version=version, signers=signers: notifications.review_restarted(version, obj, by, signers)
        )
        restarted.append(version)
    return restarted


@transaction.atomic
def start_corrections(obj, *, by):
    """Start a new version of every published record that shows an earlier
    state of the reference row ``obj``, so that its correction reaches
    readers through review.

    Each new draft is a copy of the live version with a change note saying
    what was corrected, in both languages (readers see it in the changelog
    once it is published). Records that already have a version in progress
    are left alone: that version shows the row as it is when it is
    submitted. Returns the new drafts.
    """
    _enforce(rules.corrections_refusal(obj, by))
    drafts = []
    for record in rules.records_to_correct(obj):
        record = Record.objects.select_for_update().get(pk=record.pk)
        if rules.revision_blockers(record):
            continue
        draft = _copy_into_draft(record, by, comment=str(obj))
        with translation.override("en"):
            draft.change_note_en = rules.correction_note(obj)
        with translation.override("fr"):
            draft.change_note_fr = rules.correction_note(obj)
        draft._history_user = by
        draft.save(update_fields=["change_note_en", "change_note_fr", "updated_at"])
        drafts.append(draft)
    return drafts


# Redaction --------------------------------------------------------------------------------

# What replaces a redacted passage, in the language of the text it was in
# (docs/architecture.md, "Redaction"); an untranslated column gets the English one.
REDACTION_MARKERS = {"en": "[redacted]", "fr": "[caviardé]"}
# Where a passage can have been written: our apps, and the admin's log.
REDACTED_APPS = ("core", "evidence", "taxonomy", "incidents", "admin")


def _passage_hash(passage):
    return hashlib.sha256(passage.encode()).hexdigest()


@transaction.atomic
def request_redaction(version, *, by, field, language, passage, reason, explanation=""):
    """A publisher asks for a passage of a published version to be redacted;
    a second person decides (``apply_redaction`` or ``decline_redaction``).

    The passage is kept on the request until then, and nowhere else: the
    workflow event and the e-mails name the version and the reason only.
    """
    version = _lock(version)
    _enforce(rules.request_redaction_refusal(version, by))
    problems = rules.redaction_problems(version, field, language, passage)
    if problems:
        raise WorkflowError(problems)
    if reason not in RedactionReason.values:
        raise WorkflowError(_("Choose the reason for the redaction."))
    redaction = Redaction.objects.create(
        version=version,
        field=field,
        language=language,
        passage=passage,
        passage_hash=_passage_hash(passage),
        reason=reason,
        explanation=explanation.strip(),
        requested_by=by,
    )
    _log(
        version.record,
        version,
        Action.REDACTION_REQUESTED,
        by,
        comment=redaction.get_reason_display(),
        redaction=redaction,
    )
    transaction.on_commit(lambda: notifications.redaction_requested(redaction))
    return redaction


def _holding(passage):
    """(model, field, pk, text) for every text column of every row of ours
    that holds ``passage``, history rows included.

    In SQL, column by column: the ORM would rewrite a translated field's
    original name ("narrative") to the active language's column, and its
    ``contains`` lookup ignores case on SQLite; this must find the exact
    passage in every column, the untranslated originals included.
    """
    for model in apps.get_models():
        if model._meta.app_label not in REDACTED_APPS or model._meta.proxy:
            continue
        connection = connections[router.db_for_write(model)]
        found_in = "strpos({column}, %s) > 0" if connection.vendor == "postgresql" else "instr({column}, %s) > 0"
        table, pk = connection.ops.quote_name(model._meta.db_table), connection.ops.quote_name(model._meta.pk.column)
        for field in model._meta.concrete_fields:
            if not isinstance(field, (models.CharField, models.TextField)):
                continue
            column = connection.ops.quote_name(field.column)
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT {pk}, {column} FROM {table} WHERE {found_in.format(column=column)}",  # noqa: S608 (our own names)
                    [passage],
                )
                for row_pk, text in cursor.fetchall():
                    yield model, field, row_pk, text


def rows_holding(passage) -> int:
    """How many text columns of ours hold ``passage``: what a redaction
    would erase."""
    return sum(1 for _found in _holding(passage))


def _erase_everywhere(passage):
    """Replace ``passage`` by the redaction marker in every text column of
    every row of ours, history rows included; return how many, and the ids
    of the versions whose current text (or a part's) held it.

    An update in SQL, not save(): history must not keep the erased text in a
    new row, and the rows it rewrites are history too. The search columns
    follow, computed by their trigger on the update (PostgreSQL).
    """
    found = list(_holding(passage))
    touched = set()  # the versions whose current text held it
    for model, field, pk, text in found:
        if model is RecordVersion:
            touched.add(pk)
        elif model in VERSION_PART_MODELS:
            touched.add(model._base_manager.filter(pk=pk).values_list("version_id", flat=True).get())
        marker = REDACTION_MARKERS.get(field.name.rsplit("_", 1)[-1], REDACTION_MARKERS["en"])
        erased = text.replace(passage, marker)
        if field.max_length:
            erased = erased[: field.max_length]
        connection = connections[router.db_for_write(model)]
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {quote(model._meta.db_table)} SET {quote(field.column)} = %s "  # noqa: S608 (our own names)
                f"WHERE {quote(model._meta.pk.column)} = %s",
                [erased, pk],
            )
    return len(found), touched


def _forget_rendered(version):
    """Drop the cached renderings of the version's texts: the cache must not
    keep the passage either (the new key holds redacted_at)."""
    cache.delete_many([render_cache_key(version, code) for code, _name in settings.LANGUAGES])


def _forget_pages(records):
    """Drop the cached pages of these records (incidents/public/page_cache.py),
    now and once the transaction commits (a page rendered meanwhile from the
    old text may have been stored): they would be served no more (their ETags
    name the records' old stamps) but must not keep an erased passage."""
    keys = [key for record in records for key in page_keys(record.public_id, _live_number(record))]
    keys += feed_keys()  # the site's feeds hold the records' texts too
    cache.delete_many(keys)
    transaction.on_commit(lambda: cache.delete_many(keys))


def _live_number(record):
    live = record.live_version
    return live.number if live is not None else None


@transaction.atomic
def apply_redaction(redaction, *, by):
    """Erase the requested passage from the database: the version's texts,
    their history, every other row that holds it, and the cached renderings.

    Every published version whose text held the passage (the requested one,
    and any other, of this record or another) then shows the marker and a
    dated notice, and its record's changelog lists the redaction: one applied
    ``Redaction`` per such version. The requests keep who, when, why and the
    passage's hash, never the passage.
    """
    redaction = Redaction.objects.select_for_update().get(pk=redaction.pk)
    _enforce(rules.decide_redaction_refusal(redaction, by))
    passage = redaction.passage
    _lock(redaction.version)
    now = timezone.now()
    redaction.passage = ""  # before the erasure, which would otherwise rewrite it
    redaction.save(update_fields=["passage"])
    erased, touched = _erase_everywhere(passage)
    redaction.status = RedactionStatus.APPLIED
    redaction.decided_by = by
    redaction.decided_at = now
    redaction.erased_rows = erased
    redaction.save(update_fields=["status", "decided_by", "decided_at", "erased_rows"])
    # Re-read after the erasure: the workflow's history rows of these saves
    # must hold the redacted text, not the passage once in memory.
    redacted = RecordVersion.objects.filter(pk__in={redaction.version_id, *touched}, status__in=PUBLIC_STATUSES)
    redacted = list(redacted.select_related("record__live_version").order_by("pk"))
    # The list's search documents hold the erased text too.
    refresh_list_entries({version.record_id for version in redacted})
    for version in redacted:
        _forget_rendered(version)
        version.redacted_at = now
        _save_workflow_fields(version, by, ["redacted_at"])
        # The record's pages change, and those of the records showing its
        # title: their validators and cached pages follow their updated_at.
        showing = [version.record, *_linked_records(version.record).select_related("live_version")]
        _forget_pages(showing)
        _touch_pages(showing, by)
        applied = redaction
        if version.pk != redaction.version_id:
            applied = Redaction.objects.create(
                version=version,
                field=redaction.field,
                language=redaction.language,
                passage_hash=redaction.passage_hash,
                reason=redaction.reason,
                status=RedactionStatus.APPLIED,
                requested_by=redaction.requested_by,
                decided_by=by,
                decided_at=now,
            )
        _log(version.record, version, Action.REDACTED, by, comment=redaction.get_reason_display(), redaction=applied)
    transaction.on_commit(lambda: notifications.redaction_decided(redaction))
    return redaction


@transaction.atomic
def decline_redaction(redaction, *, by, comment=""):
    """Decide against a requested redaction: the passage stays where it is
    published, and the request forgets it."""
    redaction = Redaction.objects.select_for_update().get(pk=redaction.pk)
    _enforce(rules.decide_redaction_refusal(redaction, by))
    if not comment.strip():
        raise WorkflowError(_("Say why the redaction is declined: a comment is required."))
    redaction.passage = ""
    redaction.status = RedactionStatus.DECLINED
    redaction.decided_by = by
    redaction.decided_at = timezone.now()
    redaction.save(update_fields=["passage", "status", "decided_by", "decided_at"])
    _log(
        redaction.version.record,
        redaction.version,
        Action.REDACTION_DECLINED,
        by,
        comment=comment.strip(),
        redaction=redaction,
    )
    transaction.on_commit(lambda: notifications.redaction_decided(redaction))
    return redaction
