"""Errors the engine raises for bad input: each names the field at fault."""


class QueryError(ValueError):
    """A search request the engine refuses; ``field`` names the offending parameter.

    ``message`` is French, for the command line and the logs; ``reason`` (a stable key such as
    ``"empty"`` or ``"radius_too_large"``) and ``figures`` (its values) let the Django side word
    it in the reader's language (``maillage.matching.search``): the engine knows no gettext."""

    def __init__(self, field: str, message: str, *, reason: str = "", **figures):
        super().__init__(f"{field} : {message}")
        self.field = field
        self.message = message
        self.reason = reason
        self.figures = figures


class IndexFormatError(RuntimeError):
    """The index directory is missing, incomplete or written by another format version."""
