"""Errors raised by need services."""

from maillage.errors import MaillageError


class NeedValidationError(MaillageError):
    """A need value was refused; ``field`` names it (e.g. "capabilities[1].quantity", "attachments")."""


class NeedTransitionError(NeedValidationError):
    """A workflow step that the need's current status does not allow (draft → open → closed)."""

    def __init__(self, message: str):
        super().__init__("status", message)
