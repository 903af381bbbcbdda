"""The network's dues in the back-office: the year's scale and figures, « Appeler les
cotisations <année> », and on a member's page its dues, a payment recorded, a reminder sent.

Scoped as the rest of the back-office (``animated_network``: the network's animators and
platform administrators, else 403; a company of another network: 404). The writes are the
services of ``maillage.directory.dues``.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from maillage.accounts.selectors import network_member_facets, network_memberships
from maillage.directory.dues import (
    dues_call,
    dues_correct_amount,
    dues_record_payment,
    dues_remind,
    dues_scale_save,
    dues_waive,
)
from maillage.directory.errors import DirectoryError
from maillage.directory.models import DuesScale
from maillage.directory.selectors import dues_preview, network_dues_summary
from maillage.referential.models import HeadcountBand
from maillage.www.backoffice.dues_forms import DuesCorrectionForm, DuesPaymentForm, DuesScaleForm
from maillage.www.backoffice.members import _membership
from maillage.www.backoffice.views import _context
from maillage.www.forms import attach_error
from maillage.www.guards import animated_network

FIRST_YEAR, LAST_YEAR = 2000, 2100


def _year(value) -> int:
    try:
        year = int(value)
    except (TypeError, ValueError):
        return timezone.localdate().year
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise Http404
    return year


def _categories(network, scale) -> list[str]:
    """The members' categories, and those a scale names that no member has any more."""
    named = {rate.category for rate in scale.rates.all() if not rate.headcount_band_id} if scale else set()
    return sorted(set(network_member_facets(network).categories) | named - {""})


@login_required
def dues(request, slug):
    network = animated_network(request, slug)
    year = _year(request.GET.get("annee") or request.POST.get("annee"))
    scale = DuesScale.objects.filter(network=network, year=year).prefetch_related("rates").first()
    # A new year starts from the previous scale: the treasurer changes what changed.
    model = scale or DuesScale.objects.filter(network=network, year__lt=year).order_by("-year").first()
    categories = _categories(network, model)
    bands = list(HeadcountBand.objects.order_by("code"))
    form = DuesScaleForm(
        request.POST or None,
        initial=DuesScaleForm.initial_for(model, categories),
        categories=categories,
        bands=bands,
    )
    if request.method == "POST" and form.is_valid():
        category_amounts, band_amounts = form.amounts()
        try:
            dues_scale_save(
                network=network,
                actor=request.user,
                year=year,
                basis=form.cleaned_data["basis"],
                default_amount=form.cleaned_data["default_amount"],
                late_after_days=form.cleaned_data["late_after_days"],
                category_amounts=category_amounts,
                band_amounts=band_amounts,
            )
        except DirectoryError as error:
            attach_error(form, error)
        else:
            messages.success(request, _("Barème %(year)s enregistré.") % {"year": year})
            return redirect(f"{reverse('backoffice:dues', args=[network.slug])}?annee={year}")
    years = sorted(
        set(DuesScale.objects.filter(network=network).values_list("year", flat=True))
        | {timezone.localdate().year, timezone.localdate().year + 1, year},
        reverse=True,
    )
    context = _context(
        network,
        "dues",
        year=year,
        years=years,
        scale=scale,
        copied_from=model if scale is None else None,
        form=form,
        summary=network_dues_summary(network, year),
    )
    return render(request, "backoffice/dues.html", context, status=400 if form.errors else 200)


@login_required
def dues_call_confirm(request, slug, year):
    """« Appeler les cotisations <année> »: what the call will do (GET), then the call (POST)."""
    network = animated_network(request, slug)
    year = _year(year)
    scale = DuesScale.objects.filter(network=network, year=year).first()
    back = f"{reverse('backoffice:dues', args=[network.slug])}?annee={year}"
    if request.method == "POST":
        try:
            result = dues_call(network=network, year=year, actor=request.user)
        except DirectoryError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                ngettext(
                    "%(n)d cotisation %(year)s appelée ; l’e-mail d’appel part aux contacts.",
                    "%(n)d cotisations %(year)s appelées ; l’e-mail d’appel part aux contacts.",
                    result.called,
                )
                % {"n": result.called, "year": year}
                + (
                    " "
                    + ngettext(
                        "%(n)d l’était déjà.",
                        "%(n)d l’étaient déjà.",
                        result.skipped,
                    )
                    % {"n": result.skipped}
                    if result.skipped
                    else ""
                ),
            )
        return redirect(back)
    members = network_memberships(network, status="member")
    context = _context(
        network, "dues", year=year, scale=scale, preview=dues_preview(members, year), back=back
    )
    return render(request, "backoffice/dues_call.html", context)


@login_required
@require_POST
def member_dues_payment(request, slug, siret, year):
    network = animated_network(request, slug)
    membership = _membership(network, siret)
    form = DuesPaymentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Indiquez la date du règlement."))
    else:
        try:
            recorded, _already = dues_record_payment(
                network=network,
                year=_year(year),
                paid_on=form.cleaned_data["paid_on"],
                reference=form.cleaned_data["reference"],
                actor=request.user,
                memberships=[membership],
            )
        except DirectoryError as error:
            messages.error(request, error.message)
        else:
            if recorded:
                messages.success(request, _("Règlement enregistré."))
            else:
                messages.info(request, _("Cette cotisation était déjà réglée."))
    return redirect("backoffice:member", slug=network.slug, siret=siret)


@login_required
@require_POST
def member_dues_correct(request, slug, siret, year):
    """Correct the amount of a dues not paid yet, or waive it (``action``: amount / waive)."""
    network = animated_network(request, slug)
    membership = _membership(network, siret)
    form = DuesCorrectionForm(request.POST)
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    try:
        if request.POST.get("action") == "waive":
            dues_waive(
                membership=membership, year=_year(year), reason=data.get("reason") or "", actor=request.user
            )
            messages.success(request, _("Cotisation %(year)s exonérée.") % {"year": year})
        else:
            if "amount" in form.errors:
                raise DirectoryError("amount", " ".join(form.errors["amount"]))
            dues_correct_amount(
                membership=membership, year=_year(year), amount=data.get("amount"), actor=request.user
            )
            messages.success(request, _("Montant de la cotisation %(year)s corrigé.") % {"year": year})
    except DirectoryError as error:
        messages.error(request, error.message)
    return redirect("backoffice:member", slug=network.slug, siret=siret)


@login_required
@require_POST
def member_dues_remind(request, slug, siret, year):
    network = animated_network(request, slug)
    membership = _membership(network, siret)
    reminded, _skipped = dues_remind(
        network=network, year=_year(year), actor=request.user, memberships=[membership]
    )
    if reminded:
        messages.success(request, _("Relance envoyée aux contacts de l’entreprise."))
    else:
        messages.info(request, _("Rien à relancer : cette cotisation n’est pas appelée ou est réglée."))
    return redirect("backoffice:member", slug=network.slug, siret=siret)
