"""Server-rendered SVG charts, shared by the leakage page and the PDF report (no JavaScript)."""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

INSIDE_COLOUR = "#1f7a5c"
OUTSIDE_COLOUR = "#c2571a"
ADDRESSABLE_COLOUR = "#7a2e0b"


def euros(amount: float | None) -> str:
    """« 1,2 M€ », « 350 k€ », « 900 € » — French separators, no locale dependency."""
    if amount is None:
        return "—"
    if amount >= 1_000_000:
        return f"{amount / 1_000_000:.1f} M€".replace(".", ",")
    if amount >= 1_000:
        return f"{amount / 1_000:.0f} k€"
    return f"{amount:.0f} €"


def leakage_bars(categories, *, width: int = 720, row: int = 34, label_width: int = 240) -> SafeString:
    """One stacked bar per category: inside, outside; a dark mark for the addressable part."""
    if not categories:
        return mark_safe("")
    scale_max = max(c.total for c in categories) or 1.0
    bar_width = width - label_width - 90
    height = row * len(categories) + 30
    title = escape(_("Achats par catégorie : dans le territoire et hors du territoire"))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" '
        f'role="img" aria-labelledby="leakage-chart-title" font-family="sans-serif" font-size="12">',
        f'<title id="leakage-chart-title">{title}</title>',
    ]
    for index, category in enumerate(categories):
        y = index * row + 4
        inside = category.inside / scale_max * bar_width
        outside = category.outside / scale_max * bar_width
        addressable = (category.addressable or 0.0) / scale_max * bar_width
        label = escape(category.label if len(category.label) <= 38 else category.label[:37] + "…")
        parts.append(f'<text x="0" y="{y + 15}">{label}</text>')
        parts.append(
            f'<rect x="{label_width}" y="{y}" width="{inside:.1f}" height="20" fill="{INSIDE_COLOUR}">'
            f"<title>{escape(_('dans le territoire'))} : {escape(euros(category.inside))}</title></rect>"
        )
        parts.append(
            f'<rect x="{label_width + inside:.1f}" y="{y}" width="{outside:.1f}" height="20" '
            f'fill="{OUTSIDE_COLOUR}"><title>{escape(_("hors du territoire"))} : '
            f"{escape(euros(category.outside))}</title></rect>"
        )
        if addressable:
            parts.append(
                f'<rect x="{label_width + inside:.1f}" y="{y + 16}" width="{addressable:.1f}" height="4" '
                f'fill="{ADDRESSABLE_COLOUR}"><title>{escape(_("fuite adressable"))} : '
                f"{escape(euros(category.addressable))}</title></rect>"
            )
        end = label_width + inside + outside + 6
        parts.append(f'<text x="{end:.1f}" y="{y + 15}">{escape(euros(category.total))}</text>')
    legend_y = height - 8
    legend = (
        (INSIDE_COLOUR, _("dans le territoire")),
        (OUTSIDE_COLOUR, _("hors du territoire")),
        (ADDRESSABLE_COLOUR, _("fuite adressable")),
    )
    x = label_width
    for colour, text in legend:
        parts.append(f'<rect x="{x}" y="{legend_y - 10}" width="12" height="12" fill="{colour}"/>')
        parts.append(f'<text x="{x + 16}" y="{legend_y}">{escape(text)}</text>')
        x += 150
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every text above is escaped
