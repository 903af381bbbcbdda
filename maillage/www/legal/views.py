"""The legal pages every French site owes its visitors, linked from every page's footer.

What they state comes from the deployment (``settings.MAILLAGE_LEGAL``: publisher, host,
contact, RGAA status) and from the site network (its name and contact address); the
retention periods they print are read from the settings that enforce them, so that the page
cannot drift from what the code does.
"""

from django.conf import settings
from django.shortcuts import render
from django.views.decorators.http import require_GET

from maillage.accounts.services import INVITATION_VALIDITY
from maillage.directory.selectors import site_network


def _legal() -> dict:
    legal = dict(settings.MAILLAGE_LEGAL)
    network = site_network()
    legal["network"] = network
    legal["contact_email"] = (network.contact_email if network else "") or legal["contact_email"]
    # The RGAA status is read once, by the context processor every page has (the footer's link).
    return legal


@require_GET
def notice(request):
    return render(request, "legal/notice.html", {"legal": _legal()})


@require_GET
def privacy(request):
    context = {
        "legal": _legal(),
        "session_days": settings.SESSION_COOKIE_AGE // 86400,
        "throttle_minutes": settings.LOGIN_THROTTLE_WINDOW // 60,
        "invitation_days": INVITATION_VALIDITY.days,
        "contact_window_minutes": settings.MAILLAGE_CONTACT_RATE_WINDOW // 60,
    }
    return render(request, "legal/privacy.html", context)


@require_GET
def accessibility(request):
    return render(request, "legal/accessibility.html", {"legal": _legal()})


@require_GET
def contact(request):
    return render(request, "legal/contact.html", {"legal": _legal()})
