"""Errors raised by supply relation services."""

from maillage.errors import MaillageError


class RelationError(MaillageError):
    """A relation value or step refused; ``field`` names it ("client_siren", "comment")."""
