"""Errors raised by reference data services."""

from maillage.errors import MaillageError


class ReferentialError(MaillageError):
    """A reference-data request refused; ``field`` names the option ("only")."""
