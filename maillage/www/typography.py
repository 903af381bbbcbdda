"""French typography, applied in one place: spaces, elision, numbers and units.

French puts a non-breaking space before « : » and inside « », a narrow one before « ; ! ? »
(the Imprimerie nationale's rule), writes one apostrophe (’), says « d’Obernai », « du Havre »,
groups thousands (« 1 200 mm », Django's French separator) and abbreviates units its own way
(« tr/min », a press's « t »). English text keeps its own punctuation; numbers and units follow
the active language.

Functions take plain text and return plain text (escaping stays the template's job); the
template filters of ``maillage.www.templatetags.typography`` call them.
"""

from __future__ import annotations

import html
import re

from django.utils.formats import number_format
from django.utils.translation import get_language, gettext, pgettext_lazy

from maillage.directory.validators import spaced_identifier

NBSP = "\u00a0"  # before « : », inside « », between a number and its unit
NNBSP = "\u202f"  # before « ; ! ? »
# The taxonomy's unit codes as a reader expects them; the others read as they are written.
UNIT_SHOWN = {
    "count": "",  # « Nombre de lasers : 4 »
    "tf": pgettext_lazy("unit", "t"),  # presses are rated in tonnes in French workshops
    "rpm": pgettext_lazy("unit", "tr/min"),
}
_VOWELS = frozenset("aeiouyàâäéèêëîïôöùûüÿæœAEIOUYÀÂÄÉÈÊËÎÏÔÖÙÛÜŸÆŒ")
# A space (or none) before « : » ending a word, not inside a URL or a time (« 10:30 »).
# After a number only when spaced already (« ligne 2 : »): « 10:30 » is a time.
_BEFORE_COLON = re.compile(r"(?:(?<=[^\s\d:/])[ \u00a0\u202f]?|(?<=\d)[ \u00a0\u202f]):(?=\s|$)")
_BEFORE_HIGH = re.compile(r"(?<=\S)[ \u00a0\u202f]?([;!?])(?=\s|$|[»)])")
_OPEN_QUOTE = re.compile(r"«[ \u00a0\u202f]*")
_CLOSE_QUOTE = re.compile(r"[ \u00a0\u202f]*»")
_STRAIGHT_APOSTROPHE = re.compile(r"(?<=\w)'(?=\w)")
# « de Industries », « de Obernai »: a name starting with a vowel takes « d’ » (not before Y
# nor H, whose words differ: « de Yutz », « de Haguenau »; not a lone letter: « de A à Z »;
# not a capital « De », part of a surname: « De Oliveira »).
_DE_VOWEL = re.compile(r"(?<![\w’'])de (?=[AEIOUÀÂÉÈÊËÎÏÔÖÙÛÜ][\w’'-])")
# Elements whose text is code or what the user is typing: never touched.
_RAW = re.compile(r"(<(script|style|pre|code|textarea)\b.*?</\2\s*>)", re.IGNORECASE | re.DOTALL)
# A tag ends at the first « > »: Django escapes it inside the values it writes in attributes.
_MARKUP = re.compile(r"(<!--.*?-->|<[^>]*>)", re.DOTALL)
# Attributes a reader sees or hears (a field's hint, a tooltip, a screen reader's label).
# Punctuation opening a text that follows an element (« <b>Nom</b> : », « </a>?»).
_LEADING_CHARS = frozenset(" \u00a0\u202f:;!?")
_LEADING_MARK = re.compile(r"^[ \u00a0\u202f]?([:;!?])(?=\s|$|<)")
# What french_text may change (a quick test before the work: pages hold thousands of nodes).
_MAY_CHANGE = re.compile(r"[':;!?«»&]|de ")
_HAS_READ_ATTRIBUTE = re.compile(r"\s(?:title|placeholder|aria-label|alt)=")
_READ_ATTRIBUTE = re.compile(r'(\s(?:title|placeholder|aria-label|alt)=")([^"]*)(")')


def is_french() -> bool:
    return (get_language() or "fr").startswith("fr")


def number(value: float, *, decimals: int = 1) -> str:
    """``value`` in the active language, at most ``decimals`` places, no trailing zero:
    « 1 200 », « 12,4 », « 0,25 » in French; "1,200", "12.4" in English."""
    rounded = round(float(value), decimals)
    places = next(p for p in range(decimals + 1) if round(rounded, p) == rounded)
    return number_format(rounded, places, use_l10n=True, force_grouping=True)


def identifier(value: str) -> str:
    """A SIRET or SIREN as INSEE prints it, on one line: « 123 456 789 00012 », « 123 456 789 »."""
    return spaced_identifier(value)


def colon() -> str:
    """The colon after a label in the active language: « Effectif : » (non-breaking space) in
    French, "Headcount:" in English; for templates that join a label and its value."""
    return NBSP + ":" if is_french() else ":"


def unit_shown(unit: str) -> str:
    return str(UNIT_SHOWN.get(unit, unit))


def measure(value: float, unit: str, *, decimals: int = 1) -> str:
    """« 1 200 mm », « 300 t », « 12 000 tr/min », « 4 » (a count has no unit)."""
    shown = unit_shown(unit)
    text = number(value, decimals=decimals)
    return f"{text}{NBSP}{shown}" if shown else text


def editable_measure(value: float, unit: str) -> str:
    """A figure as a form field shows it for editing, in the words the spec parser reads back:
    « 20000 tr/min », « 0,25 mm », « 6 » in French; "20000 rpm", "0.25 mm" in English. No
    thousands separator: the parser takes an English "20,000" for twenty."""
    text = f"{float(value):.6g}"
    if "e" in text:  # 1e+06: spelled out in full
        text = f"{float(value):f}".rstrip("0").rstrip(".")
    if is_french():
        text = text.replace(".", ",")
    shown = unit_shown(unit)
    return f"{text} {shown}" if shown else text


def distance(km: float) -> str:
    """« 12,4 km »; under a kilometre « moins de 1 km » (positions are often a commune's centre:
    « 0 km » would claim a precision the data does not have)."""
    if km < 1:
        return gettext("moins de %(distance)s") % {"distance": measure(1, "km")}
    return measure(km, "km")


def french_text(text: str) -> str:
    """``text`` with French spacing and apostrophes, whatever the active language (idempotent)."""
    if not text:
        return text
    text = _STRAIGHT_APOSTROPHE.sub("’", text)
    text = _DE_VOWEL.sub("d’", text)
    text = _OPEN_QUOTE.sub("«" + NBSP, text)
    text = _CLOSE_QUOTE.sub(NBSP + "»", text)
    text = _BEFORE_COLON.sub(NBSP + ":", text)
    return _BEFORE_HIGH.sub(lambda m: NNBSP + m.group(1), text)


def _french_escaped(text: str, *, quote: bool) -> str:
    """``french_text`` on escaped HTML text: unescaped first, so that neither an entity's « ; »
    (« &amp; ») takes a space nor an escaped apostrophe (« &#x27; ») escapes the rule."""
    if not _MAY_CHANGE.search(text):  # most text nodes: whitespace, names, figures
        return text
    return html.escape(french_text(html.unescape(text)), quote=quote)


def _french_markup(tag: str) -> str:
    if tag.startswith("<!--") or not _HAS_READ_ATTRIBUTE.search(tag):
        return tag
    return _READ_ATTRIBUTE.sub(
        lambda m: m.group(1) + _french_escaped(m.group(2), quote=True) + m.group(3), tag
    )


def french_html(document: str) -> str:
    """``french_text`` on an HTML page's text and its read attributes (title, placeholder,
    aria-label, alt), so that every page, its data included, follows the rule; scripts, styles,
    code and text areas (what a user is editing) stay as they are."""
    out = []
    for i, chunk in enumerate(_RAW.split(document)):
        # split() also returns the tag name group: every third item, dropped.
        if i % 3 == 2:
            continue
        if i % 3 == 1:
            out.append(chunk)
            continue
        for j, part in enumerate(_MARKUP.split(chunk)):
            if j % 2:
                out.append(_french_markup(part))
                continue
            text = _french_escaped(part, quote=False)
            if text[:1] in _LEADING_CHARS and j and out[-1].startswith("<"):
                text = _LEADING_MARK.sub(lambda m: (NBSP if m.group(1) == ":" else NNBSP) + m.group(1), text)
            out.append(text)
    return "".join(out)


def french_spacing(text: str) -> str:
    """``french_text`` on a French page, so that a line never starts with a colon; English text
    is returned unchanged."""
    return french_text(text) if is_french() else text


def french_of(name: str) -> tuple[str, str]:
    """How French says « of/from <name> »: ("d’", "Obernai"), ("du", "Havre") for « Le Havre »,
    ("des", "Ulis") for « Les Ulis », else ("de", name) — « de Haguenau », « de La Rochelle »
    (no elision before h: too many place names start with a silent-or-not h to guess)."""
    if name.startswith("Le "):
        return "du", name[3:]
    if name.startswith("Les "):
        return "des", name[4:]
    if name[:1] in _VOWELS:
        return "d’", name
    return "de", name


def of_parts(name: str) -> tuple[str, str]:
    """What goes before ``name`` (with its space) and the name itself, in the active language:
    ("d’", "Industries Alsace du Nord"), ("de ", "Haguenau"), ("of ", …) in English; for a name
    shown as a link after its preposition."""
    name = (name or "").strip()
    if not is_french():
        return "of ", name
    article, rest = french_of(name)
    return (article if article.endswith("’") else article + " "), rest


def of(name: str) -> str:
    """« de Haguenau », « d’Industries Alsace du Nord », « du Havre »; « of … » in English."""
    return "".join(of_parts(name))


def money(value: float, *, decimals: int = 2) -> str:
    """An amount in euros as each language writes it: « 1 234,5 € » in French (the sign after,
    a non-breaking space between), "€1,234.5" in English (the sign before, no space)."""
    text = number(value, decimals=decimals)
    return f"{text}{NBSP}€" if is_french() else f"€{text}"


def percent(value: float, *, decimals: int = 0) -> str:
    """« 90 % » in French (a non-breaking space before the sign), "90%" in English."""
    text = number(value, decimals=decimals)
    return f"{text}{NBSP}%" if is_french() else f"{text}%"
