"""The site's form renderer: Django's templates, found through the project's TEMPLATES (so that
``forms/field.html`` here wraps each field group in a ``.field`` of the design system).

The commonest widget templates (``<input>`` of every type, ``<select>`` and its options,
``<textarea>``) are written in Python instead: the same markup, byte for byte, as Django's own
templates (``tests/www/test_forms_renderer.py`` renders both and compares). Why: a filter form
of the back-office renders a template per field, per widget, per option and per attribute
list — 270 template renders, 15 to 20 ms of a 65 ms members page at 5,000 members
(bench/backoffice_pages.py). A project template overriding one of these names, or a custom
option template, goes back to the template path.
"""

from __future__ import annotations

from django.forms.renderers import TemplatesSetting
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

WIDGETS = "django/forms/widgets/"
OPTION_TEMPLATE = f"{WIDGETS}select_option.html"
# Django's templates that are nothing but {% include "django/forms/widgets/input.html" %}.
INPUT_TEMPLATES = {
    f"{WIDGETS}{name}.html"
    for name in (
        "input", "text", "number", "email", "url", "password", "hidden", "search", "tel", "date",
        "datetime", "time", "color", "checkbox",
    )
}  # fmt: skip


def _text(value) -> str:
    """``{{ value|stringformat:'s' }}`` under autoescape: ``str``, escaped unless marked safe."""
    return conditional_escape(value if hasattr(value, "__html__") else str(value))


def _shown(value) -> str:
    """``{{ value }}`` under autoescape: localised as the template engine does, then escaped."""
    return conditional_escape(localize(value))


def _attrs(attrs: dict) -> str:
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        parts.append(
            f" {conditional_escape(name)}"
            if value is True
            else f' {conditional_escape(name)}="{_text(value)}"'
        )
    return "".join(parts)


def _input(widget: dict) -> str:
    value = "" if widget["value"] is None else f' value="{_text(widget["value"])}"'
    return (
        f'<input type="{conditional_escape(widget["type"])}" name="{conditional_escape(widget["name"])}"'
        f"{value}{_attrs(widget['attrs'])}>"
    )


def _option(option: dict) -> str:
    label = _shown(option["label"])
    return f'<option value="{_text(option["value"])}"{_attrs(option["attrs"])}>{label}</option>'


def _select(widget: dict) -> str | None:
    parts = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_shown(group_name)}">')
        for option in group_choices:
            if option["template_name"] != OPTION_TEMPLATE:
                return None
            parts.append(f"\n  {_option(option)}\n")  # the option template's own final newline
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


def _textarea(widget: dict) -> str:
    value = _shown(widget["value"]) if widget["value"] else ""
    return (
        f'<textarea name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>\n{value}</textarea>'
    )


PYTHON_WIDGETS = {name: _input for name in INPUT_TEMPLATES} | {
    f"{WIDGETS}select.html": _select,
    f"{WIDGETS}select_option.html": _option,
    f"{WIDGETS}textarea.html": _textarea,
}


def _overridden(template_name: str) -> bool:
    """A project or app template shadows Django's own under this name."""
    try:
        origin = get_template(template_name).origin.name
    except TemplateDoesNotExist:
        return True
    return "/django/forms/templates/" not in origin.replace("\\", "/")


class FormRenderer(TemplatesSetting):
    field_template_name = "forms/field.html"

    def __init__(self):
        super().__init__()
        self._python = {name: write for name, write in PYTHON_WIDGETS.items() if not _overridden(name)}

    def render(self, template_name, context, request=None):
        write = self._python.get(template_name) if request is None else None
        if write is not None:
            html = write(context["widget"])
            if html is not None:
                return mark_safe(html.strip())
        return super().render(template_name, context, request=request)
