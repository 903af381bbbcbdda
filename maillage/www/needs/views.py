"""Need pages: post and edit a need, its page, answers, outcome, consortium, inbox, notifications.

Every view asks ``maillage.needs.permissions`` (403 otherwise; a visitor is sent to the login
page) and writes only through ``maillage.needs.services``.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from maillage import downloads
from maillage.directory.models import Establishment
from maillage.directory.selectors import network_members
from maillage.matching.index import IndexMissingError
from maillage.needs import permissions, services
from maillage.needs.attachments import attachment_name
from maillage.needs.consortium import need_consortium_propose, need_quantity_rules
from maillage.needs.errors import NeedValidationError
from maillage.needs.models import Need, NeedAttachment, NeedStatus, NeedVisibility
from maillage.needs.selectors import (
    need_next_candidates,
    needs_received,
    network_need_figures,
    notifications_of,
)
from maillage.www.guards import animated_network
from maillage.www.needs import forms
from maillage.www.needs.editing import need_form_page
from maillage.www.needs.evidence import check_lines, equipment_words, need_labels
from maillage.www.needs.queries import ConsortiumProposal, need_contacts
from maillage.www.pagination import paginate

PER_PAGE = 30
CONTENT_TYPES = {
    "pdf": "application/pdf", "png": "image/png", "jpeg": "image/jpeg", "step": "model/step",
    "dxf": "image/vnd.dxf",
}  # fmt: skip
CANDIDATES_SHOWN = 10


def _need(request, pk: int, check) -> Need:
    need = get_object_or_404(
        Need.objects.select_related("network", "author", "author_establishment", "commune"), pk=pk
    )
    if not check(request.user, need):
        if not request.user.is_authenticated:
            raise _LoginRequired
        raise PermissionDenied
    return need


class _LoginRequired(Exception):
    pass


def _login_first(view):
    """A visitor refused by a need's rules goes to the login page rather than a 403."""

    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except _LoginRequired:
            return redirect_to_login(request.get_full_path())

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


@require_GET
def need_list(request):
    """The needs of the networks whose public part the user may see."""
    rows = permissions.needs_visible(request.user).select_related("network", "commune")
    status = request.GET.get("statut", "")
    if status in NeedStatus.values:
        rows = rows.filter(status=status)
    query = (request.GET.get("q") or "").strip()
    if query:
        rows = rows.filter(
            Q(title__icontains=query)
            | Q(capabilities__node__label_fr__icontains=query)
            | Q(capabilities__node__label_en__icontains=query)
        ).distinct()
    page = paginate(request, rows.order_by("-created_at", "-pk"), PER_PAGE)
    return render(
        request,
        "needs/list.html",
        {"page": page, "status": status, "query": query, "statuses": NeedStatus.choices},
    )


@login_required
def need_create(request):
    return need_form_page(request, need=None)


@login_required
@_login_first
def need_edit(request, pk):
    need = _need(request, pk, permissions.can_edit_need)
    return need_form_page(request, need=need)


def _candidates(need: Need, labels: dict[str, str]) -> tuple[list, bool]:
    """The next companies the need would reach, each with its requirement lines."""
    if need.status == NeedStatus.CLOSED:
        return [], False
    try:
        found = need_next_candidates(need, limit=CANDIDATES_SHOWN)
    except IndexMissingError:
        return [], True
    return [(candidate, check_lines(candidate.requirements, labels)) for candidate in found], False


@_login_first
def need_detail(request, pk):
    need = _need(request, pk, permissions.can_view_need)
    user = request.user
    all_answers = permissions.can_view_all_answers(user, need)
    answers = list(permissions.answers_visible(user, need))
    context = {
        "need": need,
        "capabilities": need.capabilities.select_related("node"),
        "details": permissions.can_view_need_details(user, need),
        "all_answers": all_answers,
        "answers": answers,
        "can_edit": permissions.can_edit_need(user, need),
        "can_change_status": permissions.can_change_need_status(user, need),
        "can_record_outcome": permissions.can_record_outcome(user, need),
        "can_answer": permissions.can_answer_need(user, need),
        "answer_form": forms.AnswerForm(),
        "close_form": forms.CloseForm(),
        "outcome_form": forms.OutcomeForm(),
    }
    if context["details"]:
        context["attachments"] = need.attachments.all()
        context["equipment"] = equipment_words(need)
        context["certifications"] = need.certifications.all()
    if all_answers:
        interested = [a for a in answers if a.answer == "interested"]
        contacts = need_contacts(interested)
        context["contacts"] = [(a, contacts.get(a.establishment_id, [])) for a in interested]
        context["history"] = need.history.select_related("actor")
        labels = need_labels(need)
        context["answer_rows"] = [(row, check_lines(row.requirements, labels)) for row in answers]
        context["candidates"], context["index_missing"] = _candidates(need, labels)
        context["consortium_form"] = forms.ConsortiumForm(initial={"max_partners": 5, "alternatives": 3})
    return render(request, "needs/detail.html", context)


def _refused(request, need: Need, error: NeedValidationError):
    messages.error(request, error.message)
    return redirect("needs:detail", pk=need.pk)


@login_required
@require_POST
@_login_first
def need_open(request, pk):
    need = _need(request, pk, permissions.can_change_need_status)
    try:
        services.need_open(need=need, actor=request.user)
    except NeedValidationError as error:
        return _refused(request, need, error)
    messages.success(request, _("Le besoin est ouvert : les entreprises les plus pertinentes le reçoivent."))
    return redirect("needs:detail", pk=need.pk)


@login_required
@require_POST
@_login_first
def need_close(request, pk):
    need = _need(request, pk, permissions.can_change_need_status)
    form = forms.CloseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choisissez l’issue du besoin."))
        return redirect("needs:detail", pk=need.pk)
    try:
        services.need_close(
            need=need,
            actor=request.user,
            closing=form.cleaned_data["closing"],
            note=form.cleaned_data["note"],
        )
    except NeedValidationError as error:
        return _refused(request, need, error)
    messages.success(request, _("Le besoin est clos."))
    return redirect("needs:detail", pk=need.pk)


@login_required
@require_POST
@_login_first
def need_outcome(request, pk):
    need = _need(request, pk, permissions.can_change_need_status)
    form = forms.OutcomeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Dites si le travail a été confié."))
        return redirect("needs:detail", pk=need.pk)
    try:
        services.need_outcome_record(need=need, actor=request.user, **form.outcome())
    except NeedValidationError as error:
        return _refused(request, need, error)
    messages.success(request, _("Merci : le bilan est enregistré."))
    return redirect("needs:detail", pk=need.pk)


@login_required
@require_POST
@_login_first
def need_answer(request, pk):
    need = _need(request, pk, permissions.can_answer_need)
    form = forms.AnswerForm(request.POST)
    target = "needs:inbox" if request.POST.get("from") == "inbox" else None
    if not form.is_valid():
        messages.error(request, _("Choisissez une réponse."))
    else:
        try:
            services.need_answer(
                need=need,
                actor=request.user,
                answer=form.cleaned_data["answer"],
                reason=form.cleaned_data["reason"],
                message=form.cleaned_data["message"],
            )
            messages.success(request, _("Votre réponse est transmise à l’auteur du besoin."))
        except NeedValidationError as error:
            messages.error(request, error.message)
    return redirect(target) if target else redirect("needs:detail", pk=need.pk)


@login_required
@_login_first
def need_attachment(request, pk, attachment_pk):
    need = _need(request, pk, permissions.can_view_need_details)
    attachment = get_object_or_404(NeedAttachment, pk=attachment_pk, need=need)
    if not attachment.file.storage.exists(attachment.file.name):
        raise Http404
    # Read whole (attachments are a few MB at most) so that no file handle outlives the request.
    with attachment.file.open("rb") as handle:
        data = handle.read()
    # The name's extension follows the checked type, also for files stored before that rule.
    return downloads.response(
        data,
        filename=attachment_name(attachment.name, attachment.file_type),
        content_type=CONTENT_TYPES.get(attachment.file_type, "application/octet-stream"),
    )


@login_required
@_login_first
def need_consortium(request, pk):
    """Groups of companies that together cover the need (author side and animators)."""
    need = _need(request, pk, permissions.can_view_all_answers)
    form = forms.ConsortiumForm(
        request.GET or None, initial={"max_partners": 5, "alternatives": 3}, network=need.network
    )
    proposal, stale = _propose(request, need, form.cleaned_data) if form.is_valid() else (None, {})
    solved = bool(proposal and proposal.result)
    quantities = need_quantity_rules(need) if solved else []
    context = {
        "need": need,
        "form": form,
        # The names offered in the lead's field: the network's members.
        "companies": network_members(need.network),  # lazy: read by the full page only
        "companies_list": forms.COMPANIES_LIST,
        "proposal": proposal,
        "quantities": quantities,
        "hours_enforced": sum(rule.enforced for rule in quantities),
        # Candidates whose declared hours are older than 90 days, or undated: not counted.
        "stale_capacity": sum(stated is not None for stated in stale.values()) if solved else 0,
        "undated_capacity": sum(stated is None for stated in stale.values()) if solved else 0,
        "groups": _groups(proposal, quantities, stale) if solved else [],
        "uncovered": _uncovered(proposal) if solved else [],
        "can_invite": permissions.can_edit_need(request.user, need)
        and need.status in (NeedStatus.DRAFT, NeedStatus.OPEN),
    }
    template = "needs/includes/consortium.html" if request.htmx else "needs/consortium.html"
    return render(request, template, context)


def _propose(request, need: Need, data: dict) -> tuple[ConsortiumProposal, dict]:
    """The proposal for the page, and the candidates whose declared hours were set aside as stale
    (SIRET → date stated, None when undated)."""
    labels = {row.node.code: row.node.label for row in need.capabilities.select_related("node")}
    lead = Establishment.objects.filter(siret=data["lead"]).first() if data["lead"] else None
    if data["lead"] and lead is None:
        return ConsortiumProposal(
            None, labels, _("Entreprise pilote inconnue : %(siret)s.") % {"siret": data["lead"]}
        ), {}
    try:
        outcome = need_consortium_propose(
            need=need,
            actor=request.user,
            k=data["alternatives"],
            max_partners=data["max_partners"],
            lead=lead,
            excluded=list(Establishment.objects.filter(siret__in=data["excluded"])),
        )
    except NeedValidationError as error:
        return ConsortiumProposal(None, labels, error.message), {}
    except IndexMissingError:
        return ConsortiumProposal(None, labels, _("L’index de recherche n’est pas encore construit.")), {}
    return ConsortiumProposal(outcome.result, labels), outcome.stale_capacity


def _shares(group, member, labels, enforced) -> list[dict]:
    """The member's share of each enforced quantity (hours per week) it serves."""
    return [
        {"label": labels.get(c.capability, c.capability), "hours": c.capacity, "of": enforced[c.capability]}
        for c in group.contributions
        if c.establishment_id == member.establishment_id
        and c.capability in enforced
        and c.capacity is not None
    ]


def _groups(proposal, quantities, stale) -> list[dict]:
    """The solver's groups, ready for the template: names, labels of what each member covers,
    each member's share of the quantities in hours per week, and whether its declared hours
    were set aside as too old."""
    labels = proposal.labels
    enforced = {rule.code: rule.quantity for rule in quantities if rule.enforced}
    return [
        {
            "rank": group.rank,
            "cost": group.cost,
            "proven": group.proven_optimal,
            "gap": group.gap,
            "lower_bound": group.lower_bound,
            "breakdown": group.cost_breakdown,
            "sirets": ",".join(member.establishment_id for member in group.members),
            "members": [
                {
                    "siret": member.establishment_id,
                    "name": member.name,
                    "distance_km": member.distance_km,
                    "is_sme": member.is_sme,
                    "is_lead": member.is_lead,
                    "covers": [labels.get(code, code) for code in member.covers],
                    "shares": _shares(group, member, labels, enforced),
                    # "old" / "undated": its declared hours were set aside; None otherwise
                    "capacity_set_aside": (
                        ("old" if stale[member.establishment_id] else "undated")
                        if member.establishment_id in stale
                        else None
                    ),
                }
                for member in group.members
            ],
        }
        for group in proposal.result.groups
    ]


def _uncovered(proposal) -> list[dict]:
    infeasibility = proposal.result.infeasibility
    if infeasibility is None:
        return []
    return [
        {
            "label": proposal.labels.get(row.code, row.code),
            "quantity": row.quantity,  # hours per week when enforced, else None
            "available": row.available,  # hours per week then, else a number of companies
            "nearest": row.nearest_beyond,
        }
        for row in infeasibility.uncovered
    ]


def _content(need: Need) -> dict:
    """A need's current content as ``need_update`` takes it."""
    return {
        "kind": need.kind,
        "title": need.title,
        "description": need.description,
        "capabilities": [
            services.CapabilityInput(code=row.node.code, quantity=row.quantity, unit=row.unit)
            for row in need.capabilities.select_related("node")
        ],
        "certifications": list(need.certifications.values_list("code", flat=True)),
        "equipment": [
            services.EquipmentInput(
                code=row.node.code, spec=row.spec, minimum=row.minimum, maximum=row.maximum
            )
            for row in need.equipment.select_related("node")
        ],
        "commune": need.commune.insee_code if need.commune else None,
        "max_distance_km": need.max_distance_km,
        "deadline": need.deadline,
        "budget_min": need.budget_min,
        "budget_max": need.budget_max,
    }


@login_required
@require_POST
@_login_first
def need_consortium_invite(request, pk):
    """Send the need to one proposed group. A draft becomes a chosen-companies need and opens;
    an open need reaches the group at once as one more batch (``need_group_invite``)."""
    need = _need(request, pk, permissions.can_edit_need)
    if need.status not in (NeedStatus.DRAFT, NeedStatus.OPEN):
        messages.error(request, _("Ce besoin est clos : il ne peut plus être envoyé."))
        return redirect("needs:detail", pk=need.pk)
    form = forms.InviteForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Groupement invalide."))
        return redirect("needs:consortium", pk=need.pk)
    group = form.cleaned_data["sirets"]
    try:
        if need.status == NeedStatus.DRAFT:
            services.need_update(
                need=need,
                actor=request.user,
                visibility=NeedVisibility.CHOSEN,
                chosen_establishments=group,
                **_content(need),
            )
            services.need_open(need=need, actor=request.user, group_size=len(group))
            reached = len(group)
        else:
            reached = len(services.need_group_invite(need=need, actor=request.user, establishments=group))
    except NeedValidationError as error:
        return _refused(request, need, error)
    messages.success(
        request,
        _("Le groupement est invité : %(n)d entreprises reçoivent le besoin.") % {"n": reached},
    )
    return redirect("needs:detail", pk=need.pk)


@login_required
def inbox(request):
    """The needs sent to the companies the user acts for, with the answer form."""
    rows = needs_received(request.user)
    page = paginate(request, rows, PER_PAGE)
    return render(request, "needs/inbox.html", {"page": page, "answer_form": forms.AnswerForm()})


@login_required
def notifications(request):
    rows = notifications_of(request.user)
    page = paginate(request, rows, PER_PAGE)
    unread = rows.filter(read_at__isnull=True).count()
    return render(request, "needs/notifications.html", {"page": page, "unread": unread})


@login_required
@require_POST
def notifications_read(request):
    ids = [int(value) for value in request.POST.getlist("notification") if value.isdigit()]
    if request.POST.get("all"):
        count = services.notification_mark_read(user=request.user)
    else:
        count = services.notification_mark_read(user=request.user, notification_ids=ids) if ids else 0
    messages.success(request, _("%(n)d notification(s) marquée(s) comme lue(s).") % {"n": count})
    return redirect("needs:notifications")


@login_required
def figures(request, slug):
    """The network's need figures: business kept local, needs answered, response time."""
    network = animated_network(request, slug)
    return render(
        request, "needs/figures.html", {"network": network, "figures": network_need_figures(network)}
    )
