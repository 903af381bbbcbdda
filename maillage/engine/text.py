"""Text analysis shared by indexing and querying: fold, tokenise, drop stop words, stem.

French and English live side by side in profiles ("usinage 5 axes, 5-axis machining"). Every
token goes through the French Snowball stemmer except the words that only the English side
of the taxonomy uses ("machining", "anodizing"), which go through the English one: a data
driven split that needs no language detection per document.
"""

import re
import unicodedata
from collections.abc import Iterable

import Stemmer

# Letters and digits split apart: "EN9100" and "EN 9100" give the same tokens.
TOKEN_RE = re.compile(r"[a-z]+|[0-9]+")


def _words(text: str) -> list[str]:
    return text.split()


STOP_WORDS_FR = _words("""
a au aux avec ce ces cet cette dans de des du elle en et eux il ils je la le les leur leurs lui
ma mais me meme mes moi mon ne nos notre nous on ou par pas pour qu que qui sa se ses son sur ta
te tes toi ton tu un une vos votre vous c d j l m n s t y ete etre avoir ai as avons avez ont est
sont etait fait faire font sommes etes tres plus moins tout tous toute toutes ainsi aussi comme
donc dont ici car si sans sous entre vers chez depuis pendant selon afin lors leurs cela
ceci celui celle ceux celles nos notamment egalement ou
""")
STOP_WORDS_EN = _words("""
a an and are as at be by for from has have in into is it its of on or that the their them they
this to was were will with we our us you your can do does not no also which who than then
""")
# Words a buyer writes around the need itself; they describe nobody's capability (the last line:
# a tender's wording, « marché de prestations … lot 2 », as needs pasted from a notice read).
QUERY_NOISE = _words("""
cherche cherchons recherche recherchons besoin trouver souhaite voudrais aimerais pres proche
proximite autour alentours environ km kms kilometres region secteur sous traitant traitants
soustraitant sous-traitant traitance entreprise entreprises societe societes fournisseur
fournisseurs prestataire prestataires partenaire looking need find near supplier suppliers
subcontractor subcontractors company companies partner please svp merci urgent
marche marches lot lots consultation presente numero prestation prestations
""")


def _fold_table() -> dict[int, str]:
    table = {}
    for code in range(0xC0, 0x250):
        char = chr(code)
        base = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
        if base != char and base.isascii():
            table[code] = base.lower()
    table.update({ord("œ"): "oe", ord("Œ"): "oe", ord("æ"): "ae", ord("Æ"): "ae", ord("ß"): "ss"})
    table.update({ord("’"): " ", ord("'"): " ", ord("°"): " "})
    return table


FOLD = _fold_table()


def fold(text: str) -> str:
    """Lower case without accents: « Électro-érosion » → "electro-erosion"."""
    return text.lower().translate(FOLD)


def tokenize(text: str) -> list[str]:
    return TOKEN_RE.findall(fold(text))


class Analyzer:
    """Turns text into stems; caches every surface form it has seen (vocabularies are small)."""

    def __init__(self, english_words: Iterable[str] = ()):
        self.english_words = frozenset(english_words)
        self.stop_words = frozenset(STOP_WORDS_FR) | frozenset(STOP_WORDS_EN)
        self.query_noise = frozenset(QUERY_NOISE)
        self._fr = Stemmer.Stemmer("french")
        self._en = Stemmer.Stemmer("english")
        self._cache: dict[str, str | None] = {}

    def stem(self, token: str) -> str | None:
        """The stem of one folded token, None for a stop word."""
        cached = self._cache.get(token, "")
        if cached != "":
            return cached
        if token in self.stop_words:
            result = None
        elif token.isdigit() or len(token) <= 2:
            result = token
        elif token in self.english_words:
            result = self._en.stemWord(token)
        else:
            result = self._fr.stemWord(token)
        if len(self._cache) < 2_000_000:
            self._cache[token] = result
        return result

    def stems(self, text: str) -> list[str]:
        stem = self.stem
        return [s for s in map(stem, TOKEN_RE.findall(fold(text))) if s is not None]

    def surface_and_stems(self, text: str, *, query: bool = False) -> list[tuple[str, str]]:
        """(folded surface, stem) pairs; a query also drops the buyer's filler words."""
        pairs = []
        for token in TOKEN_RE.findall(fold(text)):
            if query and token in self.query_noise:
                continue
            stem = self.stem(token)
            if stem is not None:
                pairs.append((token, stem))
        return pairs


def english_only_words(english_texts: Iterable[str], french_texts: Iterable[str]) -> set[str]:
    """Folded words used in English labels and never in French ones."""
    english = {token for text in english_texts for token in tokenize(text)}
    french = {token for text in french_texts for token in tokenize(text)}
    return {word for word in english - french if len(word) > 3 and not word.isdigit()}
