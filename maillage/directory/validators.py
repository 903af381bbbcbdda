"""SIREN and SIRET checks (Luhn key, with La Poste's exception) delegated to python-stdnum."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.fr import siren as stdnum_siren
from stdnum.fr import siret as stdnum_siret


def validate_siren_format(value: str) -> None:
    if not (isinstance(value, str) and len(value) == 9 and value.isdigit()):
        raise ValidationError(_("Un SIREN compte exactement 9 chiffres."), code="siren_format")


def validate_siret_format(value: str) -> None:
    if not (isinstance(value, str) and len(value) == 14 and value.isdigit()):
        raise ValidationError(_("Un SIRET compte exactement 14 chiffres."), code="siret_format")


def validate_siren(value: str) -> None:
    validate_siren_format(value)
    try:
        stdnum_siren.validate(value)
    except StdnumError as exc:
        raise ValidationError(
            _("SIREN invalide : clé de contrôle incorrecte."), code="siren_checksum"
        ) from exc


def validate_siret(value: str) -> None:
    validate_siret_format(value)
    try:
        stdnum_siret.validate(value)
    except StdnumError as exc:
        raise ValidationError(
            _("SIRET invalide : clé de contrôle incorrecte."), code="siret_checksum"
        ) from exc


def spaced_identifier(value: str) -> str:
    """A SIRET or SIREN as INSEE prints it, kept on one line by non-breaking spaces:
    « 123 456 789 00012 », « 123 456 789 »; anything else as it is."""
    value = (value or "").strip()
    if value.isdigit() and len(value) in (9, 14):
        return "\u00a0".join([value[0:3], value[3:6], value[6:9], *([value[9:]] if len(value) == 14 else [])])
    return value
