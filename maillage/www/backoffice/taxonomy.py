"""Taxonomy additions: animators propose synonyms and nodes, a platform administrator decides.

Accepted synonyms join the node's ``animator_synonyms_*`` and accepted nodes are animator
nodes: ``load-taxonomy`` keeps both (see docs/taxonomy.md), and the import mapper reads them
at its next run.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maillage.accounts import permissions
from maillage.taxonomy.errors import TaxonomyError
from maillage.taxonomy.models import TaxonomyProposal
from maillage.taxonomy.services import (
    taxonomy_proposal_accept,
    taxonomy_proposal_create,
    taxonomy_proposal_reject,
)
from maillage.www.backoffice.forms import NodeProposalForm, ProposalRejectForm, SynonymProposalForm
from maillage.www.backoffice.views import _context
from maillage.www.forms import attach_error
from maillage.www.guards import animated_network

RELATED = ("network", "node", "parent", "proposed_by", "decided_by", "created_node")


@login_required
def taxonomy(request, slug):
    network = animated_network(request, slug)
    which = request.POST.get("form") if request.method == "POST" else None
    forms = {
        "synonym": SynonymProposalForm(request.POST if which == "synonym" else None, auto_id="synonyme_%s"),
        "node": NodeProposalForm(request.POST if which == "node" else None, auto_id="noeud_%s"),
    }
    form = forms.get(which)
    if form is not None and form.is_valid():
        data = form.cleaned_data
        fields = (
            {"node": data["node"], "synonym": data["synonym"], "language": data["language"]}
            if which == "synonym"
            else {
                "parent": data["parent"],
                "node_type": data["node_type"],
                "label_fr": data["label_fr"],
                "label_en": data["label_en"],
            }
        )
        try:
            taxonomy_proposal_create(
                network=network, proposed_by=request.user, kind=which, rationale=data["rationale"], **fields
            )
        except TaxonomyError as error:
            attach_error(form, error, aliases={"node": "q"})
        else:
            messages.success(request, _("Proposition envoyée aux administrateurs de la plateforme."))
            return redirect("backoffice:taxonomy", slug=network.slug)
    proposals = TaxonomyProposal.objects.filter(network=network).select_related(*RELATED)[:100]
    context = _context(
        network,
        "taxonomy",
        synonym_form=forms["synonym"],
        node_form=forms["node"],
        proposals=proposals,
        is_platform_admin=permissions.is_platform_admin(request.user),
    )
    return render(request, "backoffice/taxonomy.html", context)


@login_required
def proposals(request):
    permissions.require(permissions.is_platform_admin(request.user))
    all_proposals = TaxonomyProposal.objects.select_related(*RELATED)
    context = {
        "pending": all_proposals.filter(status=TaxonomyProposal.Status.PENDING).order_by("created_at"),
        "decided": all_proposals.exclude(status=TaxonomyProposal.Status.PENDING).order_by("-decided_at")[:50],
        "reject_form": ProposalRejectForm(),
    }
    return render(request, "backoffice/taxonomy_proposals.html", context)


def _decide(request, pk, decide):
    permissions.require(permissions.is_platform_admin(request.user))
    proposal = get_object_or_404(TaxonomyProposal, pk=pk)
    try:
        decide(proposal)
    except TaxonomyError as error:
        messages.error(request, error.message)
    return redirect("backoffice:taxonomy_proposals")


@require_POST
@login_required
def proposal_accept(request, pk):
    def accept(proposal):
        accepted = taxonomy_proposal_accept(proposal=proposal, by=request.user)
        messages.success(request, _("Proposition acceptée : %(what)s.") % {"what": accepted})

    return _decide(request, pk, accept)


@require_POST
@login_required
def proposal_reject(request, pk):
    form = ProposalRejectForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""

    def reject(proposal):
        rejected = taxonomy_proposal_reject(proposal=proposal, by=request.user, note=note)
        messages.success(request, _("Proposition refusée : %(what)s.") % {"what": rejected})

    return _decide(request, pk, reject)
