"""The import review queue: values of members' spreadsheets the mapper would not apply alone.

The animator accepts a proposal, picks another node (taxonomy autocomplete) or dismisses the
text. ``mapping_review_decide`` — the same service as the Django admin — remembers the
decision for every later import and applies it to this network's waiting profiles.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maillage.imports.errors import MappingReviewError
from maillage.imports.models import MappingReview
from maillage.imports.profiles.services import mapping_review_decide
from maillage.imports.selectors import network_mapping_review_counts, network_mapping_reviews, proposal_nodes
from maillage.www.backoffice.forms import ReviewDecisionForm, ReviewFilterForm
from maillage.www.backoffice.views import _context
from maillage.www.guards import animated_network
from maillage.www.pagination import paginate

PER_PAGE = 25


@login_required
def reviews(request, slug):
    network = animated_network(request, slug)
    data = request.GET.copy()
    data.setdefault("statut", MappingReview.Status.PENDING)  # also on ?page=2 of the default list
    form = ReviewFilterForm(data)
    column, status = "", MappingReview.Status.PENDING
    if form.is_valid():
        column, status = form.cleaned_data["colonne"], form.cleaned_data["statut"]
    page = paginate(request, network_mapping_reviews(network, status=status, column=column), PER_PAGE)
    nodes = proposal_nodes(page)
    for review in page:
        review.proposal_rows = [
            (proposal["code"], nodes.get(proposal["code"]), round(proposal["score"] * 100))
            for proposal in review.proposals
        ]
    by_status = network_mapping_review_counts(network)
    counts = [(label, by_status[value]) for value, label in MappingReview.Status.choices]
    pending_only = status == MappingReview.Status.PENDING and not column
    context = _context(network, "reviews", form=form, page=page, counts=counts, pending_only=pending_only)
    return render(request, "backoffice/reviews.html", context)


@require_POST
@login_required
def review_decide(request, slug, pk):
    network = animated_network(request, slug)
    review = get_object_or_404(network_mapping_reviews(network), pk=pk)
    back = (
        reverse("backoffice:reviews", args=[network.slug])
        + "?"
        + urlencode({key: request.POST.get(key, "") for key in ("colonne", "statut")})
    )
    if review.status != MappingReview.Status.PENDING:
        messages.error(request, _("Ce rattachement a déjà été décidé."))
        return redirect(back)
    form = ReviewDecisionForm(request.POST, review=review)
    if not form.is_valid():
        messages.error(request, " ".join(form.non_field_errors() or [_("Décision incomplète.")]))
        return redirect(back)
    code = form.cleaned_data["code"]
    try:
        decision = mapping_review_decide(review=review, code=code, actor=request.user, network=network)
    except MappingReviewError as error:
        messages.error(request, error.message)
        return redirect(back)
    if decision.node_id:
        messages.success(
            request,
            _("« %(text)s » est rattaché à %(label)s ; les prochains imports feront de même.")
            % {"text": review.raw_text, "label": decision.node.label},
        )
    else:
        messages.success(
            request,
            _("« %(text)s » est écarté ; les prochains imports l’ignoreront.") % {"text": review.raw_text},
        )
    return redirect(back)
