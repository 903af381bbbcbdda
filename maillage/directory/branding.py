"""A network's visual identity: its accent colour and its logo, and the checks both pass.

The accent colour is the header's background under white text and the colour of links and
buttons on white: it must reach WCAG 2.1 AA's 4.5:1 against white, or members with low vision
could not read the site. A logo is an uploaded image shown on every page: only PNG, JPEG or
WebP that Pillow can decode (never SVG, which can carry script), small enough to load fast.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
MIN_CONTRAST = 4.5
LOGO_MAX_BYTES = 512 * 1024
LOGO_MAX_SIDE = 2000
LOGO_FORMATS = {"PNG": "image/png", "JPEG": "image/jpeg", "WEBP": "image/webp"}


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4


def relative_luminance(colour: str) -> float:
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * _channel(red) + 0.7152 * _channel(green) + 0.0722 * _channel(blue)


def contrast_ratio(first: str, second: str) -> float:
    """WCAG 2.1 contrast ratio of two ``#rrggbb`` colours, from 1 to 21."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def validate_accent_colour(value: str) -> None:
    if not value:
        return
    if not HEX_COLOUR.match(value):
        raise ValidationError(
            _("Écrivez la couleur en hexadécimal, par exemple #0b5c7a."), code="colour_format"
        )
    ratio = contrast_ratio(value, "#ffffff")
    if ratio < MIN_CONTRAST:
        raise ValidationError(
            _(
                "Cette couleur est trop claire : contraste de %(ratio)s:1 avec le blanc, il faut au "
                "moins 4,5:1 pour que le texte blanc de l’en-tête et les liens restent lisibles. "
                "Choisissez une teinte plus foncée."
            ),
            code="colour_contrast",
            params={"ratio": number_format(round(ratio, 1), 1)},
        )


def logo_format(file) -> str:
    """The Pillow format of an uploaded logo, after checking it; raises ``ValidationError``."""
    from PIL import Image, UnidentifiedImageError

    if file.size > LOGO_MAX_BYTES:
        raise ValidationError(
            _("Le logo pèse %(size)s Ko : 512 Ko au plus."),
            code="logo_size",
            params={"size": file.size // 1024},
        )
    try:
        file.seek(0)
        with Image.open(file) as image:
            image_format, (width, height) = image.format, image.size
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError) as error:
        raise ValidationError(
            _("Ce fichier n’est pas une image lisible : envoyez un PNG, un JPEG ou un WebP."),
            code="logo_unreadable",
        ) from error
    finally:
        file.seek(0)
    if image_format not in LOGO_FORMATS:
        raise ValidationError(
            _("Format %(format)s refusé : envoyez un PNG, un JPEG ou un WebP."),
            code="logo_format",
            params={"format": image_format},
        )
    if max(width, height) > LOGO_MAX_SIDE:
        raise ValidationError(
            _("Le logo mesure %(width)s × %(height)s pixels : 2 000 pixels de côté au plus."),
            code="logo_dimensions",
            params={
                "width": number_format(width, 0, force_grouping=True),
                "height": number_format(height, 0, force_grouping=True),
            },
        )
    return image_format


def validate_logo(file) -> None:
    logo_format(file)
