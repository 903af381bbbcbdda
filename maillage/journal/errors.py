"""Errors raised by journal services."""

from maillage.errors import MaillageError


class JournalError(MaillageError):
    """A journal entry value was refused; ``field`` names it ("establishment", "follow_up_owner")."""
