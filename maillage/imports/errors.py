"""Errors raised by import services (the parsers report rejections, they do not raise these)."""

from maillage.errors import MaillageError


class MappingReviewError(MaillageError):
    """An animator's decision on the review queue refused; ``field`` is ``code``."""
