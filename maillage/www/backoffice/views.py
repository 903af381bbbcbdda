"""The animator back-office: members, invitations and claims of the networks one animates.

Every page is scoped by the network in its URL and refuses (403) anyone who does not animate
it; objects of another network are not found (404) even by their id.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maillage.accounts import permissions
from maillage.accounts.errors import AccountError
from maillage.accounts.models import Claim, JoinRequest
from maillage.accounts.selectors import (
    network_claims,
    network_invitations,
    network_join_requests,
    network_member_facets,
    network_memberships,
    network_status_counts,
    with_link_counts,
)
from maillage.accounts.services import claim_approve as approve
from maillage.accounts.services import claim_reject as reject
from maillage.accounts.services import invitation_create
from maillage.directory.models import Membership
from maillage.imports.models import MappingReview
from maillage.imports.selectors import network_mapping_reviews
from maillage.needs.selectors import network_need_figures
from maillage.www.backoffice.dues_forms import MemberBulkForm
from maillage.www.backoffice.exports import members_export
from maillage.www.backoffice.forms import ClaimRejectForm, InvitationForm, MemberFilterForm
from maillage.www.forms import attach_error
from maillage.www.guards import animated_network
from maillage.www.pagination import paginate, paginate_deferred
from maillage.www.typography import identifier

PER_PAGE = 50
# The filters folded under « Plus de filtres » unless one of them is set.
MORE_FILTERS = ("college", "epci", "activite", "taille", "savoir_faire")


# What a row of the members list shows: read only these columns of its three tables.
ROW_FIELDS = (
    "network_id", "establishment_id", "status", "dues_status",
    "establishment__siret", "establishment__name", "establishment__trade_name", "establishment__city",
    "establishment__organisation__name", "establishment__commune__name",
)  # fmt: skip
SIRET_SLOT = "00000000000000"


def member_rows(network, memberships) -> list[dict]:
    """The members list's rows as plain values. The page shows 50 of them on every visit, and
    the template resolving ``membership.establishment.display_name`` three times and reversing
    two URLs per row cost more than the page's queries (bench/backoffice_pages.py): the URLs
    are reversed once and completed with each SIRET, the labels translated here."""
    member_url = reverse("backoffice:member", args=[network.slug, SIRET_SLOT])
    edit_url = reverse("profile_edit:edit", args=[SIRET_SLOT])
    check = _("Cocher %(name)s")
    edit = _('Modifier le profil<span class="visually-hidden"> de %(name)s</span>')
    statuses, dues = dict(Membership.Status.choices), dict(Membership.DuesStatus.choices)
    rows = []
    for membership in memberships:
        establishment = membership.establishment
        name = establishment.display_name
        rows.append(
            {
                "pk": membership.pk,
                "name": name,
                "check_label": check % {"name": name},
                "edit_label": mark_safe(edit % {"name": conditional_escape(name)}),
                "url": member_url.replace(SIRET_SLOT, establishment.siret),
                "edit_url": edit_url.replace(SIRET_SLOT, establishment.siret),
                "siret": identifier(establishment.siret),
                "place": establishment.commune.name if establishment.commune_id else establishment.city,
                "status": statuses.get(membership.status, membership.status),
                "dues": dues.get(membership.dues_status, membership.dues_status),
                "users": membership.user_count,
                "contacts": membership.contact_count,
            }
        )
    return rows


def _context(network, section, **extra):
    pending = network_claims(network).filter(status=Claim.Status.PENDING).count()
    reviews = network_mapping_reviews(network, status=MappingReview.Status.PENDING).count()
    joins = network_join_requests(network).filter(status=JoinRequest.Status.PENDING).count()
    return {
        "network": network,
        "section": section,
        "pending_claims": pending,
        "pending_joins": joins,
        "pending_reviews": reviews,
        **extra,
    }


@login_required
def index(request):
    networks = list(permissions.animated_networks(request.user))
    permissions.require(bool(networks))
    if len(networks) == 1:
        return redirect("backoffice:members", slug=networks[0].slug)
    context = {"networks": networks, "is_platform_admin": permissions.is_platform_admin(request.user)}
    return render(request, "backoffice/index.html", context)


@login_required
def members(request, slug):
    network = animated_network(request, slug)
    form = MemberFilterForm(request.GET or None, facets=network_member_facets(network))
    filters = form.filters()
    memberships = network_memberships(network, **filters)
    fmt = request.GET.get("format", "")
    if fmt in ("csv", "xlsx"):
        return members_export(network, memberships, fmt)
    page = paginate_deferred(request, memberships.only(*ROW_FIELDS), PER_PAGE)
    page.object_list = with_link_counts(network, page.object_list)
    by_status = network_status_counts(network)
    counts = [(label, by_status[value]) for value, label in Membership.Status.choices]
    context = _context(
        network,
        "members",
        form=form,
        page=page,
        rows=member_rows(network, page.object_list),
        counts=counts,
        need_figures=network_need_figures(network),
        filtered=any(filters.values()),
        bulk_form=MemberBulkForm(),
        more_filters=any(form[name].value() for name in MORE_FILTERS),
        more_filter_fields=[form[name] for name in MORE_FILTERS],
    )
    return render(request, "backoffice/members.html", context)


@login_required
def invitations(request, slug):
    network = animated_network(request, slug)
    form = InvitationForm(request.POST or None, network=network)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = invitation_create(
                network=network,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                establishment=form.cleaned_data["establishment"],
                invited_by=request.user,
            )
        except AccountError as error:
            attach_error(form, error, aliases={"establishment": "siret"})
        else:
            messages.success(request, _("Invitation envoyée à %(email)s.") % {"email": invitation.email})
            return redirect("backoffice:invitations", slug=network.slug)
    page = paginate(request, network_invitations(network), PER_PAGE)
    return render(
        request,
        "backoffice/invitations.html",
        _context(
            network,
            "invitations",
            form=form,
            page=page,
            now=timezone.now(),
        ),
    )


@login_required
def claims(request, slug):
    network = animated_network(request, slug)
    all_claims = network_claims(network)
    context = _context(
        network,
        "claims",
        pending=all_claims.filter(status=Claim.Status.PENDING).order_by("created_at"),
        decided=all_claims.exclude(status=Claim.Status.PENDING).order_by("-decided_at")[:50],
        reject_form=ClaimRejectForm(),
    )
    return render(request, "backoffice/claims.html", context)


def _claim(request, slug, pk) -> Claim:
    network = animated_network(request, slug)
    return get_object_or_404(
        Claim.objects.select_related("user", "establishment", "network"), pk=pk, network=network
    )


@require_POST
@login_required
def claim_approve(request, slug, pk):
    claim = _claim(request, slug, pk)
    try:
        approve(claim=claim, by=request.user)
    except AccountError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("%(user)s peut désormais agir pour %(establishment)s.")
            % {"user": claim.user.email, "establishment": claim.establishment.display_name},
        )
    return redirect("backoffice:claims", slug=slug)


@require_POST
@login_required
def claim_reject(request, slug, pk):
    claim = _claim(request, slug, pk)
    form = ClaimRejectForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        reject(claim=claim, by=request.user, note=note)
    except AccountError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Demande de %(user)s refusée.") % {"user": claim.user.email})
    return redirect("backoffice:claims", slug=slug)
