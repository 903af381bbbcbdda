"""Name normalisation shared by the loader (stored ``search_name``) and the selectors (queries)."""

import re
import unicodedata

_LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss"})
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
# La Poste and many spreadsheets abbreviate Saint/Sainte; the COG spells them out.
_ABBREVIATIONS = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}


def normalize_name(text: str) -> str:
    """``"Saint-Étienne-du-Rouvray"``, ``"ST ETIENNE DU ROUVRAY"`` → ``"saint etienne du rouvray"``."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_LIGATURES))
    ascii_text = "".join(char for char in decomposed if not unicodedata.combining(char)).lower()
    words = _NON_ALNUM.sub(" ", ascii_text).split()
    return " ".join(_ABBREVIATIONS.get(word, word) for word in words)
