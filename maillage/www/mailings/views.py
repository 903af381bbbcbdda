"""Unsubscribing from a network's messages, by the link each message carries: no login.

GET shows a confirmation page (a link opened by a mail scanner must not unsubscribe anyone);
POST acts. The POST is exempt from CSRF: RFC 8058's one-click unsubscribe is a POST from the
mail client (``List-Unsubscribe=One-Click``) that carries no token but the link's own
signature, and it can only unsubscribe the address the link was signed for.
"""

from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from maillage.mailings.errors import MailingError
from maillage.mailings.services import resubscribe, unsubscribe_network
from maillage.mailings.services import unsubscribe as unsubscribe_address


@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    target = unsubscribe_network(token)
    if target is None:
        return render(request, "mailings/unsubscribe.html", {"invalid": True}, status=404)
    network, email = target
    done = resubscribed = False
    if request.method == "POST":
        try:
            if request.POST.get("action") == "resubscribe":
                resubscribe(token=token)
                resubscribed = True
            else:  # the page's button, or the mail client's one-click POST (RFC 8058)
                unsubscribe_address(token=token)
                done = True
        except MailingError:  # the network was deleted in between
            return render(request, "mailings/unsubscribe.html", {"invalid": True}, status=404)
    context = {"network": network, "email": email, "done": done, "resubscribed": resubscribed}
    return render(request, "mailings/unsubscribe.html", context)
