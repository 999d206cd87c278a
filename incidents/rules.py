"""
Who may do what next: the one place for the editorial rules.

The workflow (``incidents.publishing.workflow``) asks these functions before
every transition and refuses what they refuse; the admin asks the same
functions which buttons, forms and queues to show. So the admin offers an
action exactly when the workflow would accept it: ``tests/test_rules.py``
walks every role × status × action to check it. No other module names a
permission.

A rule answers ``None`` when the action is allowed now, or a ``Refusal``
saying why not. A refusal is ``forbidden`` when the user lacks the role for
the action (the admin answers 403, whatever the request looks like);
otherwise the user may do it in principle, but not to this version in its
present state (the admin shows the reasons, and keeps what was typed).

The rules, in words (docs/architecture.md, "Publication model"):

- editors create records, edit drafts (and versions with changes requested)
  and submit them; a version in review or approved is read-only, and goes
  back to draft (its sign-offs void) to be edited;
- reviewers sign off the neutrality check and the factuality check of a
  version in review, never one they created or edited, each check once per
  review round, and the two checks by two different reviewers;
- publishers publish an approved version with both checks signed off by
  reviewers who did not edit it, withdraw published records, and change
  reference data that published records already show.
"""

from dataclasses import dataclass
from enum import StrEnum

from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.i18n import LANGUAGE_CODES, localized_str
from core.rendering import citation_keys
from evidence.models import Source
from taxonomy.models import Entity, Taxonomy, Term

from . import pins
from .models import (
    PUBLIC_ID_RE,
    VERSION_PART_MODELS,
    Check,
    Decision,
    Record,
    RecordVersion,
    Redaction,
    RedactionStatus,
    SignOff,
)
from .status import EDITABLE_STATUSES, PUBLIC_STATUSES, Status

# Permissions (roles.py gives them to the groups) ------------------------------

ADD_VERSION = "incidents.add_recordversion"  # create records, start revisions
CHANGE_VERSION = "incidents.change_recordversion"  # edit drafts, return versions to draft
VIEW_VERSION = "incidents.view_recordversion"  # the admin's pages, queues and previews
SUBMIT_VERSION = "incidents.submit_version"
SIGN_OFF_VERSION = "incidents.sign_off_version"
PUBLISH_VERSION = "incidents.publish_version"
WITHDRAW_RECORD = "incidents.withdraw_record"
REQUEST_REDACTION = "incidents.request_redaction"
DECIDE_REDACTION = "incidents.decide_redaction"
# Reports from the public (intake/; its rules, intake/rules.py, ask these):
# reading them (with the submitter's address) and deciding what they become.
VIEW_REPORT = "intake.view_report"
TRIAGE_REPORT = "intake.triage_report"
# A reference row published records already show changes on their pages at
# once: whoever answers for what goes public (publishers) changes it.
CHANGE_PUBLIC_REFERENCE = PUBLISH_VERSION
# The methodology pages (pages.Page) state the house rules and are public at
# once when saved: publishers write them (pages/models.py).
ADD_METHODOLOGY = "pages.add_page"
EDIT_METHODOLOGY = "pages.change_page"


def has(user, permission) -> bool:
    """Whether ``user`` (signed in and active) holds ``permission``."""
    return bool(user is not None and user.is_active and user.has_perm(permission))


def may_edit_methodology(user) -> bool:
    """Whether ``user`` may write the methodology pages (a saved change is
    public at once, with no review: publishers only)."""
    return has(user, EDIT_METHODOLOGY)


def may_add_methodology(user) -> bool:
    return has(user, ADD_METHODOLOGY)


class Transition(StrEnum):
    """What can happen to a version (or, for the last two, its record)."""

    EDIT = "edit"
    SUBMIT = "submit"
    RETURN_TO_DRAFT = "return_to_draft"
    SIGN_OFF_NEUTRALITY = "sign_off_neutrality"
    SIGN_OFF_FACTUALITY = "sign_off_factuality"
    PUBLISH = "publish"
    START_REVISION = "start_revision"
    WITHDRAW = "withdraw"


SIGN_OFF_TRANSITIONS = {
    Check.NEUTRALITY: Transition.SIGN_OFF_NEUTRALITY,
    Check.FACTUALITY: Transition.SIGN_OFF_FACTUALITY,
}


@dataclass(frozen=True)
class Refusal:
    """Why an action is not allowed now."""

    messages: tuple[str, ...]
    forbidden: bool = False  # the user lacks the role, whatever the state

    @property
    def message(self) -> str:
        return " ".join(self.messages)


def _forbidden(message=None) -> Refusal:
    return Refusal((message or _("You do not have permission to do this."),), forbidden=True)


def _not_now(*messages) -> Refusal:
    return Refusal(tuple(str(message) for message in messages))


def _wrong_status(version, message) -> Refusal:
    """``message`` says which states allow the action; ``%(status)s`` is the
    version's own."""
    return _not_now(message % {"status": version.get_status_display()})


_EDITABLE_ONLY = gettext_lazy(
    "Only a draft, or a version with changes requested, can be edited; this one is “%(status)s”."
)


# Records and drafts ---------------------------------------------------------------


def create_refusal(user) -> Refusal | None:
    """Creating a record (with its first draft)."""
    if not has(user, ADD_VERSION):
        return _forbidden()
    return None


def restore_refusal(user, public_id=None) -> Refusal | None:
    """Recreating a published record from our own export. It publishes
    without a review here (the versions were reviewed where they were
    exported from), so only a superuser restoring a site may, and only under
    an id no record holds (``public_id`` None: may this user restore at all)."""
    if not (user is not None and user.is_active and user.is_superuser):
        return _forbidden(_("Only a superuser may restore records from an export."))
    if public_id is None:
        return None
    if not PUBLIC_ID_RE.match(public_id or ""):
        return _not_now(_("“%(id)s” is not a record id (INC-0001, HAZ-0001).") % {"id": public_id})
    if Record.objects.filter(public_id=public_id).exists():
        return _not_now(_("A record %(id)s already exists: restore into an empty database.") % {"id": public_id})
    return None


def add_reference_refusal(model, user) -> Refusal | None:
    """Adding a new reference row (a source, an entity, a term): editors add
    them as they write; changing one in public use is another rule
    (``change_reference_refusal``)."""
    opts = model._meta
    if not has(user, f"{opts.app_label}.add_{opts.model_name}"):
        return _forbidden()
    return None


def edit_refusal(version, user) -> Refusal | None:
    """Changing a version's content or its parts."""
    if not has(user, CHANGE_VERSION):
        return _forbidden()
    if version.status not in EDITABLE_STATUSES:
        return _wrong_status(version, _EDITABLE_ONLY)
    return None


def may_edit(version, user) -> bool:
    """``edit_refusal`` as a yes or no; ``version`` None asks about versions in general."""
    if version is None:
        return has(user, CHANGE_VERSION)
    return edit_refusal(version, user) is None


def duplicate_problems(record, target) -> list[str]:
    """What is wrong with saying that ``record`` duplicates ``target``
    (``RecordVersion.duplicate_of``; empty when nothing is, or when
    ``target`` is None).

    A record merges only into a published record of its kind that is itself
    no duplicate, and never into itself; a record others were merged into
    cannot become a duplicate in turn. So there are no chains: every
    duplicate's pages lead, in one step, to a record with pages of its own.
    Asked by the version form, at submission and again at publication.
    """
    if target is None:
        return []
    problems = []
    if record is not None and target.pk == record.pk:
        return [_("A record cannot be a duplicate of itself.")]
    target = Record.objects.filter(pk=target.pk).first()
    if target is None or target.live_version_id is None:
        problems.append(_("A record can only be marked as a duplicate of a published record."))
    elif target.is_withdrawn:
        problems.append(
            _("%(id)s is withdrawn: a record cannot be marked as its duplicate.") % {"id": target.public_id}
        )
    elif target.is_merged:
        problems.append(
            _("%(id)s is itself a duplicate of %(original)s: mark this record as a duplicate of %(original)s.")
            % {"id": target.public_id, "original": target.merged_into.public_id}
        )
    if target is not None and record is not None and target.kind != record.kind:
        problems.append(_("An incident can only duplicate an incident, and a hazard a hazard."))
    if record is not None and record.pk is not None and record.merged_records.exists():
        problems.append(
            _("Other records were merged into %(id)s: it cannot become a duplicate in turn.") % {"id": record.public_id}
        )
    return problems


def submission_problems(version) -> list[str]:
    """What in the version's content stops it from going to review (empty
    when nothing does)."""
    problems = list(duplicate_problems(version.record, version.duplicate_of))
    keys = set(version.citations.values_list("key", flat=True))
    cited = []
    for field in ("summary", "narrative", "editorial_assessment"):
        for lang in ("en", "fr"):
            cited += citation_keys(getattr(version, f"{field}_{lang}") or "")
    unknown = sorted(set(cited) - keys)
    if unknown:
        problems.append(_("The text cites keys that match no citation: %(keys)s.") % {"keys": ", ".join(unknown)})
    if keys and not version.citations.filter(is_primary=True).exists():
        problems.append(_("Mark one source as the primary source."))
    # Right of reply is for the entities the record names (EntityResponse).
    strangers = version.responses.exclude(entity__in=version.entity_roles.values("entity")).select_related("entity")
    for response in strangers:
        problems.append(
            _("A response is from %(entity)s, which this version does not name under “Entities involved”.")
            % {"entity": localized_str(response.entity, "name")}
        )
    return problems


def submit_refusal(version, user) -> Refusal | None:
    """Sending a draft (or a version with changes requested) to review."""
    if not has(user, SUBMIT_VERSION):
        return _forbidden()
    if version.status not in EDITABLE_STATUSES:
        return _wrong_status(
            version,
            _(
                "Only a draft, or a version with changes requested, can be submitted for review; this one is “%(status)s”."
            ),
        )
    problems = submission_problems(version)
    if problems:
        return _not_now(*problems)
    return None


def return_to_draft_refusal(version, user) -> Refusal | None:
    """Taking a version out of review (or out of approval) to edit it again."""
    if not has(user, CHANGE_VERSION):
        return _forbidden()
    if version.status not in (Status.IN_REVIEW, Status.APPROVED):
        return _wrong_status(
            version, _("Only a version in review or approved can be returned to draft; this one is “%(status)s”.")
        )
    return None


# Review --------------------------------------------------------------------------


def sign_off_refusal(version, user, check, *, contributors=None) -> Refusal | None:
    """Deciding on one check (neutrality or factuality) of a version in review.

    Four eyes: never by someone who created or edited the version or its
    parts (``RecordVersion.contributor_ids``), each check once per review
    round, and never both checks by the same reviewer: whoever signed one
    check of this round leaves the other to someone else. ``contributors``
    may be given when already known.
    """
    if not has(user, SIGN_OFF_VERSION):
        return _forbidden(_("Only reviewers sign off versions."))
    if version.status != Status.IN_REVIEW:
        return _wrong_status(version, _("Only a version in review can be signed off; this one is “%(status)s”."))
    if check not in Check.values:
        return _not_now(_("Unknown check: sign off the neutrality check or the factuality check."))
    if contributors is None:
        contributors = version.contributor_ids()
    if user.pk in contributors:
        return _forbidden(_("You created or edited this version, so you cannot sign it off."))
    active = dict(version.sign_offs.filter(voided_at__isnull=True).values_list("check_type", "reviewer_id"))
    if check in active:
        return _not_now(_("This check has already been signed off in this review round."))
    if user.pk in active.values():
        return _forbidden(_("You signed the other check of this version: a second reviewer must sign this one."))
    return None


def versions_to_sign_off(user, check):
    """The versions ``user`` may sign off ``check`` of now: ``sign_off_refusal``
    as one query, for the reviewers' queues (``tests/test_rules.py`` checks
    that both agree)."""
    if not has(user, SIGN_OFF_VERSION):
        return RecordVersion.objects.none()
    active = SignOff.objects.filter(version=OuterRef("pk"), voided_at__isnull=True)
    return (
        RecordVersion.objects.filter(status=Status.IN_REVIEW)
        .not_contributed_to_by(user)
        .exclude(Exists(active.filter(check_type=check)))
        # Whoever signed the other check leaves this one to someone else.
        .exclude(Exists(active.filter(reviewer=user)))
    )


# Publication -------------------------------------------------------------------


def publication_problems(version) -> list[str]:
    """What stops an approved version from being published, besides the
    change note the publisher writes (empty when nothing does).

    Checked again at publication, not only at sign-off: publishing is the
    last gate before the public.
    """
    problems = []
    if version.record.is_withdrawn:
        problems.append(_("This record is withdrawn; it cannot be published again."))
    # The record it duplicates may have been withdrawn or merged since review.
    problems += duplicate_problems(version.record, version.duplicate_of)
    approvals = version.sign_offs.filter(voided_at__isnull=True, decision=Decision.APPROVE)
    approved_by = dict(approvals.values_list("check_type", "reviewer_id"))
    contributors = version.contributor_ids()
    reviewers = set(approved_by.values())
    if set(approved_by) != set(Check.values) or contributors & reviewers or len(reviewers) < len(Check.values):
        problems.append(
            _(
                "A version needs a neutrality and a factuality sign-off by two different reviewers, "
                "neither of whom edited it."
            )
        )
    for stale in pins.stale_pins(version):
        problems.append(
            _(
                "“%(row)s” changed since this version was submitted: return it to draft and submit it again, "
                "so that its reviewers see the change."
            )
            % {"row": stale.row}
        )
    if getattr(settings, "DOSSIER_REQUIRE_FRENCH_TO_PUBLISH", False):
        missing = version.missing_french()
        if missing:
            problems.append(_("The French text is incomplete: %(fields)s.") % {"fields": "; ".join(missing)})
    return problems


def publish_refusal(version, user) -> Refusal | None:
    """Releasing an approved version to the public."""
    if not has(user, PUBLISH_VERSION):
        return _forbidden()
    if version.status != Status.APPROVED:
        return _wrong_status(version, _("Only an approved version can be published; this one is “%(status)s”."))
    problems = publication_problems(version)
    if problems:
        return _not_now(*problems)
    return None


def versions_to_publish(user):
    """The approved versions ``user`` may publish: ``publish_refusal`` as one
    query, for the publishers' queue. (An approved version is read-only and
    its sign-offs were refused to its contributors, so it needs no history
    lookup here; whether the French text is complete, when the setting
    requires it, is said on the publish page.)"""
    if not has(user, PUBLISH_VERSION):
        return RecordVersion.objects.none()
    approvals = SignOff.objects.filter(version=OuterRef("pk"), voided_at__isnull=True, decision=Decision.APPROVE)
    return RecordVersion.objects.filter(
        *(Exists(approvals.filter(check_type=check)) for check in Check.values),
        status=Status.APPROVED,
        record__withdrawn_at__isnull=True,
    )


# The record: revisions and withdrawal ------------------------------------------------


def revision_blockers(record) -> list[str]:
    """What in the record's state stops a new version from being started."""
    if record.live_version_id is None:
        return [_("Only a published record can be revised; edit its draft instead.")]
    if record.is_withdrawn:
        return [_("A withdrawn record cannot be revised.")]
    if record.versions.open().exists():
        return [_("This record already has a version in progress; continue that one.")]
    return []


def start_revision_refusal(record, user) -> Refusal | None:
    """Copying a published record's live version into a new draft."""
    if not has(user, ADD_VERSION):
        return _forbidden()
    blockers = revision_blockers(record)
    return _not_now(*blockers) if blockers else None


def withdraw_refusal(record, user) -> Refusal | None:
    """Replacing a published record's pages with a withdrawal notice."""
    if not has(user, WITHDRAW_RECORD):
        return _forbidden()
    if record.live_version_id is None:
        return _not_now(_("Only a published record can be withdrawn."))
    if record.is_withdrawn:
        return _not_now(_("This record is already withdrawn."))
    if record.is_merged:
        return _not_now(
            _("This record was merged into %(id)s: its pages already lead there.")
            % {"id": record.merged_into.public_id}
        )
    return None


# What the admin offers ----------------------------------------------------------------


def available_transitions(version, user) -> set[Transition]:
    """Every transition ``user`` may make now on ``version`` (starting a
    revision and withdrawing only from the record's live version)."""
    available = set()
    for transition, refusal in (
        (Transition.EDIT, edit_refusal),
        (Transition.SUBMIT, submit_refusal),
        (Transition.RETURN_TO_DRAFT, return_to_draft_refusal),
        (Transition.PUBLISH, publish_refusal),
    ):
        if refusal(version, user) is None:
            available.add(transition)
    if version.status == Status.IN_REVIEW and has(user, SIGN_OFF_VERSION):
        contributors = version.contributor_ids()
        for check, transition in SIGN_OFF_TRANSITIONS.items():
            if sign_off_refusal(version, user, check, contributors=contributors) is None:
                available.add(transition)
    if version.record.live_version_id == version.pk:
        available |= record_transitions(version.record, user)
    return available


def record_transitions(record, user) -> set[Transition]:
    """What ``user`` may do now to the record as a whole."""
    available = set()
    if start_revision_refusal(record, user) is None:
        available.add(Transition.START_REVISION)
    if withdraw_refusal(record, user) is None:
        available.add(Transition.WITHDRAW)
    return available


# Previews and reference data ------------------------------------------------------------


def may_preview(user) -> bool:
    """The staff preview renders any version, unpublished ones included."""
    return bool(user is not None and user.is_active and user.is_staff and has(user, VIEW_VERSION))


def _term_and_descendants(term):
    # A child term shows its ancestors on the public page (a breadcrumb), so a
    # parent is in public use as soon as one of its descendants is.
    ids, frontier = {term.pk}, [term.pk]
    while frontier:
        frontier = list(Term.objects.filter(parent_id__in=frontier).exclude(pk__in=ids).values_list("pk", flat=True))
        ids.update(frontier)
    return ids


def versions_showing(obj) -> Q:
    """A condition on versions: their parts show the reference row ``obj``
    (a source, entity, term or taxonomy)."""
    if isinstance(obj, Source):
        return Q(citations__source=obj) | Q(recommendations__source=obj)
    if isinstance(obj, Entity):
        return (
            Q(entity_roles__entity=obj)
            | Q(recommendations__authority=obj)
            | Q(recommendation_authorities__entity=obj)
            | Q(responses__entity=obj)
        )
    if isinstance(obj, Term):
        ids = _term_and_descendants(obj)
        return Q(classifications__term__in=ids) | Q(harms__harm_type__in=ids)
    if isinstance(obj, Taxonomy):
        return Q(classifications__term__taxonomy=obj) | Q(harms__harm_type__taxonomy=obj)
    raise TypeError(f"No public-use rule for {type(obj).__name__}")


def records_in_public_use(obj):
    """The records whose published or superseded versions show the reference
    row ``obj`` (a source, entity, term or taxonomy)."""
    if obj is None or obj.pk is None:
        return Record.objects.none()
    versions = RecordVersion.objects.filter(status__in=PUBLIC_STATUSES).filter(versions_showing(obj))
    return Record.objects.filter(pk__in=versions.values("record_id")).order_by("kind", "number")


def in_public_use(obj) -> bool:
    if obj is None or obj.pk is None:
        return False
    # The admin asks several times per page: ask the database once per object.
    if not hasattr(obj, "_in_public_use"):
        obj._in_public_use = records_in_public_use(obj).exists()
    return obj._in_public_use


def may_change_public_reference(user) -> bool:
    """Whether ``user`` may change reference data the public already sees."""
    return has(user, CHANGE_PUBLIC_REFERENCE)


def may_change_reference(user, obj) -> bool:
    """Changing (or deleting) the reference row ``obj``, given the model
    permission: a row in public use is publishers' only, because a change to
    it shows on published pages at once, without review."""
    return obj is None or may_change_public_reference(user) or not in_public_use(obj)


def change_reference_refusal(obj, user) -> Refusal | None:
    """Changing the reference row ``obj`` (``workflow.change_reference``)."""
    opts = type(obj)._meta
    if not has(user, f"{opts.app_label}.change_{opts.model_name}"):
        return _forbidden()
    if not may_change_reference(user, obj):
        return _forbidden(
            _(
                "Published records show this row: only publishers may change it. "
                "Ask a publisher, or add a new row instead."
            )
        )
    return None


# Corrections of reference data --------------------------------------------------------


def records_to_correct(obj):
    """Published records whose live version shows an earlier state of the
    reference row ``obj`` than its current one."""
    live = RecordVersion.objects.live().filter(versions_showing(obj)).distinct()
    stale = [version.record_id for version in live.select_related("record") if _shows_earlier_state(version, obj)]
    return Record.objects.filter(pk__in=stale).order_by("kind", "number")


def _shows_earlier_state(version, obj):
    return any(pin.row == obj and type(pin.row) is type(obj) for pin in pins.stale_pins(version))


def corrections_refusal(obj, user) -> Refusal | None:
    """Starting new versions of the records that show an earlier state of
    ``obj`` (``workflow.start_corrections``): for those who answer for what
    goes public."""
    if not has(user, CHANGE_PUBLIC_REFERENCE):
        return _forbidden()
    if not any(not revision_blockers(record) for record in records_to_correct(obj)):
        return _not_now(_("No published record without a version in progress shows an earlier state of this row."))
    return None


def correction_note(obj) -> str:
    """The change note of a new version made to carry a correction of
    ``obj``, in the active language."""
    return _("Corrected the %(kind)s “%(row)s” as shown in this record.") % {
        "kind": type(obj)._meta.verbose_name,
        "row": obj,
    }


# Redaction ------------------------------------------------------------------------------

# Shorter passages would match too much elsewhere in the database.
MIN_REDACTED_PASSAGE = 5


@dataclass(frozen=True)
class RedactableText:
    """A text field of a published version, or of one of its parts."""

    key: str  # "narrative", or "harms.12.description"
    label: str  # "Narrative", or "Harm 2: description"
    obj: object
    name: str  # the field's name on obj, without language

    def text(self, language) -> str:
        return getattr(self.obj, f"{self.name}_{language}", "") or ""


def redactable_texts(version) -> list[RedactableText]:
    """Every text of ``version`` a passage may be redacted from."""
    texts = [
        RedactableText(name, str(capfirst(version._meta.get_field(name).verbose_name)), version, name)
        for name in version.TRANSLATED_FIELDS
    ]
    for model in VERSION_PART_MODELS:
        related = model._meta.get_field("version").remote_field.get_accessor_name()
        for position, part in enumerate(getattr(version, related).order_by("order", "id"), start=1):
            for name in model.TRANSLATED_FIELDS:
                label = _("%(part)s %(position)s: %(field)s") % {
                    "part": capfirst(model._meta.verbose_name),
                    "position": position,
                    "field": model._meta.get_field(name).verbose_name,
                }
                texts.append(RedactableText(f"{related}.{part.pk}.{name}", label, part, name))
    return texts


def request_redaction_refusal(version, user) -> Refusal | None:
    """Asking for a passage of a published version to be redacted."""
    if not has(user, REQUEST_REDACTION):
        return _forbidden(_("Only publishers request redactions."))
    if version.status not in PUBLIC_STATUSES:
        return _wrong_status(version, _("Only a published version has passages to redact; this one is “%(status)s”."))
    return None


def redaction_problems(version, field, language, passage) -> list[str]:
    """What is wrong with a redaction request (empty when nothing is)."""
    texts = {text.key: text for text in redactable_texts(version)}
    if field not in texts:
        return [_("Choose the text the passage is in.")]
    if language not in LANGUAGE_CODES:
        return [_("Choose the language of the passage.")]
    passage = passage or ""
    if len(passage.strip()) < MIN_REDACTED_PASSAGE:
        return [
            _("The passage must be at least %(count)d characters long: shorter ones would match too much.")
            % {"count": MIN_REDACTED_PASSAGE}
        ]
    if passage not in texts[field].text(language):
        return [_("The passage is not in that text: copy it exactly, as the editor shows it.")]
    return []


def decide_redaction_refusal(redaction, user) -> Refusal | None:
    """Applying or declining a requested redaction: a second person's decision."""
    if not has(user, DECIDE_REDACTION):
        return _forbidden(_("Only reviewers and publishers decide on redactions."))
    if redaction.requested_by_id == user.pk:
        return _forbidden(_("You requested this redaction: a second person decides on it."))
    if redaction.status != RedactionStatus.REQUESTED:
        return _not_now(_("This redaction has already been decided."))
    return None


def redactions_to_decide(user):
    """The requested redactions ``user`` may decide on, for their queue."""
    if not has(user, DECIDE_REDACTION):
        return Redaction.objects.none()
    return Redaction.objects.filter(status=RedactionStatus.REQUESTED).exclude(requested_by=user)
