"""Calendar feeds: the network's public feed (``/reseaux/<réseau>/agenda.ics``, filters
``?type=`` and ``?theme=``), a person's private feed (``/agenda/<jeton>.ics``, no login: the
token is the secret) and the page where a user creates, renews and revokes that token
(``/compte/agenda/``). The feeds are written by ``maillage.events.feeds``."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from maillage.directory.models import Network
from maillage.emails import absolute_url
from maillage.events.errors import EventError
from maillage.events.feeds import (
    feed_token_active,
    feed_token_create,
    feed_token_revoke,
    network_feed_ics,
    person_feed_ics,
)

CONTENT_TYPE = "text/calendar; charset=utf-8"
# Calendar clients poll every few hours at most; a quarter of an hour spares the database a
# burst of subscribers without leaving a change unseen for long.
FEED_MAX_AGE = 900


def _calendar_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=CONTENT_TYPE)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@require_safe
def network_feed(request, slug):
    network = get_object_or_404(Network, slug=slug)
    user = request.user if request.user.is_authenticated else None
    content = network_feed_ics(
        network, user=user, kinds=request.GET.getlist("type"), topics=request.GET.getlist("theme")
    )
    response = _calendar_response(content, f"agenda-{network.slug}.ics")
    # A signed-in member's copy holds members-only events: shared caches must not keep it.
    if user is None:
        patch_cache_control(response, public=True, max_age=FEED_MAX_AGE)
    else:
        patch_cache_control(response, private=True, max_age=FEED_MAX_AGE)
    patch_vary_headers(response, ["Cookie"])
    return response


@require_safe
def person_feed(request, token):
    try:
        content = person_feed_ics(token)
    except EventError as error:
        raise Http404(error.message) from error
    response = _calendar_response(content, "mes-evenements.ics")
    patch_cache_control(response, private=True, max_age=FEED_MAX_AGE)
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def feed_settings(request):
    """The user's private feed: its address over https:// and webcal://, created, renewed
    (a new secret, the old one stops working) or revoked."""
    if request.method == "POST":
        action = request.POST.get("action")
        active = feed_token_active(request.user)
        if action == "revoke" and active is not None:
            feed_token_revoke(active.token)
            messages.success(request, _("Le lien de votre agenda est révoqué : il ne fonctionne plus."))
        elif action in ("create", "renew"):
            feed_token_create(request.user)
            if active is None:
                messages.success(
                    request, _("Votre agenda personnel est prêt : abonnez-vous avec le lien ci-dessous.")
                )
            else:
                messages.success(request, _("Nouveau lien créé : l’ancien ne fonctionne plus."))
        return redirect("events:feed_settings")
    active = feed_token_active(request.user)
    context = {"token": active}
    if active is not None:
        https = absolute_url(reverse("events:person_feed", kwargs={"token": active.token}))
        context |= {"https_url": https, "webcal_url": "webcal://" + https.split("://", 1)[1]}
    response = render(request, "events/feed_settings.html", context)
    response["Cache-Control"] = "no-store"  # the page shows a secret
    return response
