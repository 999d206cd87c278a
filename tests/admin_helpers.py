"""Helpers for admin tests: URLs and the POST data a browser would send."""

import datetime

from django.urls import reverse

from incidents.models import Kind

# The inline formsets of the version editor, by prefix (the parts' related names).
VERSION_INLINE_PREFIXES = [
    "hazard_links",
    "harms",
    "citations",
    "recommendations",
    "recommendation_authorities",
    "entity_roles",
    "responses",
    "classifications",
    "jurisdictions",
    "external_ids",
]


def admin_url(model_or_obj, view, *args):
    opts = model_or_obj._meta
    if view in ("change", "history", "delete") and not args:
        args = (model_or_obj.pk,)
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


def version_url(version, view="change"):
    return reverse(f"admin:incidents_recordversion_{view}", args=[version.pk])


def empty_formsets(*prefixes, initial=None):
    """Management forms for formsets with no rows."""
    data = {}
    for prefix in prefixes or VERSION_INLINE_PREFIXES:
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": "0",
                f"{prefix}-INITIAL_FORMS": str((initial or {}).get(prefix, 0)),
                f"{prefix}-MIN_NUM_FORMS": "0",
                f"{prefix}-MAX_NUM_FORMS": "1000",
            }
        )
    return data


def rows(prefix, *forms):
    """Management form and fields for new rows of one inline formset."""
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(forms)),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for index, fields in enumerate(forms):
        for name, value in fields.items():
            data[f"{prefix}-{index}-{name}"] = value
    return data


def new_version_data(kind=Kind.INCIDENT, **fields):
    """A complete, valid add-page POST for a new record, without parts."""
    data = {
        "kind": kind,
        "title_en": "Deepfake job applicants infiltrate companies",
        "title_fr": "Des candidats hypertrucés infiltrent des entreprises",
        "summary_en": "Operatives used AI-generated video in remote job interviews.",
        "summary_fr": "Des agents ont utilisé des vidéos générées par IA lors d'entrevues à distance.",
        "narrative_en": "An advisory described the scheme.",
        "narrative_fr": "Un avis a décrit le stratagème.",
        "editorial_assessment_en": "",
        "editorial_assessment_fr": "",
        "assessment_status": "not_assessed",
        "recommendations_status": "not_assessed",
        "taxonomy_status": "not_assessed",
        "change_note_en": "",
        "change_note_fr": "",
        "occurred_on": "2025-07-16",
        "occurrence_precision": "day",
        "occurred_until": "",
        "first_reported_on": "2025-07-16",
        "verification_level": "4",
        "severity": "3",
        "ai_system_en": "AI-generated video deepfakes",
        "ai_system_fr": "Hypertrucages vidéo générés par IA",
        "_save": "Save",
    }
    data.update(empty_formsets())
    data.update(fields)
    return data


def _post_value(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "on" if value else None
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [str(item) for item in value]
    return str(value)


def _form_fields(form, data):
    for name in form.fields:
        value = _post_value(form[name].value())
        if value is not None:
            data[form.add_prefix(name)] = value


def change_form_data(response, **changes):
    """The POST data of the admin form in ``response`` as the browser would
    send it unchanged, with ``changes`` applied (a value of None removes a key)."""
    context = response.context
    data = {"_save": "Save"}
    _form_fields(context["adminform"].form, data)
    for inline in context["inline_admin_formsets"]:
        formset = inline.formset
        _form_fields(formset.management_form, data)
        for form in formset.forms:
            _form_fields(form, data)
    for name, value in changes.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    return data
