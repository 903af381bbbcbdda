"""Errors raised by the search services (the Django side of the engine)."""

from maillage.errors import MaillageError


class SearchQueryError(MaillageError):
    """A search request refused; ``field`` is the *parameter name* the caller used (``near``,
    ``radius_km``, ``capability``…), the engine's ``QueryError`` translated to it."""
