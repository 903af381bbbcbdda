"""Errors raised by mailings services."""

from maillage.errors import MaillageError


class MailingError(MaillageError):
    """A message or an unsubscribe link refused; ``field`` names the value ("subject", "body", "token")."""
