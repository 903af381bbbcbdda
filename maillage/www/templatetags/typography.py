"""``{% load typography %}``: French typography for the active language (``maillage.www.typography``).

``{{ text|typo }}``    French spacing and apostrophes (nothing in English).
``{{ name|of }}``      « de Haguenau », « d’Industries… » (« of … » in English);
``{{ name|of_prefix }}`` only « de  »/« d’ »/« of  », for a name shown as a link after it.
``{{ n|number }}``     « 20 000 », « 1 234,5 » (« 20,000 » in English); ``|number:1`` one decimal.
``{{ n|quantity:"rpm" }}`` « 20 000 tr/min »; a count (``"count"``) is a plain number.
"""

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, mark_safe
from django.utils.translation import get_language

from maillage.www import typography

register = template.Library()
_TAG = __import__("re").compile(r"(<[^>]*>)")


def _language() -> str:
    return get_language() or "fr"


@register.filter(is_safe=True)
def typo(value):
    if value is None:
        return ""
    if not _language().startswith("fr"):
        return value
    if isinstance(value, SafeData):
        # HTML already: only the text between tags is touched (entities such as &#x27; stay).
        parts = _TAG.split(str(value))
        return mark_safe("".join(p if p.startswith("<") else typography.french_text(p) for p in parts))
    return conditional_escape(typography.french_text(str(value)))


@register.filter(name="of")
def of_filter(value):
    return typography.of(str(value or ""), language=_language())


@register.filter
def of_prefix(value):
    """« d’ », « de  » or « of  » for a name shown right after it (a link, say)."""
    return typography.of_prefix(str(value or ""), language=_language())


@register.filter(name="number")
def number_filter(value, decimals=None):
    return typography.number(
        value, decimals=None if decimals in (None, "") else int(decimals), language=_language()
    )


@register.filter
def quantity(value, unit):
    return typography.quantity(value, unit, language=_language())
