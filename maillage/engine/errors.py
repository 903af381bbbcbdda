"""Errors the engine raises for bad input: each names the field at fault."""


class QueryError(ValueError):
    """A search request the engine refuses; ``field`` names the offending parameter."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field} : {message}")
        self.field = field
        self.message = message


class IndexFormatError(RuntimeError):
    """The index directory is missing, incomplete or written by another format version."""
