"""Why a result matches, as one readable sentence in the page's language.

The engine explains each hit twice (``maillage/engine/explain.py``): a French ``text`` that the
command line and the API print, and structured ``details``. The page builds its own sentence
from the details, through gettext, with taxonomy labels in the page's language:

    « Déclaré par l’entreprise : fraisage 5 axes ; cité dans sa présentation : anodisation dure ;
      à 12,4 km de Haguenau. »
    "Declared by the company: 5-axis milling; mentioned in its description: hard anodising;
     12.4 km from Haguenau."

Capabilities are grouped by evidence, strongest first, and the label follows its evidence (a
label's gender is unknown, so « déclaré … : anodisation dure » never has to agree with it).
What a result lacks is left to the card's « Il lui manque » line; codes never reach the text:
a code without a label is left out.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from functools import lru_cache

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext, pgettext_lazy

from maillage.engine.build import FIELDS
from maillage.taxonomy.labels import node_label
from maillage.taxonomy.models import normalise_term
from maillage.www.typography import distance as distance_text
from maillage.www.typography import french_of, french_spacing, is_french, measure, number

# Evidence of a capability, strongest first, and how the sentence says it.
EVIDENCE_ORDER = ("confirmed", "proposed", "mentioned", "named", "inferred")
EVIDENCE_WORDS = {
    "confirmed": lambda: _("déclaré par l’entreprise : %(items)s"),
    "proposed": lambda: _("proposé par le réseau, pas encore confirmé : %(items)s"),
    "mentioned": lambda: _("cité dans sa présentation : %(items)s"),
    "named": lambda: _("d’après son nom seulement, à confirmer : %(items)s"),
    "inferred": lambda: _("déduit de son code NAF, à confirmer : %(items)s"),
}
# The engine's field keys (``FIELDS``; its French ``fields`` are for the command line) → words
# for the reader.
FIELD_WORDS = dict(
    zip(
        FIELDS,
        (
            pgettext_lazy("profile field", "nom"),
            pgettext_lazy("profile field", "savoir-faire"),
            pgettext_lazy("profile field", "présentation"),
            pgettext_lazy("profile field", "équipements"),
            pgettext_lazy("profile field", "références"),
            pgettext_lazy("profile field", "activité NAF"),
            pgettext_lazy("profile field", "ses propres mots, en attente de validation"),
        ),
        strict=True,
    )
)
CAPABILITY_FIELD = "capabilities"
MAX_WORDS = 4
_COORDINATES = re.compile(r"-?\d+(\.\d+)?, ?-?\d+(\.\d+)?")


def explanation_sentence(
    details: list[dict],
    *,
    labels: Mapping[str, str],
    spec_labels: Mapping[tuple[str, str], str] | None = None,
    networks: Mapping[str, str] | None = None,
    origin: str = "",
    phrases: Mapping[str, str] | None = None,
) -> str:
    """The sentence for one result. ``labels``: taxonomy code → label in the page's language;
    ``spec_labels``: (equipment code, specification key) → label; ``networks``: network slug →
    name; ``origin``: the place searched from (« Haguenau »); ``phrases``: capability code →
    the words of the query read as it (the engine's interpretation)."""
    parts = [
        *_capabilities(details, labels),
        *_closest(details, labels),
        *_words(details, labels, phrases or {}),
        *_certifications(details, labels),
        *_equipment(details, labels, spec_labels or {}),
        *_activity_prior(details),
        *_headcount(details),
        *_networks(details, networks or {}),
        *_distance(details, origin),
    ]
    if not parts:
        return french_spacing(_("Correspond aux critères demandés."))
    text = (" ; " if is_french() else "; ").join(parts)
    return french_spacing(text[:1].upper() + text[1:] + ".")


def inline(label: str) -> str:
    """A label inside a sentence: « Fraisage 5 axes » → « fraisage 5 axes »; « EN 9100 » stays."""
    if len(label) > 1 and label[0].isupper() and label[1].islower():
        return label[0].lower() + label[1:]
    return label


def _capabilities(details: list[dict], labels: Mapping[str, str]) -> list[str]:
    groups: dict[str, list[str]] = {}
    for detail in details:
        if detail["kind"] != "capability" or not detail.get("matched"):
            continue
        requested, matched = labels.get(detail["requested"], ""), labels.get(detail["matched"], "")
        if not (requested or matched):
            continue
        item = inline(requested or matched)
        if requested and matched and matched != requested:
            item = _("%(requested)s (%(matched)s)") % {"requested": item, "matched": inline(matched)}
        items = groups.setdefault(detail.get("status", "inferred"), [])
        if item not in items:
            items.append(item)
    return [
        EVIDENCE_WORDS[status]() % {"items": ", ".join(groups[status])}
        for status in EVIDENCE_ORDER
        if status in groups
    ]


def _closest(details: list[dict], labels: Mapping[str, str]) -> list[str]:
    """A capability nobody holds, searched through its parent (engine/relax.py): what this
    result holds nearest to it — « au plus près de découpe jet d’eau : découpe laser »."""
    parts = []
    for detail in details:
        if detail["kind"] != "capability" or detail.get("matched") or not detail.get("closest"):
            continue
        asked, closest = labels.get(detail["requested"], ""), labels.get(detail["closest"], "")
        if asked and closest:
            parts.append(
                _("au plus près de %(asked)s : %(closest)s")
                % {"asked": inline(asked), "closest": inline(closest)}
            )
    return parts


def _words(details: list[dict], labels: Mapping[str, str], phrases: Mapping[str, str]) -> list[str]:
    """Words of the query found in the profile, with where. Left out: numbers alone, words of
    a capability already said (« usinage 5 axes » read as « fraisage 5 axes »: its words and
    its label's), and the capabilities field when a capability already says it."""
    said = [d for d in details if d["kind"] == "capability" and d.get("matched")]
    said_texts = [
        text
        for d in said
        for text in (phrases.get(d["requested"]), labels.get(d["requested"]), labels.get(d["matched"]))
        if text
    ]
    said_words = {word for text in said_texts for word in _words_of(text)}
    found = []
    for detail in details:
        word = " ".join(_words_of(detail.get("word", "")))
        if detail["kind"] != "text" or not word or word.isdigit() or word in said_words:
            continue
        fields = [
            str(FIELD_WORDS[field])
            for field in detail.get("field_keys", [])
            if field in FIELD_WORDS and not (said and field == CAPABILITY_FIELD)
        ]
        if fields and detail.get("word"):
            found.append(
                _("« %(word)s » (%(fields)s)") % {"word": detail["word"], "fields": ", ".join(fields)}
            )
    if not found:
        return []
    return [_("mots trouvés dans sa fiche : %(words)s") % {"words": ", ".join(found[:MAX_WORDS])}]


@lru_cache(maxsize=4096)
def _words_of(text: str) -> tuple[str, ...]:
    """The words of a label or phrase, folded as the taxonomy compares them (the same labels
    come back on every row of a page)."""
    return tuple(normalise_term(text).split())


def _certifications(details: list[dict], labels: Mapping[str, str]) -> list[str]:
    parts = []
    for detail in details:
        if detail["kind"] != "certification" or not detail.get("matched"):
            continue
        label = labels.get(detail["matched"], "")
        requested = labels.get(detail["requested"], "")
        if not label:
            continue
        if requested and requested != label:
            label = _("%(requested)s (%(matched)s)") % {"requested": requested, "matched": label}
        until = _day(detail.get("valid_until"))
        if until:
            text = _("certification %(label)s valable jusqu’au %(date)s")
            parts.append(text % {"label": label, "date": until})
        else:
            parts.append(_("certification %(label)s en cours de validité") % {"label": label})
    return parts


def _day(text: str | None) -> str:
    """The engine's « 31/12/2027 » in the page's language (« 31 décembre 2027 », "Dec. 31, 2027")."""
    if not text:
        return ""
    try:
        return date_format(datetime.strptime(text, "%d/%m/%Y").date(), "DATE_FORMAT")
    except ValueError:
        return ""


def _equipment(
    details: list[dict], labels: Mapping[str, str], spec_labels: Mapping[tuple[str, str], str]
) -> list[str]:
    parts = []
    for detail in details:
        if detail["kind"] != "equipment" or not detail.get("matched"):
            continue
        label = labels.get(detail["matched"], "")
        if not label:
            continue
        spec = spec_labels.get((detail["matched"], detail.get("spec") or ""), "")
        if spec and detail.get("value") is not None:
            parts.append(
                _("équipement déclaré : %(machine)s (%(spec)s %(value)s)")
                % {
                    "machine": inline(label),
                    "spec": inline(spec),
                    "value": measure(detail["value"], detail.get("unit", "")),
                }
            )
        else:
            parts.append(_("équipement déclaré : %(machine)s") % {"machine": inline(label)})
    return parts


def _activity_prior(details: list[dict]) -> list[str]:
    """The activity prior (engine/prior.py): a habit of public buyers about the company's
    registered activity — shown on the card above the sentence —, never something it said."""
    if any(d["kind"] == "activity_prior" for d in details):
        return [_("son activité remporte souvent les marchés publics de ce type")]
    return []


def _headcount(details: list[dict]) -> list[str]:
    parts = []
    for detail in details:
        if detail["kind"] != "headcount" or detail.get("min", -1) < 0:
            continue
        low, high = detail["min"], detail.get("max", -1)
        if high == 0:
            parts.append(_("aucun salarié"))
        elif high < 0:
            parts.append(_("effectif de %(low)s salariés et plus") % {"low": number(low)})
        else:
            parts.append(
                _("effectif de %(low)s à %(high)s salariés") % {"low": number(low), "high": number(high)}
            )
    return parts


def _networks(details: list[dict], networks: Mapping[str, str]) -> list[str]:
    return [
        _("membre du réseau %(name)s") % {"name": networks[d["network"]]}
        for d in details
        if d["kind"] == "network" and networks.get(d.get("network", ""))
    ]


def _distance(details: list[dict], origin: str) -> list[str]:
    for detail in details:
        if detail["kind"] == "distance" and detail.get("km") is not None:
            return [distance_from(detail["km"], origin)]
    return []


def distance_from(km: float, origin: str) -> str:
    """« à 12,4 km de Haguenau », « à 3 km d’Obernai », « à 8 km du Havre »; "12.4 km from Haguenau"."""
    distance = distance_text(km)
    if not origin or _COORDINATES.fullmatch(origin):
        return _("à %(distance)s du point indiqué") % {"distance": distance}
    if not is_french():
        return _("à %(distance)s de %(place)s") % {"distance": distance, "place": origin}
    # French only: the preposition depends on the name (the English text never does).
    article, name = french_of(origin)
    template = {
        "d’": pgettext("distance, before a vowel", "à %(distance)s d’%(place)s"),
        "du": pgettext("distance, before « Le »", "à %(distance)s du %(place)s"),
        "des": pgettext("distance, before « Les »", "à %(distance)s des %(place)s"),
    }.get(article) or _("à %(distance)s de %(place)s")
    return template % {"distance": distance, "place": name}


def detail_codes(details: list[dict]) -> set[str]:
    """The taxonomy codes a hit's details name (requested and matched)."""
    return {
        code
        for d in details
        if d["kind"] in ("capability", "certification", "equipment")
        for code in (d.get("requested"), d.get("matched"), d.get("closest"))
        if code
    }


def taxonomy_labels(taxonomy, codes: set[str]) -> dict[str, str]:
    """Labels of ``codes`` in the page's language, from the engine's taxonomy (no query: the
    index holds every code its details can name)."""
    return {code: node_label(node) for code in codes if (node := taxonomy.nodes.get(code)) is not None}
