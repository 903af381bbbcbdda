"""Errors raised by profile services; no Django import so that parsers may catch them too."""


class ProfileValidationError(ValueError):
    """A profile value was refused; ``field`` names it (e.g. "equipment[0].specs.force")."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field} : {message}")
        self.field = field
        self.message = str(message)
