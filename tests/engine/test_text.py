from maillage.engine.text import Analyzer, english_only_words, fold, tokenize


def test_fold_removes_accents_and_ligatures():
    assert fold("Électro-Érosion, Œuvre") == "electro-erosion, oeuvre"


def test_tokenize_splits_letters_from_digits_so_en9100_spellings_agree():
    assert tokenize("EN9100") == tokenize("EN 9100") == ["en", "9100"]


def test_stop_words_are_dropped_and_french_words_stemmed():
    analyzer = Analyzer()
    assert analyzer.stems("Les fraiseuses de la société") == analyzer.stems("fraiseuse société")
    assert analyzer.stems("usinage") == analyzer.stems("usinages")


def test_english_words_use_the_english_stemmer():
    analyzer = Analyzer(english_words={"machining", "machined"})
    assert analyzer.stems("machining") == analyzer.stems("machined") == ["machin"]


def test_query_noise_is_dropped_only_for_queries():
    analyzer = Analyzer()
    query = [stem for _surface, stem in analyzer.surface_and_stems("je cherche un sous-traitant", query=True)]
    assert query == []
    assert analyzer.surface_and_stems("sous-traitant")  # a profile may say it


def test_english_only_words_come_from_the_english_side():
    assert english_only_words(["Hard anodising"], ["Anodisation dure"]) == {"hard", "anodising"}


def test_taxonomy_maps_phrases_to_concepts(taxonomy):
    def concepts(text):
        return [code for _s, _e, code in taxonomy.match_concepts(taxonomy.analyzer.stems(text))]

    assert concepts("anodisation dure") == ["proc.surface.anodising.hard"]
    assert concepts("Oxydation anodique dure") == ["proc.surface.anodising.hard"]
    assert concepts("fraiseuse 5 axes") == ["proc.machining.milling.5axis"]
    assert "cert.en9100" in concepts("EN9100 usinage titane")
