"""
A record's timeline: its workflow events (intent: submitted, signed off,
published…) and its field history (every save of the record, its versions
and their parts), newest first, in one read-only page.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.utils.translation import pgettext

from core.i18n import LANGUAGE_CODES

from ..models import VERSION_PART_MODELS, Action, RecordVersion, WorkflowEvent
from .history import _field_label, real_changes


@dataclass
class Entry:
    when: datetime
    who: object
    kind: str  # "workflow" or "edit"
    what: str
    version: str = ""
    details: list[str] = field(default_factory=list)
    comment: str = ""


def _edits(model, rows, version_labels, describe):
    """Entries for history rows of one model, each compared with the row
    before it for the same object."""
    entries = []
    previous = {}
    for row in sorted(rows, key=lambda row: (row.history_date, row.history_id)):
        before = previous.get(row.id)
        previous[row.id] = row
        if row.history_type == "~" and before is not None:
            changes = real_changes(row.diff_against(before))
            details = [_field_label(model, change.field) for change in changes]
            if not details:
                continue
        else:
            details = []
        entries.append(
            Entry(
                when=row.history_date,
                who=row.history_user,
                kind="edit",
                what=describe(row),
                version=version_labels.get(getattr(row, "version_id", None) or row.id, ""),
                details=details,
            )
        )
    return entries


def _change_note(version) -> str:
    if version is None:
        return ""
    return "\n\n".join(
        f"{code.upper()}: {text}" for code in LANGUAGE_CODES if (text := getattr(version, f"change_note_{code}"))
    )


def record_timeline(record) -> list[Entry]:
    versions = {version.pk: version for version in RecordVersion.objects.filter(record=record)}
    labels = {pk: str(version.label) for pk, version in versions.items()}
    # Nouns in French ("création"), so one word fits parts of either gender.
    verbs = {
        "+": pgettext("timeline", "created"),
        "~": pgettext("timeline", "changed"),
        "-": pgettext("timeline", "deleted"),
    }

    entries = [
        Entry(
            when=event.created_at,
            who=event.actor,
            kind="workflow",
            what=event.get_action_display(),
            version=labels.get(event.version_id, ""),
            details=[f"{event.get_from_status_display()} → {event.get_to_status_display()}"]
            if event.from_status and event.to_status and event.from_status != event.to_status
            else [],
            # A publication's own words are its change note, written then.
            comment=_change_note(versions.get(event.version_id)) if event.action == Action.PUBLISHED else event.comment,
        )
        for event in WorkflowEvent.objects.filter(record=record).select_related("actor")
    ]
    # The workflow's own saves are already told by its events above.
    version_rows = (
        RecordVersion.history.filter(record_id=record.pk)
        .exclude(history_change_reason="workflow")
        .select_related("history_user")
    )
    entries += _edits(
        RecordVersion,
        version_rows,
        labels,
        lambda row: f"{RecordVersion._meta.verbose_name.capitalize()} – {verbs[row.history_type]}",
    )
    for model in VERSION_PART_MODELS:
        rows = model.history.filter(version_id__in=list(versions)).select_related("history_user")
        entries += _edits(
            model,
            rows,
            labels,
            lambda row, model=model: f"{model._meta.verbose_name.capitalize()} – {verbs[row.history_type]}",
        )
    return sorted(entries, key=lambda entry: entry.when, reverse=True)
