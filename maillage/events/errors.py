"""Errors raised by event services: one class, ``field`` names the refused value
(e.g. "ends_at", "capacity", "email", "sessions[1].ends_at")."""

from maillage.errors import MaillageError


class EventError(MaillageError):
    """An event, a session or a registration value or step was refused."""
