"""Read a place in the buyer's free text: « anodisation dure près de Haguenau » → Haguenau.

Phrases read, accents and case ignored: « près de X », « autour de X », « proche de X », « vers
X », « sur X », « à 30 km de X » (a radius), « dans le 67 », « en Bas-Rhin », « dans le
Bas-Rhin », a postal code, and a commune name ending the text. X is a commune (an ambiguous
name goes to the most populous commune, as the autocomplete orders them), a postal code, a
department (name or number) or an EPCI's name. « Sur notre territoire », « dans notre réseau »,
« sur le territoire » (« on our territory », « in our network ») mean the territory of the
network the search is made for, when there is one (else the phrase is not read). The phrase
is removed from the text, so a company *named* « Haguenau » no longer matches for it. Nothing
here runs the engine.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import F

from maillage.directory.models import Network
from maillage.referential.models import Commune, Department, Epci
from maillage.referential.selectors import commune_resolve
from maillage.referential.text import normalize_name

MAX_PLACE_WORDS = 5  # « Saint-Martin-de-la-Place » is one word; « La Wantzenau » two
# « à 30 km de Haguenau », "within 30 km of Haguenau" (the interface is also English).
_RADIUS = (
    r"(?:a|à|within)\s+(?P<km>\d{1,4})\s*(?:km|kms|kilom[eè]tres?|kilomet(?:er|re)s?)\s+"
    r"(?:de|d['’]|du|des|autour\s+de|of|from|around)\s*"
)
_NEAR = (
    r"(?:pr[eè]s|proche|autour|alentours?|[àa]\s+proximit[ée]|aux\s+environs|dans\s+la\s+r[ée]gion|"
    r"dans\s+le\s+secteur|c[ôo]t[ée])\s*(?:de|d['’]|du|des)?\s*"
    r"|(?:vers|near|around)\s+"
)
_DEPARTMENT_NUMBER = r"(?:dans\s+le|en|du)\s+(?P<dep>\d{2,3}|2[ab])\b"
_DEPARTMENT_NAME = r"(?:dans\s+(?:le|la|les|l['’])|en|du|de\s+la|des)\s*"
_POSTAL = re.compile(r"\b(?P<code>\d{5})\b")
# The network's own territory; not « sur le territoire de Haguenau » (a place named after it).
_TERRITORY = re.compile(
    r"(?<![\w-])(?:(?:sur|dans|de|en)\s+(?:notre|le|ce)|du|(?:in|on|within|across)\s+(?:our|the))\s+"
    r"(?:territoire|r[ée]seau|territory|network)(?![\w-])(?!\s*(?:(?:de|du|des|of)(?![\w-])|d['’]))",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class PlaceReading:
    """What the text said about the place, and the text without it."""

    text: str  # the query without the place phrase
    phrase: str  # the words removed, as typed
    label: str  # « Haguenau (67) », « Bas-Rhin (67) »
    lat: float | None = None
    lon: float | None = None
    radius_km: float | None = None
    department: str | None = None  # a department read as such: a filter, not a point
    network: str | None = None  # « sur notre territoire »: this network's territory (its slug)


def _words(text: str) -> list[re.Match]:
    return list(re.finditer(r"[\w'’-]+", text))


def _commune(name: str) -> Commune | None:
    """A commune name or postal code; ambiguous names go to the most populous commune."""
    resolution = commune_resolve(name, prefer="postal_code")
    if resolution.commune is not None:
        return resolution.commune if resolution.commune.latitude is not None else None
    candidates = [c for c in resolution.candidates if c.latitude is not None]
    if not candidates:
        return None
    return max(candidates, key=lambda c: (c.population or 0, c.kind == Commune.Kind.CURRENT))


def _department(name: str) -> Department | None:
    search = normalize_name(name)
    for department in Department.objects.all():
        if search in (normalize_name(department.name), department.code.lower()):
            return department
    return None


def _epci_point(name: str) -> tuple[Epci, float, float] | None:
    """An EPCI by its name (« CA de Haguenau »), placed at its most populous commune."""
    if len(name) < 4:
        return None
    epci = Epci.objects.filter(name__iexact=name.strip()).first()
    if epci is None:
        return None
    centre = (
        Commune.objects.filter(epci=epci, latitude__isnull=False)
        .order_by(F("population").desc(nulls_last=True))
        .first()
    )
    return None if centre is None else (epci, centre.latitude, centre.longitude)


def _place(words: str, *, radius_km: float | None) -> dict | None:
    """The place a few words designate: a commune, a postal code, a department or an EPCI."""
    commune = _commune(words)
    if commune is not None:
        return {
            "label": f"{commune.name} ({commune.department_id})" if commune.department_id else commune.name,
            "lat": commune.latitude,
            "lon": commune.longitude,
            "radius_km": radius_km,
        }
    if radius_km is None and (department := _department(words)) is not None:
        return {"label": f"{department.name} ({department.code})", "department": department.code}
    if (found := _epci_point(words)) is not None:
        epci, lat, lon = found
        return {"label": epci.name, "lat": lat, "lon": lon, "radius_km": radius_km}
    return None


def _longest_place(text: str, start: int, *, radius_km: float | None) -> tuple[int, dict] | None:
    """The longest run of words from ``start`` that designates a place, and where it ends."""
    words = [w for w in _words(text) if w.start() >= start][:MAX_PLACE_WORDS]
    for count in range(len(words), 0, -1):
        end = words[count - 1].end()
        place = _place(text[start:end], radius_km=radius_km)
        if place is not None:
            return end, place
    return None


def _reading(text: str, start: int, end: int, place: dict) -> PlaceReading:
    cleaned = " ".join((text[:start] + " " + text[end:]).split())
    cleaned = re.sub(r"\s*([,;])(?:\s*[,;])+", r"\1", cleaned)
    return PlaceReading(
        text=cleaned.strip(" ,;"),
        phrase=text[start:end].strip(),
        label=place["label"],
        lat=place.get("lat"),
        lon=place.get("lon"),
        radius_km=place.get("radius_km"),
        department=place.get("department"),
    )


def mentions_territory(text: str) -> bool:
    """Does the text say « sur notre territoire » (or the like)? Then a network may be looked up."""
    return _TERRITORY.search(text or "") is not None


def territory_extract(text: str, network: Network | None) -> PlaceReading | None:
    """« sur notre territoire » (and the like) as ``network``'s territory; None without a network."""
    match = _TERRITORY.search(text or "")
    if match is None or network is None:
        return None
    return PlaceReading(
        text=_reading(text, match.start(), match.end(), {"label": network.name}).text,
        phrase=match.group().strip(),
        label=network.name,
        network=network.slug,
    )


def place_extract(
    text: str,
    *,
    is_vocabulary: Callable[[str], bool] = lambda word: False,
    network: Network | None = None,
) -> PlaceReading | None:
    """The place written in a search text, or None.

    ``is_vocabulary(word)``: True for a word the capability taxonomy knows, so that a commune
    named like a trade (« Forges », « Moulins ») ending the text is read as the trade.
    ``network``: whose territory « sur notre territoire » means (None: the phrase is not read).
    """
    text = text or ""
    if (territory := territory_extract(text, network)) is not None:
        return territory
    return _place_in_text(text, is_vocabulary)


def _place_in_text(text: str, is_vocabulary: Callable[[str], bool]) -> PlaceReading | None:
    flags = re.IGNORECASE
    for pattern, radius in ((_RADIUS, True), (_NEAR, False)):
        for match in re.finditer(pattern, text, flags):
            if match.start() and not text[match.start() - 1].isspace():
                continue
            km = float(match.group("km")) if radius else None
            found = _longest_place(text, match.end(), radius_km=km)
            if found is not None:
                return _reading(text, match.start(), found[0], found[1])
    if match := re.search(_DEPARTMENT_NUMBER, text, flags):
        department = Department.objects.filter(code=match.group("dep").upper()).first()
        if department is not None:
            place = {"label": f"{department.name} ({department.code})", "department": department.code}
            return _reading(text, match.start(), match.end(), place)
    for match in re.finditer(_DEPARTMENT_NAME, text, flags):
        words = [w for w in _words(text) if w.start() >= match.end()][:MAX_PLACE_WORDS]
        for count in range(len(words), 0, -1):
            department = _department(text[match.end() : words[count - 1].end()])
            if department is not None:
                place = {"label": f"{department.name} ({department.code})", "department": department.code}
                return _reading(text, match.start(), words[count - 1].end(), place)
    if match := _POSTAL.search(text):
        place = _place(match.group("code"), radius_km=None)
        if place is not None:
            return _reading(text, match.start(), match.end(), place)
    # A commune name ending the text (« anodisation Haguenau »), unless its words are trades.
    words = _words(text)
    for count in range(min(len(words), MAX_PLACE_WORDS), 0, -1):
        tail = words[-count:]
        if any(w.group().isdigit() or is_vocabulary(w.group()) for w in tail):
            continue
        commune = _commune(text[tail[0].start() : tail[-1].end()])
        if commune is not None and len(tail[0].group()) > 2:
            label = f"{commune.name} ({commune.department_id})" if commune.department_id else commune.name
            place = {"label": label, "lat": commune.latitude, "lon": commune.longitude, "radius_km": None}
            return _reading(text, tail[0].start(), tail[-1].end(), place)
    return None
