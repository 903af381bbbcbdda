"""Errors raised by directory services."""

from maillage.errors import MaillageError


class DirectoryError(MaillageError):
    """A directory write refused; ``field`` names it ("siret")."""
