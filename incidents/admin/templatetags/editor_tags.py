"""The version editor's inlines (templates/admin/incidents/recordversion/
stacked.html and tabular.html, Django's with these tags in place of their
innermost loops): the same HTML, written in Python (form_rendering.py)."""

from django import template

from incidents.admin import form_rendering

register = template.Library()


@register.simple_tag
def editor_fieldset(fieldset, heading_level, prefix, id_prefix, id_suffix):
    """``{% include "admin/includes/fieldset.html" with ... %}``."""
    return form_rendering.fieldset(fieldset, heading_level, prefix, id_prefix, id_suffix)


@register.simple_tag
def editor_tabular_cells(inline_admin_form):
    """The cells of a row of ``admin/edit_inline/tabular.html``."""
    return form_rendering.tabular_cells(inline_admin_form)
