"""The site's form renderer: Django's templates, found through the project's TEMPLATES (so that
``forms/field.html`` here wraps each field group in a ``.field`` of the design system)."""

from django.forms.renderers import TemplatesSetting


class FormRenderer(TemplatesSetting):
    field_template_name = "forms/field.html"
