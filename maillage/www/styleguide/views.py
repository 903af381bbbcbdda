"""The living style guide: every component of maillage.css as the pages use it, for the people
who build and theme the site (staff). Browser tests screenshot it at both
widths, so a change to a token shows on one page before it shows on fifty."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from maillage.accounts.permissions import is_staff, require
from maillage.directory.branding import contrast_ratio
from maillage.directory.selectors import site_network
from maillage.www.forms import StyleguideForm

# The colour tokens of maillage.css (:root) and what each is for; the ratios are computed here.
COLOUR_TOKENS = [
    ("ink", "#1c2430"),
    ("muted", "#4f5b6b"),
    ("accent", "#0b5c7a"),
    ("danger", "#a4161a"),
    ("success", "#1d6b35"),
    ("warning", "#7a4f00"),
    ("focus", "#c2410c"),
    ("line-strong", "#6b7685"),
    ("line", "#d3d9e1"),
    ("soft", "#f3f5f8"),
]


@login_required
@require_GET
def styleguide(request):
    require(is_staff(request.user))
    network = site_network()
    colours = [
        {"token": token, "value": value, "ratio": contrast_ratio(value, "#ffffff")}
        for token, value in COLOUR_TOKENS
    ]
    if network and network.accent_colour:
        colours.insert(
            3,
            {
                "token": "accent",
                "value": network.accent_colour,
                "ratio": contrast_ratio(network.accent_colour, "#ffffff"),
                "network": network.name,
            },
        )
    form = StyleguideForm(request.GET or None)
    if request.GET:
        form.is_valid()  # shows the error state of every field on demand (?demo=1)
    return render(request, "styleguide/index.html", {"colours": colours, "form": form})
