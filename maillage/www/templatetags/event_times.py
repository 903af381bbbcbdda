"""Dates and times of events as the French read them: « mardi 15 septembre 2026 »,
« 9 h 00 », « matin » / « après-midi » — in Europe/Paris whatever the server's zone. Used by
the attendance pages, the sheet and certificate PDFs and their e-mails."""

from django import template
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext as _

from maillage.www.typography import is_french, number

register = template.Library()


@register.filter
def event_day(value):
    """« mardi 15 septembre 2026 » (English: "Tuesday 15 September 2026")."""
    if not value:
        return ""
    return date_format(timezone.localtime(value), "l j F Y")


@register.filter
def event_time(value):
    """« 9 h 00 » (English: "9:00")."""
    if not value:
        return ""
    local = timezone.localtime(value)
    # Non-breaking spaces: « 9 h 00 » never splits across lines.
    return date_format(local, "G\u00a0\\h\u00a0i") if is_french() else date_format(local, "G:i")


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
