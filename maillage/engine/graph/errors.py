"""Errors of the graph engine: each names where the bad value is and which field holds it."""


class GraphInputError(ValueError):
    """A node or edge record the graph refuses (``where`` is e.g. ``edges[12]``)."""

    def __init__(self, where: str, field: str, message: str):
        super().__init__(f"{where}, champ {field} : {message}")
        self.where = where
        self.field = field
        self.message = message


class ChainFileError(ValueError):
    """A supply-chain file that cannot be read; the message names the file, line and field."""
