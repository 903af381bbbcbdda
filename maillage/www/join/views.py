"""« Adhérer au réseau »: the public join request of a network, which its animators accept or
decline in the back-office. Open to visitors (honeypot and a limit per client address) and
prefilled for a logged-in user."""

from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import ngettext

from maillage.accounts import throttling
from maillage.accounts.errors import AccountError
from maillage.accounts.services import join_request_create
from maillage.directory.models import Network
from maillage.www.forms import account_prefill, attach_error
from maillage.www.join.forms import JoinForm


def join(request, slug):
    network = get_object_or_404(Network, slug=slug)
    form = JoinForm(
        request.POST if request.method == "POST" else None,
        initial=account_prefill(request.user, company_field="siret"),
        network=network,
    )
    if request.method == "POST":
        if form.is_spam:
            return redirect("join:sent", slug=network.slug)
        visitor = not request.user.is_authenticated
        ip = throttling.client_ip(request)
        wait = throttling.join_retry_after(ip) if visitor else 0
        if wait:
            minutes = max(1, (wait + 59) // 60)
            form.add_error(
                None,
                ngettext(
                    "Trop de demandes depuis votre connexion. Réessayez dans %(minutes)d minute.",
                    "Trop de demandes depuis votre connexion. Réessayez dans %(minutes)d minutes.",
                    minutes,
                )
                % {"minutes": minutes},
            )
        elif form.is_valid():
            if visitor:
                throttling.join_record(ip)
            data = form.cleaned_data
            try:
                join_request_create(
                    network=network,
                    siret=data["siret"],
                    first_name=data["first_name"],
                    last_name=data["last_name"],
                    role=data["role"],
                    email=data["email"],
                    phone=data["phone"],
                    consent=data["consent"],
                    motivation=data["motivation"],
                    user=request.user,
                )
            except AccountError as error:
                attach_error(form, error)
            else:
                return redirect("join:sent", slug=network.slug)
    status = 400 if form.errors else 200
    return render(request, "join/join.html", {"network": network, "form": form}, status=status)


def sent(request, slug):
    network = get_object_or_404(Network, slug=slug)
    return render(request, "join/sent.html", {"network": network})
