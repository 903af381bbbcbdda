"""« Mon entreprise »: the companies a user acts for, how complete each profile is, their
pending claims — the member's way in after login."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from maillage.accounts.selectors import user_claims
from maillage.events.company import company_training
from maillage.profiles.selectors import profile_completeness

MISSING_SHOWN = 3


@login_required
@require_GET
def mine(request):
    links = request.user.establishment_links.select_related("establishment__commune").order_by(
        "establishment__name"
    )
    companies = []
    for link in links:
        completeness = profile_completeness(link.establishment)
        companies.append(
            {
                "establishment": link.establishment,
                "score": completeness.score,
                "missing": completeness.missing[:MISSING_SHOWN],
                "to_confirm": completeness.inferred_to_confirm,
                # Events: who from the company is registered, who came, hours of training.
                "training": company_training(link.establishment),
            }
        )
    claims = user_claims(request.user).filter(status="pending").order_by("-created_at")
    return render(request, "profile_edit/mine.html", {"companies": companies, "claims": claims})
