"""``{% load events %}``: an event's dates as people read them, in Paris time.

``{{ dt|long_day }}``          « mardi 15 septembre 2026 » ("Tuesday 15 September 2026").
``{{ dt|clock }}``             « 9 h 00 » ("9:00").
``{{ session|span }}``         « mardi 15 septembre 2026, 9 h 00 – 12 h 30 »; over several days
                               « … 9 h 00 – mercredi 16 septembre 2026, 17 h 00 ».
``{{ event|when }}``           an event in one line: its span on one day, else « du mardi 15
                               septembre 2026 au mardi 22 septembre 2026 ».
``{{ dt|half_day }}``          « matin » before noon (Paris), else « après-midi ».
``{{ value|hours }}``          « 3,5 h », « 14 h ».
"""

from __future__ import annotations

import zoneinfo

from django import template
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from maillage.www import typography

register = template.Library()

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
NBSP = typography.NBSP


@register.filter
def long_day(value):
    if not value:
        return ""
    local = value.astimezone(PARIS) if hasattr(value, "astimezone") and hasattr(value, "hour") else value
    return date_format(local, "l j F Y")


@register.filter
def clock(value):
    if not value:
        return ""
    local = value.astimezone(PARIS)
    if typography.is_french():
        return f"{local.hour}{NBSP}h{NBSP}{local.minute:02d}"
    return f"{local.hour}:{local.minute:02d}"


@register.filter
def span(session):
    """The when of a session (or an event): its day and hours; a second day when it ends later."""
    start, end = session.starts_at.astimezone(PARIS), session.ends_at.astimezone(PARIS)
    first = f"{long_day(start)}, {clock(start)}"
    if start.date() == end.date():
        return f"{first}{NBSP}– {clock(end)}"
    return f"{first}{NBSP}– {long_day(end)}, {clock(end)}"


@register.filter
def when(event):
    start, end = event.starts_at.astimezone(PARIS), event.ends_at.astimezone(PARIS)
    if start.date() == end.date():
        return span(event)
    return _("du %(first)s au %(last)s") % {"first": long_day(start), "last": long_day(end)}


@register.filter
def half_day(value):
    if not value:
        return ""
    return _("matin") if value.astimezone(PARIS).hour < 12 else _("après-midi")


@register.filter
def hours(value):
    if value is None or value == "":
        return ""
    return f"{typography.number(value, decimals=2)} h"
