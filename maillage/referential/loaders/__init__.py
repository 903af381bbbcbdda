"""One parser per official source file; each yields validated records or raises ReferentialFileError."""

from maillage.referential.loaders.base import ReferentialFileError, SourceFile

__all__ = ["ReferentialFileError", "SourceFile"]
