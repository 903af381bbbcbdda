"""Bulk actions on the members list: the checked rows, or « all N companies matching the
filter », then a status, a payment recorded, dues called or reminded.

The selection is read through the list's own entry point (``MemberFilterForm(...).filters()``
→ ``network_memberships``), so it is exactly what the list showed. A first POST shows what
the action will meet (counts); the confirmed POST makes one service call, atomic, and comes
back to the list with what was done.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from maillage.accounts.selectors import network_memberships
from maillage.directory.dues import dues_call, dues_record_payment, dues_remind, memberships_set_status
from maillage.directory.errors import DirectoryError
from maillage.directory.models import Membership
from maillage.directory.selectors import dues_preview
from maillage.www.backoffice.dues_forms import MemberBulkForm
from maillage.www.backoffice.forms import MemberFilterForm
from maillage.www.backoffice.views import _context
from maillage.www.guards import animated_network


def _done(action: str, data: dict, result) -> str:
    if action == MemberBulkForm.STATUS:
        return ngettext(
            "Statut changé pour %(n)d entreprise.", "Statut changé pour %(n)d entreprises.", result
        ) % {"n": result}
    if action == MemberBulkForm.CALL:
        text = ngettext(
            "%(n)d cotisation %(year)s appelée.", "%(n)d cotisations %(year)s appelées.", result.called
        ) % {"n": result.called, "year": data["year"]}
        left = result.skipped + result.not_members
        return text + (
            " " + _("%(n)d non concernées (déjà appelées ou non adhérentes).") % {"n": left} if left else ""
        )
    done, left = result
    if action == MemberBulkForm.PAID:
        text = ngettext("%(n)d règlement enregistré.", "%(n)d règlements enregistrés.", done) % {"n": done}
        return text + (" " + _("%(n)d déjà réglées.") % {"n": left} if left else "")
    text = ngettext("%(n)d relance envoyée.", "%(n)d relances envoyées.", done) % {"n": done}
    return text + (" " + _("%(n)d sans cotisation appelée à relancer.") % {"n": left} if left else "")


def _run(network, user, action: str, data: dict, selected):
    if action == MemberBulkForm.STATUS:
        return memberships_set_status(
            network=network, status=data["status"], actor=user, memberships=selected
        )
    if action == MemberBulkForm.PAID:
        return dues_record_payment(
            network=network, year=data["year"], paid_on=data["paid_on"], reference=data["reference"],
            actor=user, memberships=selected,
        )  # fmt: skip
    if action == MemberBulkForm.CALL:
        return dues_call(network=network, year=data["year"], actor=user, memberships=selected)
    return dues_remind(network=network, year=data["year"], actor=user, memberships=selected)


@login_required
@require_POST
def members_bulk(request, slug):
    network = animated_network(request, slug)
    back = f"{reverse('backoffice:members', args=[network.slug])}?{request.GET.urlencode()}"
    filter_form = MemberFilterForm(request.GET)
    form = MemberBulkForm(request.POST)
    if not filter_form.is_valid() or not form.is_valid():
        errors = [str(e) for field_errors in form.errors.values() for e in field_errors]
        messages.error(request, " ".join(errors) or _("Les filtres de la liste sont invalides."))
        return redirect(back)
    data = form.cleaned_data
    selected = network_memberships(network, **filter_form.filters())
    if not data["everything"]:
        selected = selected.filter(pk__in=data["ids"])
    action = data["action"]
    if not data["confirmed"]:
        context = _context(
            network,
            "members",
            form=form,
            action_label=dict(form.fields["action"].choices)[action],
            status_label=Membership.Status(data["status"]).label if data["status"] else "",
            count=selected.count(),
            preview=dues_preview(selected, data["year"]) if action in MemberBulkForm.DUES_ACTIONS else None,
            back=back,
            query=request.GET.urlencode(),
        )
        return render(request, "backoffice/members_bulk.html", context)
    try:
        result = _run(network, request.user, action, data, selected)
    except DirectoryError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _done(action, data, result))
    return redirect(back)
