"""Errors raised by taxonomy services."""

from maillage.errors import MaillageError


class TaxonomyError(MaillageError):
    """A taxonomy edit or proposal refused; ``field`` names it ("synonym", "label_fr"), or is empty."""
