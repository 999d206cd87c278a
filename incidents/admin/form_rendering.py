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
``tests/test_admin_large_records.py`` compares both renderings field by
field.
"""

from django.forms.renderers import DjangoTemplates
from django.template import Context
from django.template.base import render_value_in_context
from django.template.defaultfilters import stringformat
from django.utils.safestring import SafeData, mark_safe

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

# ``{{ value }}`` with autoescaping on, localization as the settings say.
_CONTEXT = Context(autoescape=True)


def _text(value):
    """``{{ value }}``."""
    return render_value_in_context(value, _CONTEXT)


def _as_string(value):
    """``{{ value|stringformat:'s' }}`` (the filter keeps a safe value safe)."""
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


def _input(widget):
    value = f' value="{_as_string(widget["value"])}"' if widget["value"] is not None else ""
    return f'<input type="{_text(widget["type"])}" name="{_text(widget["name"])}"{value}{_attrs(widget["attrs"])}>'


def _option(option):
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

    def _errors(self, context):
        errors = context["errors"]
        if not errors:
            return ""
        field_id = getattr(errors, "field_id", None)
        id_attr = f' id="{_text(field_id)}_error"' if field_id else ""
        items = "".join(f"<li>{_text(error)}</li>" for error in errors)
        return f'<ul class="{_text(context["error_class"])}"{id_attr}>{items}</ul>'


renderer = FastFormRenderer()
