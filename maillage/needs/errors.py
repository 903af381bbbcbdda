"""Errors raised by need services."""


class NeedValidationError(ValueError):
    """A need value was refused; ``field`` names it (e.g. "capabilities[1].quantity", "attachments")."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field} : {message}")
        self.field = field
        self.message = str(message)


class NeedTransitionError(NeedValidationError):
    """A workflow step that the need's current status does not allow (draft → open → closed)."""

    def __init__(self, message: str):
        super().__init__("status", message)
