"""Plausible French company names for generated establishments, from a small word list.

The words are our own (common Alsatian surnames, local rivers and places, trade words per
NAF division), so no locale data file is needed and names stay stable across library versions.
"""

from __future__ import annotations

import numpy as np

SURNAMES = (
    "Muller", "Schmitt", "Meyer", "Weber", "Klein", "Wagner", "Fischer", "Hoffmann",
    "Schneider", "Roth", "Braun", "Koch", "Bauer", "Walter", "Keller", "Zimmermann",
    "Heitz", "Ritter", "Kieffer", "Schaeffer", "Hertzog", "Ott", "Lang", "Wolff",
    "Kuhn", "Jung", "Haas", "Gross", "Stoll", "Lutz", "Hummel", "Vogel", "Fritsch",
    "Diebold", "Kempf", "Ehrhart", "Nonnenmacher", "Burckel", "Scheer", "Mathis",
)  # fmt: skip
# With their preposition: French elides and contracts it differently for each place.
PLACES = (
    "de la Sauer", "de la Moder", "de la Zorn", "du Rhin", "de la Hardt", "de l'Outre-Forêt",
    "des Vosges du Nord", "du Pays de Hanau", "de la Lauter", "du Seltzbach", "de Haguenau",
    "d'Alsace du Nord",
)  # fmt: skip
FORMS = ("SAS", "SARL", "SA", "SAS", "SARL", "")

# Trade words by NAF division (then by section for the rest); "Ateliers", "Industries"... fit all.
TRADES = {
    "10": ("Charcuterie", "Biscuiterie", "Brasserie", "Salaisons", "Conserverie"),
    "11": ("Brasserie", "Malterie", "Distillerie"),
    "13": ("Tissages", "Filature"),
    "16": ("Scierie", "Menuiserie industrielle", "Bois"),
    "17": ("Cartonnerie", "Emballages"),
    "18": ("Imprimerie", "Arts graphiques"),
    "20": ("Chimie", "Peintures", "Adhésifs"),
    "21": ("Laboratoires",),
    "22": ("Plasturgie", "Injection plastique", "Caoutchouc"),
    "23": ("Tuilerie", "Verrerie", "Béton", "Céramiques"),
    "24": ("Fonderie", "Aciérie", "Forges"),
    "25": (
        "Mécanique de précision",
        "Tôlerie",
        "Usinage",
        "Décolletage",
        "Chaudronnerie",
        "Traitements de surface",
    ),
    "26": ("Électronique", "Capteurs"),
    "27": ("Équipements électriques", "Câblage", "Moteurs"),
    "28": ("Machines spéciales", "Automatismes", "Robotique", "Hydraulique"),
    "29": ("Équipements automobiles", "Carrosserie industrielle"),
    "30": ("Matériel ferroviaire", "Aéronautique"),
    "31": ("Meubles", "Agencement"),
    "32": ("Instruments", "Jouets"),
    "33": ("Maintenance industrielle", "Réparation de machines"),
    "35": ("Énergies", "Biogaz", "Réseau de chaleur"),
    "36": ("Eaux",),
    "37": ("Assainissement",),
    "38": ("Recyclage", "Valorisation des déchets", "Collecte"),
    "39": ("Dépollution",),
    "71": ("Ingénierie", "Bureau d'études", "Contrôle et essais"),
    "72": ("Recherche appliquée", "Innovation"),
}
GENERIC_TRADES = ("Ateliers", "Industries", "Manufacture", "Technologies")


def _pick(rng: np.random.Generator, words: tuple[str, ...]) -> str:
    return words[int(rng.integers(len(words)))]


def company_name(rng: np.random.Generator, naf_code: str) -> str:
    """A name such as "Usinage Kieffer SAS", "Ateliers de la Moder" or "Schmitt Plasturgie"."""
    trade = _pick(rng, TRADES.get(naf_code[:2], GENERIC_TRADES))
    surname = _pick(rng, SURNAMES)
    place = _pick(rng, PLACES)
    pattern = int(rng.integers(5))
    if pattern == 0:
        name = f"{trade} {surname}"
    elif pattern == 1:
        name = f"{surname} {trade}"
    elif pattern == 2:
        name = f"{trade} {place}"
    elif pattern == 3:
        name = f"{surname} & {_pick(rng, SURNAMES)}"
    else:
        name = f"{_pick(rng, GENERIC_TRADES)} {surname}"
    form = _pick(rng, FORMS)
    return f"{name} {form}".strip()
