"""Errors raised by profile services; no Django import so that parsers may catch them too."""

from maillage.errors import MaillageError


class ProfileValidationError(MaillageError):
    """A profile value was refused; ``field`` names it (e.g. "equipment[0].specs.force")."""
