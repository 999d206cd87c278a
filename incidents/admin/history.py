"""The history pages shared by every admin here (django-simple-history)."""

import dataclasses

from django.contrib.admin.utils import flatten_fieldsets, unquote
from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404, HttpResponseNotAllowed
from django.utils.translation import gettext
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper


def _is_empty(value):
    return value is None or value == ""


def real_changes(delta):
    """The changes of a history delta, without "empty → empty" ones.

    Translation columns are nullable: a row made in code may hold None where
    the admin stores "", and its first admin save would otherwise list every
    empty field as changed.
    """
    return [change for change in delta.changes if not (_is_empty(change.old) and _is_empty(change.new))]


class ContextHelper(HistoricalRecordContextHelper):
    def context_for_delta_changes(self, delta):
        changes = real_changes(delta)
        trimmed = dataclasses.replace(delta, changes=changes, changed_fields=[change.field for change in changes])
        return super().context_for_delta_changes(trimmed)

    def prepare_delta_change_value(self, change, value):
        # django-simple-history prints an empty value as "None" (or nothing),
        # in English whatever the page's language.
        if _is_empty(value):
            return gettext("(empty)")
        return super().prepare_delta_change_value(change, value)


def _id_or_404(field, value):
    """``value`` from the URL as a value of ``field``, or 404.

    django-simple-history filters on the ids of its URLs as they come, and
    the ORM raises ValueError (a 500) on "abc"; Django's own views treat an
    id that cannot be one as a page that does not exist. An id too large
    for the column needs nothing here: the ORM finds no row for it.
    """
    try:
        return field.to_python(unquote(value))
    except ValidationError:
        raise Http404 from None


class HistoryAdmin(SimpleHistoryAdmin):
    """Who changed what and when, read-only.

    Reverting is off (settings.SIMPLE_HISTORY_REVERT_DISABLED): putting old
    content back would bypass review. That setting only hides the button,
    though; django-simple-history still saves a POST to a history item's
    page, so those pages refuse anything but GET and show every field
    read-only.
    """

    def history_view(self, request, object_id, extra_context=None):
        object_id = _id_or_404(self.opts.pk, object_id)
        return super().history_view(request, str(object_id), extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method != "GET":
            return HttpResponseNotAllowed(["GET"])
        object_id = _id_or_404(self.opts.pk, object_id)
        history = getattr(self.model, self.opts.simple_history_manager_attribute)
        version_id = _id_or_404(history.model._meta.get_field("history_id"), version_id)
        request._dossier_history_item = True
        return super().history_form_view(request, object_id, version_id, extra_context)

    def get_readonly_fields(self, request, obj=None):
        if getattr(request, "_dossier_history_item", False):
            return flatten_fieldsets(self.get_fieldsets(request, obj))
        return super().get_readonly_fields(request, obj)

    def history_view_title(self, request, obj):
        return gettext("History: %(object)s") % {"object": obj}

    def history_form_view_title(self, request, obj):
        return gettext("%(object)s as it was then (read-only)") % {"object": obj}

    def get_historical_record_context_helper(self, request, historical_record):
        return ContextHelper(self.model, historical_record)

    def get_history_queryset(self, request, history_manager, pk_name, object_id):
        # As django-simple-history's own, without its select_related() with no
        # field names on models without foreign keys (deprecated in Django 6.1).
        rows = history_manager.filter(**{pk_name: object_id}).select_related("history_user")
        foreign_keys = [
            field.name for field in history_manager.model.tracked_fields if isinstance(field, models.ForeignKey)
        ]
        return rows.select_related(*foreign_keys) if foreign_keys else rows


def _field_label(model, name):
    """ "title (French)" for title_fr: the history table's columns carry the language."""
    base, _sep, lang = name.rpartition("_")
    if lang in ("en", "fr") and base:
        language = gettext("English") if lang == "en" else gettext("French")
        return f"{model._meta.get_field(base).verbose_name} ({language.lower()})"
    return str(model._meta.get_field(name).verbose_name)


def changes_since(version, since):
    """What others saved on a version, and its parts, after ``since``.

    One line per save, oldest first: who, when, and what (the fields of the
    version, or a part added, changed or removed), for the message that
    refuses a stale form.
    """
    from django.utils.formats import time_format
    from django.utils.timezone import localtime

    from ..models import VERSION_PART_MODELS

    # The form's token is the version's updated_at when it was opened. The
    # admin saves the version before its parts, so the parts saved with the
    # opener's own last save come before the first newer version row.
    newer = (
        version.history.filter(id=version.pk, updated_at__gt=since)
        .select_related("history_user")
        .order_by("history_date")
    )
    first = newer.first()
    if first is None:
        return []
    saves = []
    for row in newer:
        previous = row.prev_record
        fields = (
            [_field_label(version.__class__, change.field) for change in real_changes(row.diff_against(previous))]
            if previous
            else []
        )
        if row.status != getattr(previous, "status", row.status):
            fields.append(gettext("status: %(status)s") % {"status": row.get_status_display()})
        saves.append((row.history_date, row.history_user, fields))
    verbs = {"+": gettext("added %(part)s"), "~": gettext("changed %(part)s"), "-": gettext("removed %(part)s")}
    for model in VERSION_PART_MODELS:
        rows = model.history.filter(version_id=version.pk, history_date__gte=first.history_date)
        for row in rows.select_related("history_user"):
            saves.append(
                (row.history_date, row.history_user, [verbs[row.history_type] % {"part": model._meta.verbose_name}])
            )
    lines = []
    for when, who, what in sorted(saves, key=lambda save: save[0]):
        if what:
            lines.append(
                gettext("%(who)s at %(time)s: %(what)s")
                % {
                    "who": who or gettext("someone"),
                    "time": time_format(localtime(when), "TIME_FORMAT"),
                    "what": ", ".join(dict.fromkeys(what)),
                }
            )
    return lines
