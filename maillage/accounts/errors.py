"""Errors raised by account (claims, invitations) services."""

from maillage.errors import MaillageError


class AccountError(MaillageError):
    """A claim or invitation refused; ``field`` names it ("siret", "establishment", "password")."""
