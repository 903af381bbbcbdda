"""The explanation of a search result as a sentence in the page's language, from the engine's
details (``maillage.www.search.explanations``): one test per kind of detail, French and English."""

import pytest
from django.utils import translation

from maillage.engine.taxonomy import EngineNode, EngineTaxonomy
from maillage.www.search.explanations import detail_codes, explanation_sentence, taxonomy_labels

NBSP = "\u00a0"
LABELS = {
    "fr": {
        "proc.machining.milling.5axis": "Fraisage 5 axes",
        "proc.machining": "Usinage",
        "proc.surface.anodising.hard": "Anodisation dure",
        "proc.machining.turning": "Tournage",
        "proc.joining.welding.tig": "Soudage TIG",
        "cert.iso9001": "ISO 9001",
        "cert.en9100": "EN 9100",
        "equip.plastics.injection": "Presse à injecter",
    },
    "en": {
        "proc.machining.milling.5axis": "5-axis milling",
        "proc.machining": "Machining",
        "proc.surface.anodising.hard": "Hard anodising",
        "proc.machining.turning": "Turning",
        "proc.joining.welding.tig": "TIG welding",
        "cert.iso9001": "ISO 9001",
        "cert.en9100": "EN 9100",
        "equip.plastics.injection": "Injection moulding machine",
    },
}
SPECS = {
    "fr": {("equip.plastics.injection", "clamping_force"): "Force de fermeture"},
    "en": {("equip.plastics.injection", "clamping_force"): "Clamping force"},
}


def sentence(language: str, details: list[dict], **kwargs) -> str:
    with translation.override(language):
        text = explanation_sentence(details, labels=LABELS[language], spec_labels=SPECS[language], **kwargs)
    return text.replace(NBSP, " ").replace("\u202f", " ")


def capability(requested, matched=None, status="confirmed"):
    return {"kind": "capability", "requested": requested, "matched": matched or requested, "status": status}


def test_capabilities_are_grouped_by_evidence_strongest_first():
    details = [
        capability("proc.surface.anodising.hard", status="mentioned"),
        capability("proc.machining.milling.5axis"),
        capability("proc.machining.turning", status="inferred"),
        capability("proc.joining.welding.tig", status="proposed"),
        {"kind": "distance", "km": 12.44, "commune": "Brumath"},
    ]
    assert sentence("fr", details, origin="Haguenau") == (
        "Déclaré par l’entreprise : fraisage 5 axes ; "
        "proposé par le réseau, pas encore confirmé : soudage TIG ; "
        "cité dans sa présentation : anodisation dure ; "
        "déduit de son code NAF, à confirmer : tournage ; "
        "à 12,4 km de Haguenau."
    )
    assert sentence("en", details, origin="Haguenau") == (
        "Declared by the company: 5-axis milling; "
        "proposed by the network, not yet confirmed: TIG welding; "
        "mentioned in its description: hard anodising; "
        "inferred from its NAF code, to be confirmed: turning; "
        "12.4 km from Haguenau."
    )


def test_a_capability_read_only_in_the_name_is_said_as_such():
    details = [capability("proc.machining.turning", status="named")]
    assert sentence("fr", details) == "D’après son nom seulement, à confirmer : tournage."
    assert sentence("en", details) == "From its name only, to be confirmed: turning."


def test_a_capability_held_through_a_narrower_one_names_both():
    details = [capability("proc.machining", "proc.machining.milling.5axis")]
    assert sentence("fr", details) == "Déclaré par l’entreprise : usinage (fraisage 5 axes)."
    assert sentence("en", details) == "Declared by the company: machining (5-axis milling)."


def test_french_punctuation_never_starts_a_line():
    with translation.override("fr"):
        text = explanation_sentence([capability("proc.machining.milling.5axis")], labels=LABELS["fr"])
    assert f"entreprise{NBSP}: fraisage" in text


def test_missing_capabilities_and_unknown_codes_never_reach_the_sentence():
    details = [
        {"kind": "capability", "requested": "proc.machining.turning", "matched": None},
        capability("proc.nope.unknown"),
        {"kind": "certification", "requested": "cert.nope", "matched": "cert.nope", "valid_until": None},
    ]
    for language in ("fr", "en"):
        text = sentence(language, details)
        assert "proc." not in text and "cert." not in text and "tournage" not in text.lower()
    assert sentence("fr", details) == "Correspond aux critères demandés."
    assert sentence("en", details) == "Matches the criteria asked for."


def test_words_found_say_where_without_repeating_a_capability_or_a_lone_number():
    details = [
        capability("proc.machining.milling.5axis"),
        {"kind": "text", "word": "usinage", "field_keys": ["capabilities", "equipment"]},
        {"kind": "text", "word": "5", "field_keys": ["description"]},
        {"kind": "text", "word": "axes", "field_keys": ["description"]},
        {"kind": "text", "word": "titane", "field_keys": ["description", "references", "capabilities"]},
        {"kind": "text", "word": "kieffer", "field_keys": ["name"]},
    ]
    phrases = {"proc.machining.milling.5axis": "usinage 5 axes"}
    assert sentence("fr", details, phrases=phrases) == (
        "Déclaré par l’entreprise : fraisage 5 axes ; "
        "mots trouvés dans sa fiche : « titane » (présentation, références), « kieffer » (nom)."
    )
    assert sentence("en", details, phrases=phrases) == (
        "Declared by the company: 5-axis milling; "
        "words found in its profile: “titane” (description, references), “kieffer” (name)."
    )
    alone = [{"kind": "text", "word": "polissage", "field_keys": ["capabilities", "naf"]}]
    assert sentence("fr", alone) == "Mots trouvés dans sa fiche : « polissage » (savoir-faire, activité NAF)."
    assert sentence("en", alone) == "Words found in its profile: “polissage” (capabilities, NAF activity)."


def test_certifications_say_until_when_in_the_page_language():
    details = [
        {
            "kind": "certification",
            "requested": "cert.iso9001",
            "matched": "cert.en9100",
            "valid_until": "31/12/2027",
        }
    ]
    assert sentence("fr", details) == "Certification ISO 9001 (EN 9100) valable jusqu’au 31 décembre 2027."
    assert sentence("en", details) == "ISO 9001 (EN 9100) certification valid until Dec. 31, 2027."
    open_ended = [
        {"kind": "certification", "requested": "cert.iso9001", "matched": "cert.iso9001", "valid_until": None}
    ]
    assert sentence("fr", open_ended) == "Certification ISO 9001 en cours de validité."
    assert sentence("en", open_ended) == "Valid ISO 9001 certification."


def test_equipment_says_the_figure_asked_for_with_its_unit():
    details = [
        {
            "kind": "equipment",
            "requested": "equip.plastics.injection",
            "matched": "equip.plastics.injection",
            "spec": "clamping_force",
            "value": 1200.0,
            "unit": "tf",
        }
    ]
    assert sentence("fr", details) == "Équipement déclaré : presse à injecter (force de fermeture 1 200 t)."
    assert (
        sentence("en", details) == "Equipment declared: injection moulding machine (clamping force 1,200 t)."
    )
    plain = [
        {"kind": "equipment", "requested": "equip.plastics.injection", "matched": "equip.plastics.injection"}
    ]
    assert sentence("fr", plain) == "Équipement déclaré : presse à injecter."
    assert sentence("en", plain) == "Equipment declared: injection moulding machine."


@pytest.mark.parametrize(
    ("low", "high", "french", "english"),
    [
        (50, 99, "Effectif de 50 à 99 salariés.", "50 to 99 employees."),
        (10000, -1, "Effectif de 10 000 salariés et plus.", "10,000 employees or more."),
        (0, 0, "Aucun salarié.", "No employees."),
        (-1, -1, "Correspond aux critères demandés.", "Matches the criteria asked for."),
    ],
)
def test_headcount_in_words(low, high, french, english):
    details = [{"kind": "headcount", "min": low, "max": high}]
    assert sentence("fr", details) == french
    assert sentence("en", details) == english


def test_networks_are_named_never_shown_by_their_slug():
    details = [{"kind": "network", "network": "alsace-nord"}, {"kind": "network", "network": "unknown-slug"}]
    names = {"alsace-nord": "Industries Alsace du Nord"}
    assert sentence("fr", details, networks=names) == "Membre du réseau Industries Alsace du Nord."
    assert sentence("en", details, networks=names) == "Member of the Industries Alsace du Nord network."


@pytest.mark.parametrize(
    ("origin", "km", "french", "english"),
    [
        ("Haguenau", 12.44, "À 12,4 km de Haguenau.", "12.4 km from Haguenau."),
        ("Obernai", 3, "À 3 km d’Obernai.", "3 km from Obernai."),
        ("Le Havre", 8, "À 8 km du Havre.", "8 km from Le Havre."),
        ("Les Ulis", 8, "À 8 km des Ulis.", "8 km from Les Ulis."),
        ("Haguenau", 0.0, "À moins de 1 km de Haguenau.", "Less than 1 km from Haguenau."),
        ("48.8156, 7.7906", 2.5, "À 2,5 km du point indiqué.", "2.5 km from the given point."),
        ("", 2.5, "À 2,5 km du point indiqué.", "2.5 km from the given point."),
    ],
)
def test_distance_from_the_place_searched(origin, km, french, english):
    details = [{"kind": "distance", "km": km, "commune": "Brumath"}]
    assert sentence("fr", details, origin=origin) == french
    assert sentence("en", details, origin=origin) == english


def test_labels_come_from_the_engine_taxonomy_in_the_page_language():
    taxonomy = EngineTaxonomy(
        [
            EngineNode("proc.machining", "process", None, "Usinage", "Machining"),
            EngineNode("proc.machining.milling", "process", "proc.machining", "Fraisage", ""),
        ]
    )
    details = [capability("proc.machining", "proc.machining.milling"), {"kind": "distance", "km": 3}]
    codes = detail_codes(details)
    assert codes == {"proc.machining", "proc.machining.milling"}
    with translation.override("fr"):
        assert taxonomy_labels(taxonomy, codes | {"proc.gone"}) == {
            "proc.machining": "Usinage",
            "proc.machining.milling": "Fraisage",
        }
    with translation.override("en"):  # no English label written: the French one
        assert taxonomy_labels(taxonomy, codes) == {
            "proc.machining": "Machining",
            "proc.machining.milling": "Fraisage",
        }


def test_the_activity_prior_is_said_as_a_habit_of_buyers_without_its_code():
    details = [{"kind": "activity_prior", "naf": "25.62A", "score": 0.4}]
    assert sentence("fr", details) == "Son activité remporte souvent les marchés publics de ce type."
    assert sentence("en", details) == "Its activity often wins public contracts of this kind."
    assert "25.62A" not in sentence("fr", details)
