"""The documented shape of a search answer: the API and ``maillage search --json`` give the same."""

ANSWER_KEYS = {
    "total",
    "complete_total",
    "place",
    "corrections",
    "unknown_words",
    "suggestions",
    "relaxed",
    "results",
}
RESULT_KEYS = {"siret", "name", "score", "distance_km", "explanation", "complete", "lacking"}
