"""``{% load typography %}``: French typography for the active language (``maillage.www.typography``).

``{{ text|typo }}``        French spacing and apostrophes (nothing in English).
``{{ name|of }}``          « de Haguenau », « d’Industries… », « du Havre » (« of … » in English).
``{{ name|of_parts }}``    the preposition and the name apart, for a name shown as a link.
``{{ n|number }}``         « 20 000 », « 1 234,5 » (« 20,000 » in English); ``|number:2`` two places.
``{{ n|quantity:"rpm" }}`` « 20 000 tr/min »; a count (``"count"``) is a plain number.
``{{ km|distance }}``      « 12,4 km », « moins de 1 km ».
``{{ siret|identifier }}`` « 123 456 789 00012 », on one line.
``{{ label }}{% colon %}`` « Effectif : » in French, "Headcount:" in English.
``{{ amount|euros }}``     « 1 234,5 € », "€1,234.5"; ``|euros:0`` whole euros.
``{{ share|percent }}``    « 90 % », "90%".
"""

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, mark_safe

from maillage.www import typography

register = template.Library()


@register.filter(is_safe=True)
def typo(value):
    if value is None:
        return ""
    if not typography.is_french():
        return value
    if isinstance(value, SafeData):
        # HTML already: its text only, entities read as characters (« R&amp;D ; » keeps its entity).
        return mark_safe(typography.french_html(str(value)))
    return conditional_escape(typography.french_text(str(value)))


@register.filter(name="of")
def of_filter(value):
    return typography.of(str(value or ""))


@register.filter
def of_parts(value):
    return typography.of_parts(str(value or ""))


@register.filter(name="number")
def number_filter(value, decimals=1):
    if value is None or value == "":
        return ""
    return typography.number(value, decimals=int(decimals))


@register.filter
def identifier(value):
    return typography.identifier(str(value or ""))


@register.filter
def quantity(value, unit):
    """A machine's figure: up to three decimals, as declared (« 0,25 mm »)."""
    if value is None or value == "":
        return ""
    return typography.measure(value, unit, decimals=3)


@register.filter
def distance(value):
    """« 12,4 km », « moins de 1 km »."""
    if value is None or value == "":
        return ""
    return typography.distance(float(value))


@register.simple_tag(name="colon")
def colon_tag():
    return typography.colon()


@register.filter
def euros(value, decimals=2):
    if value is None or value == "":
        return ""
    return typography.money(value, decimals=int(decimals))


@register.filter
def percent(value, decimals=0):
    if value is None or value == "":
        return ""
    return typography.percent(value, decimals=int(decimals))
