"""Per requirement of a need, what the engine found for one company, and by what evidence.

A check is a plain dict (stored as is in ``NeedRecipient.requirements``):
``{"kind": "capability" | "certification" | "equipment", "code": ..., "required": bool,
"evidence": ...}`` where the evidence of a capability is the strongest claim found —
``confirmed`` (declared by the company), ``proposed`` (by the network's animators), ``mentioned``
(named in its description) or ``inferred`` (deduced from its NAF code only) — and ``valid`` or
``declared`` for a certification or an equipment; ``missing`` when nothing was found.

A requirement is *met* on evidence, never on a NAF inference alone; a company whose only gap
is such an inference is *to be confirmed* (« à confirmer »).
"""

from __future__ import annotations

from collections.abc import Iterable

CONFIRMED, PROPOSED, MENTIONED, INFERRED = "confirmed", "proposed", "mentioned", "inferred"
NAMED = "named"  # only a word of its name reads as the capability
UNSAID = {INFERRED, NAMED}  # clues to confirm, never evidence
VALID, DECLARED, MISSING = "valid", "declared", "missing"
MET = {CONFIRMED, PROPOSED, MENTIONED, VALID, DECLARED}


def requirement_checks(
    *,
    capabilities: Iterable[tuple[str, bool]],
    certifications: Iterable[str],
    equipment: Iterable[str],
    details: list[dict],
) -> list[dict]:
    """Checks from the engine's structured explanation of one hit (``SearchHit.details``).

    ``capabilities``: (code, required) pairs of the need.
    """
    found: dict[tuple[str, str], dict] = {}
    for detail in details:
        if detail.get("kind") in ("capability", "certification", "equipment") and detail.get("matched"):
            found.setdefault((detail["kind"], detail["requested"]), detail)
    checks = []
    for code, required in capabilities:
        detail = found.get(("capability", code))
        evidence = detail.get("status", INFERRED) if detail else MISSING
        checks.append({"kind": "capability", "code": code, "required": bool(required), "evidence": evidence})
    for code in certifications:
        detail = found.get(("certification", code))
        check = {
            "kind": "certification",
            "code": code,
            "required": True,
            "evidence": VALID if detail else MISSING,
        }
        if detail and detail.get("valid_until"):
            check["valid_until"] = detail["valid_until"]
        checks.append(check)
    for code in equipment:
        detail = found.get(("equipment", code))
        checks.append(
            {"kind": "equipment", "code": code, "required": True, "evidence": DECLARED if detail else MISSING}
        )
    return checks


def is_met(check: dict) -> bool:
    return check.get("evidence") in MET


def all_required_met(checks: Iterable[dict]) -> bool:
    return all(is_met(check) for check in checks if check.get("required"))


def to_confirm(checks: Iterable[dict]) -> bool:
    """Every required one met or inferred (from the NAF code or the name), at least one only
    inferred."""
    required = [check for check in checks if check.get("required")]
    return any(check["evidence"] in UNSAID for check in required) and all(
        is_met(check) or check["evidence"] in UNSAID for check in required
    )
