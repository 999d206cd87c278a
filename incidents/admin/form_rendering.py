"""
Django's form templates for inputs, selects, text areas, labels and error
lists, written in Python, for the version editor.

A version of 150 parts is a page of about 1,500 fields. Django renders each
field through two to four small templates (the widget, its attributes, each
option of a select and its attributes, the label), about 9,000 template
renderings in all, which cost most of the page's time (bench/README.md,
"Admin at scale"). ``FastFormRenderer`` writes the same markup as those
templates, from the same context, escaped the same way
(``render_value_in_context``, as ``{{ }}`` does); any other template,
including a widget's own, goes to Django's renderer as before.

``fieldset`` and ``tabular_cells`` do the same for the admin's inline
templates, in the editor's own copies of them
(templates/admin/incidents/recordversion/stacked.html, tabular.html): each
form's fieldsets (``admin/includes/fieldset.html``, included once per form)
and each row's cells (the inner loop of ``admin/edit_inline/tabular.html``).
``tests/test_admin_large_records.py`` renders the whole editor with these
and with Django's templates alone and requires the same HTML.
"""

import functools
import html

from django.forms.renderers import DjangoTemplates
from django.template import Context
from django.template.base import render_value_in_context
from django.template.defaultfilters import stringformat
from django.templatetags.static import StaticNode
from django.utils.safestring import SafeData, SafeString, mark_safe
from django.utils.translation import gettext

INPUT_TEMPLATES = {
    f"django/forms/widgets/{name}.html"
    for name in (
        "input",
        "text",
        "number",
        "email",
        "url",
        "password",
        "hidden",
        "checkbox",
        "date",
        "datetime",
        "time",
        "search",
        "tel",
        "color",
    )
}
SELECT = "django/forms/widgets/select.html"
OPTION = "django/forms/widgets/select_option.html"
TEXTAREA = "django/forms/widgets/textarea.html"
LABEL = "django/forms/label.html"
ERRORS = "django/forms/errors/list/ul.html"
RELATED_WRAPPER = "admin/widgets/related_widget_wrapper.html"

# ``{{ value }}`` with autoescaping on, localization as the settings say.
_CONTEXT = Context(autoescape=True)


def _text(value):
    """``{{ value }}``."""
    if type(value) is str:
        # What the template engine does to a plain string (no localization,
        # no time zone applies): django.utils.html.escape, without its lazy
        # wrapper. The commonest case, made short.
        return SafeString(html.escape(value))
    return render_value_in_context(value, _CONTEXT)


def _as_string(value):
    """``{{ value|stringformat:'s' }}`` (the filter keeps a safe value safe)."""
    if type(value) is str or type(value) is int:
        # "%s" of a plain string or integer is its str(), which is not safe.
        return SafeString(html.escape(str(value)))
    text = stringformat(value, "s")
    # Only a value already marked safe stays so, as the template engine does.
    return _text(mark_safe(text) if isinstance(value, SafeData) else text)  # noqa: S308


def _attrs(attrs):
    """django/forms/widgets/attrs.html (and django/forms/attrs.html)."""
    return "".join(
        f" {_text(name)}" + ("" if value is True else f'="{_as_string(value)}"')
        for name, value in attrs.items()
        if value is not False
    )


def _static(path):
    """``{% static path %}``."""
    return _text(StaticNode.handle_simple(path))


def _input(widget):
    value = f' value="{_as_string(widget["value"])}"' if widget["value"] is not None else ""
    return f'<input type="{_text(widget["type"])}" name="{_text(widget["name"])}"{value}{_attrs(widget["attrs"])}>'


@functools.lru_cache(maxsize=4096)
def _plain_option(value, label):
    return f'<option value="{_as_string(value)}">{_text(label)}</option>'


def _option(option):
    if not option["attrs"] and type(option["value"]) is str and type(option["label"]) is str:
        # An option of a long list (a country select lists 250, one per
        # jurisdiction row): the same two strings give the same markup.
        return _plain_option(option["value"], option["label"])
    return f'<option value="{_as_string(option["value"])}"{_attrs(option["attrs"])}>{_text(option["label"])}</option>'


class FastFormRenderer(DjangoTemplates):
    """Django's default renderer, with its commonest templates in Python."""

    def render(self, template_name, context, request=None):
        if template_name in INPUT_TEMPLATES:
            return _input(context["widget"]).strip()
        if template_name == SELECT:
            return self._select(context).strip()
        if template_name == OPTION:
            return _option(context["widget"]).strip()
        if template_name == TEXTAREA:
            widget = context["widget"]
            value = _text(widget["value"]) if widget["value"] else ""
            return f'<textarea name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>\n{value}</textarea>'
        if template_name == LABEL:
            label = _text(context["label"])
            if not context["use_tag"]:
                return label.strip()
            tag = _text(context["tag"])
            return f"<{tag}{_attrs(context['attrs'])}>{label}</{tag}>".strip()
        if template_name == ERRORS:
            return self._errors(context)
        if template_name == RELATED_WRAPPER:
            return self._related_wrapper(context)
        return super().render(template_name, context, request=request)

    def _select(self, context):
        widget = context["widget"]
        html = [f'<select name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>']
        for group_name, group_choices, _group_index in widget["optgroups"]:
            if group_name:
                html.append(f'\n  <optgroup label="{_text(group_name)}">')
            for option in group_choices:
                # Included, the option's template keeps its closing newline.
                if option["template_name"] == OPTION:
                    html.append(f"\n  {_option(option)}\n")
                else:
                    template = self.get_template(option["template_name"])
                    html.append(f"\n  {template.render({**context, 'widget': option})}")
            if group_name:
                html.append("\n  </optgroup>")
        html.append("\n</select>")
        return "".join(html)

    def _related_wrapper(self, context):
        """admin/widgets/related_widget_wrapper.html: the widget, then the
        links its ``{% spaceless %}`` block leaves (the whitespace inside
        their tags kept, that between them removed)."""
        model_ref = "" if context["model_has_limit_choices_to"] else f'data-model-ref="{_text(context["model_name"])}"'
        links = []
        if not context["is_hidden"]:
            name = _text(context["name"])
            params = _text(context["url_params"])
            model = {"model": _text(context["model"])}
            if context["can_change_related"]:
                links.append(
                    f'<a class="related-widget-wrapper-link change-related" id="change_id_{name}"\n'
                    f'            data-href-template="{_text(context["change_related_template_url"])}?{params}"\n'
                    '            data-popup="yes"\n'
                    f'            title="{gettext("Change selected %(model)s") % model}">'
                    f'<img src="{_static("admin/img/icon-changelink.svg")}" alt="" width="24" height="24"></a>'
                )
            if context["can_add_related"]:
                links.append(
                    f'<a class="related-widget-wrapper-link add-related" id="add_id_{name}"\n'
                    '            data-popup="yes"\n'
                    f'            href="{_text(context["add_related_url"])}?{params}"\n'
                    f'            title="{gettext("Add another %(model)s") % model}">'
                    f'<img src="{_static("admin/img/icon-addlink.svg")}" alt="" width="24" height="24"></a>'
                )
            if context["can_delete_related"]:
                links.append(
                    f'<a class="related-widget-wrapper-link delete-related" id="delete_id_{name}"\n'
                    f'            data-href-template="{_text(context["delete_related_template_url"])}?{params}"\n'
                    '            data-popup="yes"\n'
                    f'            title="{gettext("Delete selected %(model)s") % model}">'
                    f'<img src="{_static("admin/img/icon-deletelink.svg")}" alt="" width="24" height="24"></a>'
                )
            if context["can_view_related"]:
                view_params = _text(context["view_related_url_params"])
                links.append(
                    f'<a class="related-widget-wrapper-link view-related" id="view_id_{name}"\n'
                    f'             data-href-template="{_text(context["change_related_template_url"])}?{view_params}"\n'
                    f'             title="{gettext("View selected %(model)s") % model}">'
                    f'<img src="{_static("admin/img/icon-viewlink.svg")}" alt="" width="24" height="24"></a>'
                )
        return (
            f'<div class="related-widget-wrapper" {model_ref}>\n    {_text(context["rendered_widget"])}\n    '
            f"\n        {''.join(links)}\n    \n</div>"
        )

    def _errors(self, context):
        errors = context["errors"]
        if not errors:
            return ""
        field_id = getattr(errors, "field_id", None)
        id_attr = f' id="{_text(field_id)}_error"' if field_id else ""
        items = "".join(f"<li>{_text(error)}</li>" for error in errors)
        return f'<ul class="{_text(context["error_class"])}"{id_attr}>{items}</ul>'


renderer = FastFormRenderer()


# The fieldsets of the editor's stacked inlines --------------------------------------


def _lookup(value, name):
    """``{{ value.name }}`` as the template engine looks it up: a key of a
    dict first (a read-only field's ``field`` is a dict), then an attribute;
    missing, an empty string."""
    if isinstance(value, dict):
        return value.get(name, "")
    return getattr(value, name, "")


def fieldset(fieldset, heading_level, prefix, id_prefix, id_suffix):
    """What ``{% include "admin/includes/fieldset.html" with ... %}`` writes
    (Django's template, line by line, with its whitespace): a stacked
    inline of 50 forms includes it 50 times, about 1,000 template nodes each."""
    html = []
    write = html.append
    name = fieldset.name
    collapsible = fieldset.is_collapsible if name else False
    heading_id = f"{_text(prefix)}-{_text(id_prefix)}-{_text(id_suffix)}-heading"
    write(f'<fieldset class="module aligned {_text(fieldset.classes)}"')
    if name:
        write(f' aria-labelledby="{heading_id}"')
    write(">\n    ")
    if name:
        write("\n        ")
        if collapsible:
            write("<details><summary>")
        level = _text(heading_level or 2)
        write(f'\n        <h{level} id="{heading_id}" class="fieldset-heading">{_text(name)}</h{level}>\n        ')
        if collapsible:
            write("</summary>")
        write("\n    ")
    write("\n    ")
    if fieldset.description:
        write(f'\n        <div class="description">{mark_safe(str(fieldset.description))}</div>\n    ')  # noqa: S308 (``|safe``, as the template)
    write("\n    ")
    for line in fieldset:
        fields = list(line)
        single = len(line.fields) == 1
        classes = "" if single else " flex-container form-multiline"
        if not line.has_visible_field:
            classes += " hidden"
        for field in fields:
            field_name = _lookup(field.field, "name")
            if field_name:
                classes += f" field-{_text(field_name)}"
        write(f'\n        <div class="form-row{classes}">\n            ')
        line_errors = line.errors() if single else ""
        for field in fields:
            bound = field.field
            field_name = _lookup(bound, "name")
            help_text = _lookup(bound, "help_text")
            is_hidden = _lookup(bound, "is_hidden")
            is_fieldset = getattr(field, "is_fieldset", "")
            write("\n                ")
            if is_fieldset:
                write("<fieldset")
                if help_text:
                    write(f' aria-describedby="{_text(_lookup(bound, "id_for_label"))}_helptext"')
                write(f">{_text(field.label_tag())}")
            field_errors = "" if field.is_readonly else field.errors()
            box = ""
            if (not field.is_readonly and field_errors) or (single and line_errors):
                box += " errors"
            if not single:
                box += " fieldBox"
                if field_name:
                    box += f" field-{_text(field_name)}"
                if is_hidden:
                    box += " hidden"
            if field.is_checkbox:
                box += " checkbox-row"
            write(f'\n                <div class="flex-container{box}">\n                    ')
            if field.is_checkbox:
                write(
                    f'\n                        <div class="checkbox">\n                        {_text(bound)}\n                        '
                )
                if not is_fieldset:
                    write(_text(field.label_tag()))
                write("\n                        </div>\n                    ")
            else:
                write("\n                        ")
                if not is_fieldset:
                    write(_text(field.label_tag()))
                write("\n                    ")
            write("\n                    ")
            if help_text:
                hidden = " hidden" if is_hidden else ""
                label_id = _lookup(bound, "id_for_label")
                id_attr = f' id="{_text(label_id)}_helptext"' if label_id else ""
                write(
                    f'\n                        <div class="help{hidden}"{id_attr}>\n'
                    f"                            <div>{mark_safe(str(help_text))}</div>\n"  # noqa: S308 (``|safe``, as the template)
                    "                        </div>\n                    "
                )
            write("\n                    ")
            if single:
                write(_text(line_errors))
            write("\n                    ")
            if not single and not field.is_readonly:
                write(_text(field_errors))
            write("\n                        ")
            if not field.is_checkbox:
                write("\n                        ")
                if field.is_readonly:
                    write(
                        f'\n                            <div class="readonly">{_text(field.contents())}</div>\n                        '
                    )
                else:
                    write(f"\n                            {_text(bound)}\n                        ")
                write("\n                    ")
            write("\n                </div>\n                ")
            if is_fieldset:
                write("</fieldset>")
            write("\n            ")
        write("\n        </div>\n    ")
    write("\n    ")
    if name and collapsible:
        write("</details>")
    write("\n</fieldset>\n")
    return mark_safe("".join(html))  # noqa: S308 (every value above is escaped as ``{{ }}`` escapes it)


def tabular_cells(inline_admin_form):
    """The cells of one row of Django's admin/edit_inline/tabular.html (its
    loop over the row's fieldsets, lines and fields), with its whitespace."""
    html = []
    write = html.append
    for fieldset in inline_admin_form:
        write("\n          ")
        for line in fieldset:
            write("\n            ")
            for field in line:
                bound = field.field
                classes = ""
                field_name = _lookup(bound, "name")
                if field_name:
                    classes = f"field-{_text(field_name)}"
                if _lookup(bound, "is_hidden"):
                    classes += " hidden"
                write(f'\n              <td class="{classes}">\n              ')
                if field.is_readonly:
                    write(f"\n                  <p>{_text(field.contents())}</p>\n              ")
                else:
                    write(
                        f"\n                  {_text(bound.errors.as_ul())}\n                  {_text(bound)}\n              "
                    )
                write("\n              </td>\n            ")
            write("\n          ")
        write("\n        ")
    return mark_safe("".join(html))  # noqa: S308 (every value above is escaped as ``{{ }}`` escapes it)
