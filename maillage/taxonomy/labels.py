"""A taxonomy label in the reader's language: the one helper every page and e-mail goes through.

Nodes (the model, the engine's plain nodes, the result cards' ``CardNode``) and specification
definitions (``{"key", "label_fr", "label_en", …}``) carry a French and an English label; the
English one may be empty (an animator's node, a proposal), and then the French one is shown
rather than nothing.
"""

from __future__ import annotations

from django.utils.translation import get_language


def is_english(language: str | None = None) -> bool:
    return (language or get_language() or "fr").startswith("en")


def localised(label_fr: str, label_en: str, language: str | None = None) -> str:
    """``label_en`` when ``language`` (default: the active one) is English and it is written,
    else ``label_fr``."""
    return (label_en if is_english(language) and label_en else label_fr) or ""


def node_label(node, language: str | None = None) -> str:
    """The label of anything with ``label_fr`` and ``label_en`` attributes, or of a dict with
    those keys (a specification definition), in ``language``."""
    if isinstance(node, dict):
        return localised(node.get("label_fr") or node.get("key", ""), node.get("label_en", ""), language)
    return localised(node.label_fr, getattr(node, "label_en", ""), language)


def node_synonyms(node, language: str | None = None) -> list[str]:
    """A model node's synonyms (file's and animators') in ``language``."""
    if is_english(language):
        return [*node.synonyms_en, *node.animator_synonyms_en]
    return [*node.synonyms_fr, *node.animator_synonyms_fr]
