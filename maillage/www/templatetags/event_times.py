"""``{% load event_times %}``: the half-day of a session and hours attended, for the attendance
pages, the sheet and certificate PDFs and their e-mails (the days and clock times are
``{% load events %}``'s ``long_day`` and ``clock``)."""

from django import template
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.www.typography import number

register = template.Library()


@register.filter
def half_day(value):
    """« matin » before noon (Paris), else « après-midi »."""
    if not value:
        return ""
    return _("matin") if timezone.localtime(value).hour < 12 else _("après-midi")


@register.filter
def hours(value):
    """« 3,5 h », « 14 h »."""
    if value is None or value == "":
        return ""
    return f"{number(value, decimals=2)} h"
