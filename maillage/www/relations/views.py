"""Pages of supply relations and purchase leakage.

Every list, page and download reads relations through ``relations_visible`` and shows an exact
amount only through ``displayed_amount``; a relation the viewer may not see is not found (404),
so that its existence does not leak either. The leakage page and its reports belong to the
animators of the network (and platform administrators).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maillage import downloads
from maillage.accounts import permissions
from maillage.directory.models import Establishment
from maillage.relations import reports
from maillage.relations.charts import euros, leakage_bars
from maillage.relations.errors import RelationError
from maillage.relations.leakage import Territory, leakage_buyers, leakage_for
from maillage.relations.models import RelationStatus, SupplierMatchReview, SupplyRelation
from maillage.relations.selectors import (
    can_answer,
    declarable_establishments,
    declares_for_members,
    displayed_amount,
    is_party_user,
    relations_visible,
)
from maillage.relations.services import relation_confirm as confirm
from maillage.relations.services import relation_declare as declare
from maillage.relations.services import relation_dispute as dispute
from maillage.relations.services import supplier_match_decide
from maillage.www.forms import attach_error
from maillage.www.guards import animated_network
from maillage.www.pagination import paginate
from maillage.www.relations.forms import DeclareForm, DisputeForm, LeakageForm, RelationFilterForm

PER_PAGE = 50


def _visible(request, pk) -> SupplyRelation:
    relation = relations_visible(request.user, queryset=SupplyRelation.objects.filter(pk=pk)).first()
    if relation is None:
        raise Http404
    return relation


def relation_list(request):
    form = RelationFilterForm(request.GET or None)
    relations = relations_visible(request.user)
    if form.is_valid():
        text = form.cleaned_data["q"].strip()
        if text:
            relations = relations.filter(
                Q(supplier__name__icontains=text)
                | Q(supplier_name__icontains=text)
                | Q(client__name__icontains=text)
                | Q(client_name__icontains=text)
                | Q(category_text__icontains=text)
                | Q(category_node__label_fr__icontains=text)
                | Q(category_node__label_en__icontains=text)
            )
        if form.cleaned_data["confidentialite"]:
            relations = relations.filter(confidentiality=form.cleaned_data["confidentialite"])
        if form.cleaned_data["statut"]:
            relations = relations.filter(status=form.cleaned_data["statut"])
    relations = relations.order_by("-updated_at", "pk")
    export = request.GET.get("format")
    if export == "csv":
        return downloads.response(reports.relations_csv(relations), filename="relations.csv")
    if export == "xlsx":
        return downloads.response(reports.relations_xlsx(relations), filename="relations.xlsx")
    page = paginate(request, relations, PER_PAGE)
    rows = [(relation, displayed_amount(relation)) for relation in page]
    context = {
        "form": form,
        "page": page,
        "rows": rows,
        "filtered": form.is_valid() and any(form.cleaned_data.values()),
        "can_declare": declarable_establishments(request.user).exists(),
    }
    return render(request, "relations/list.html", context)


def _declare_aliases(side: str) -> dict[str, str]:
    """The declaration form's names for the service's: "our" side is an establishment, the other
    one a SIRET or a SIREN and a name."""
    other = "client" if side == "supplier" else "supplier"
    return {
        side: "establishment",
        other: "other_siret",
        "client_siren": "other_siren",
        "client_name": "other_name",
        "client_country": "other_country",
    }


@login_required
def relation_declare(request):
    establishments = declarable_establishments(request.user).order_by("name", "siret")
    permissions.require(establishments.exists())
    form = DeclareForm(
        request.POST or None, establishments=establishments, for_members=declares_for_members(request.user)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        own, other = data["establishment"], data["other"]
        supplier, client = (own, other) if data["side"] == "supplier" else (other, own)
        # A member company the user does not act for: she declares as its network's animator.
        acting_as = data["side"] if permissions.is_establishment_user(request.user, own) else "animator"
        try:
            relation = declare(
                actor=request.user,
                side=acting_as,
                supplier=supplier,
                client=client,
                client_siren="" if client else data["other_siren"],
                client_name="" if client else data["other_name"],
                client_country=(data["other_country"] or "FR").upper(),
                category_text=data["category_text"],
                volume_band=data["volume_band"] or "",
                since=data["since"],
                confidentiality=data["confidentiality"],
            )
        except RelationError as error:
            attach_error(form, error, aliases=_declare_aliases(data["side"]))
        else:
            if acting_as == "animator":
                messages.success(
                    request,
                    _("Relation déclarée au nom de l’adhérent : les deux parties peuvent la confirmer."),
                )
            else:
                messages.success(request, _("Relation déclarée : l’autre partie peut la confirmer."))
            return redirect("relations:detail", pk=relation.pk)
    return render(request, "relations/declare.html", {"form": form})


def relation_detail(request, pk):
    relation = _visible(request, pk)
    side = is_party_user(request.user, relation)
    return render(
        request,
        "relations/detail.html",
        {
            "relation": relation,
            "amount": displayed_amount(relation),
            "events": relation.events.select_related("actor"),
            "side": side,
            # Who said what: the parties, and the animators who mediate (those who see amounts).
            "can_see_history": side is not None or relation.amount_visible,
            "can_answer": can_answer(request.user, relation) and relation.status != RelationStatus.CONFIRMED,
            "dispute_form": DisputeForm(),
        },
    )


@login_required
@require_POST
def relation_confirm(request, pk):
    relation = _visible(request, pk)
    confirm(actor=request.user, relation=relation)
    messages.success(request, _("Relation confirmée."))
    return redirect("relations:detail", pk=relation.pk)


@login_required
@require_POST
def relation_dispute(request, pk):
    relation = _visible(request, pk)
    form = DisputeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Dites pourquoi vous contestez cette relation."))
        return redirect("relations:detail", pk=relation.pk)
    try:
        dispute(actor=request.user, relation=relation, comment=form.cleaned_data["comment"])
    except RelationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Relation contestée : l’autre partie et les animateurs le verront."))
    return redirect("relations:detail", pk=relation.pk)


@login_required
def leakage(request, slug):
    network = animated_network(request, slug)
    form = LeakageForm(request.GET if "annee" in request.GET else None)
    options = {"year": None, "buyers": None, "min_local": 3, "radius_km": 50.0, "require_capacity": True}
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        options.update(
            year=data["annee"],
            buyers=data["acheteurs"],
            min_local=data["min_local"] or 3,
            radius_km=float(data["rayon"] or 50),
            require_capacity=data["capacite"],
        )
    territory = Territory.of_network(network)
    result = leakage_for(request.user, territory=territory, **options) if not form.errors else None
    export = request.GET.get("format")
    if result is not None and export in ("xlsx", "pdf"):
        name = f"fuite-achats-{network.slug}-{result.year or 'na'}.{export}"
        if export == "xlsx":
            return downloads.response(reports.leakage_xlsx(result, territory), filename=name)
        return downloads.response(
            reports.leakage_pdf(result, territory), filename=name, content_type="application/pdf"
        )
    return render(
        request,
        "relations/leakage.html",
        {
            "network": network,
            "form": form,
            "result": result,
            "chart": leakage_bars(result.categories) if result else "",
            "rows": [
                (c, euros(c.inside), euros(c.outside), euros(c.addressable))
                for c in (result.categories if result else [])
            ],
            "totals": (euros(result.inside), euros(result.outside), euros(result.addressable))
            if result
            else None,
            "territory_size": len(territory.communes),
            "buyers": leakage_buyers(request.user),
        },
    )


@login_required
def match_reviews(request, slug):
    network = animated_network(request, slug)
    reviews = SupplierMatchReview.objects.filter(network=network).select_related(
        "establishment", "decided_by"
    )
    page = paginate(request, reviews.order_by("status", "-created_at", "pk"), PER_PAGE)
    return render(request, "relations/match_reviews.html", {"network": network, "page": page})


@login_required
@require_POST
def match_decide(request, slug, pk):
    network = animated_network(request, slug)
    review = get_object_or_404(SupplierMatchReview, pk=pk, network=network)
    establishment = None
    chosen = request.POST.get("establishment", "")
    if chosen:
        allowed = {str(c["establishment"]) for c in review.candidates}
        if chosen not in allowed:
            raise PermissionDenied
        establishment = get_object_or_404(Establishment, pk=chosen)
    changed = supplier_match_decide(actor=request.user, review=review, establishment=establishment)
    messages.success(request, _("Décision enregistrée (%(n)s relation(s) mise(s) à jour).") % {"n": changed})
    return redirect("relations:match_reviews", slug=network.slug)
