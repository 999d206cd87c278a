"""The version editor's stacked inlines
(templates/admin/incidents/recordversion/stacked.html)."""

from django import template

from incidents.admin import form_rendering

register = template.Library()


@register.simple_tag(takes_context=True)
def editor_fieldset(context, fieldset, heading_level, prefix, id_prefix, id_suffix):
    """``{% include "admin/includes/fieldset.html" %}``, written in Python
    (form_rendering.fieldset)."""
    return form_rendering.fieldset(context, fieldset, heading_level, prefix, id_prefix, id_suffix)
