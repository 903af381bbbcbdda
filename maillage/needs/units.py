"""Recognise the units of a need's quantity that the platform can compare with something.

The unit of a ``NeedCapability`` is free text typed by the author (« pièces / mois »,
« h/semaine »…). Only one kind is compared today: hours of work per week, which profiles
declare as ``Profile.capacity_hours_per_week``. ``is_hours_per_week`` says whether a unit is
one of its spellings; everything else is "not recognised".

Accepted, once lowercased, stripped of accents, with dots read as spaces and spaces around
« / » ignored (so « H / Sem. » is « h/sem »):

=================================  ==========================================
hours                              h, hr, hrs, heure(s), hour(s)
"per"                              « / », par, per, a la, each
week                               semaine(s), sem, week(s), wk
=================================  ==========================================

as ``<hours> <per> <week>`` (« h/semaine », « heures par semaine », « hours/week »), or
``<hours> hebdo`` / ``hebdo <hours>`` (also ``hebdomadaire(s)``: « heures hebdomadaires »,
« hebdo h »). Nothing else: « h » alone, « h/mois », « pièces/semaine », « jours/semaine »
are not recognised (a day or a month is not a fixed number of hours).
"""

from __future__ import annotations

import re
import unicodedata

_HOURS = r"(?:h|hr|hrs|heures?|hours?)"
_PER = r"(?:/|par|per|a la|each)"
_WEEK = r"(?:semaines?|sem|weeks?|wk)"
_WEEKLY = r"(?:hebdo|hebdomadaires?)"
_HOURS_PER_WEEK = re.compile(rf"^(?:{_HOURS} {_PER} {_WEEK}|{_HOURS} {_WEEKLY}|{_WEEKLY} {_HOURS})$")


def _normalised(unit: str) -> str:
    text = unicodedata.normalize("NFKD", unit or "")
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    text = text.replace(".", " ").replace("/", " / ")
    return " ".join(text.split())


def is_hours_per_week(unit: str | None) -> bool:
    """Whether ``unit`` spells hours of work per week (« h/semaine », « hours/week »…)."""
    return bool(_HOURS_PER_WEEK.match(_normalised(unit or "")))
