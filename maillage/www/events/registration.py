"""Registration pages: the public form (``events:register``) and its result page, the
self-service page of the link in the person's e-mails (``events:registration``: no login, the
secret token), and the organiser's list (``events:registrations``, its CSV export).

Thin: each view checks ``maillage.events.permissions`` and calls ``events.registrations``; a
refusal (``EventError``) is shown on the form that asked."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Case, IntegerField, Value, When
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from maillage import downloads
from maillage.accounts import throttling
from maillage.events import registrations
from maillage.events.errors import EventError
from maillage.events.models import Event, EventStatus, Registration, RegistrationStatus
from maillage.events.permissions import can_register, can_see_event
from maillage.events.selectors import event_location
from maillage.www.events.guards import managed_event
from maillage.www.events.registration_forms import (
    AddPersonForm,
    ColleagueFormSet,
    NoColleagueFormSet,
    PersonForm,
    RegistrationForm,
)
from maillage.www.forms import account_prefill, attach_error
from maillage.www.pagination import paginate

# The result page's ``?r=``: the registrations just made, signed (nobody lists others' by id)
# rather than kept in a session (a database write per visitor on the busiest POST).
RESULT_SALT, RESULT_MAX_AGE = "events.registered", 24 * 3600
S = RegistrationStatus
# A visitor's registration forms per client address and hour (a member's are not counted).
VISITOR_FORMS, WINDOW = 10, 3600


def _event(network_slug: str, event_slug: str) -> Event:
    return get_object_or_404(
        Event.objects.select_related("network", "commune"), network__slug=network_slug, slug=event_slug
    )


def _visible_event(request, network_slug, event_slug) -> Event:
    event = _event(network_slug, event_slug)
    if not can_see_event(request.user, event):
        raise Http404
    return event


def _event_context(event: Event) -> dict:
    return {
        "event": event,
        "network": event.network,
        "event_url": registrations.event_path(event),
        "calendar_url": f"/reseaux/{event.network.slug}/agenda/",  # events:calendar (the calendar's part)
        "location": event_location(event),
        "sessions": list(event.sessions.all()),
    }


# --- the public form ---------------------------------------------------------------------------


def _register_all(request, event, form, colleagues) -> list[Registration] | None:
    """The person and their colleagues, all or none (one refusal cancels the whole form)."""
    data = form.cleaned_data
    establishment, company_name = data["company"]
    people = [(form, data)] + [(row, row.cleaned_data) for row in colleagues.forms if row.filled]
    done = []
    try:
        with transaction.atomic():
            for target, person in people:
                current = target
                own = request.user.is_authenticated and person["email"].lower() == request.user.email.lower()
                done.append(
                    registrations.register(
                        event,
                        first_name=person["first_name"],
                        last_name=person["last_name"],
                        email=person["email"],
                        establishment=establishment,
                        company_name=company_name,
                        user=request.user if own else None,
                        answers=form.answers(),
                        phone=data["phone"] if target is form else "",
                        job_title=data["job_title"] if target is form else "",
                        registered_by=request.user,
                    )
                )
    except EventError as error:
        attach_error(current if error.field in ("first_name", "last_name", "email") else form, error)
        return None
    return done


def _throttled(request, form) -> bool:
    """A visitor's form past ``VISITOR_FORMS`` an hour from one address: refused, said on the
    form (each form sends e-mails to the addresses typed in it)."""
    if request.user.is_authenticated:
        return False
    ip = throttling.client_ip(request)
    wait = (
        throttling.wait([(throttling.counter("event_registration", "ip", ip), VISITOR_FORMS)], WINDOW)
        if ip
        else 0
    )
    if wait:
        minutes = max(1, (wait + 59) // 60)
        form.add_error(
            None,
            ngettext(
                "Trop d’inscriptions depuis votre connexion. Réessayez dans %(minutes)d minute.",
                "Trop d’inscriptions depuis votre connexion. Réessayez dans %(minutes)d minutes.",
                minutes,
            )
            % {"minutes": minutes},
        )
        return True
    if ip:
        throttling.record([(throttling.counter("event_registration", "ip", ip), VISITOR_FORMS)], WINDOW)
    return False


def register(request, slug, event_slug):
    event = _visible_event(request, slug, event_slug)
    allowed = can_register(request.user, event)
    closed = registrations.closed_reason(event) if allowed else ""
    if request.method == "POST" and (not allowed or closed):
        raise PermissionDenied
    post = request.POST if request.method == "POST" else None
    form = RegistrationForm(
        post,
        initial=account_prefill(request.user, company_field="company") if post is None else {},
        event=event,
    )
    asked = post is not None or request.GET.get("collegues") == "1"
    colleagues = (ColleagueFormSet if asked else NoColleagueFormSet)(post, prefix="collegue")
    if post is not None and form.is_spam:
        return redirect(_event_context(event)["event_url"])
    if post is not None and form.is_valid() and colleagues.is_valid() and not _throttled(request, form):
        done = _register_all(request, event, form, colleagues)
        if done is not None:
            url = reverse("events:registered", kwargs={"slug": event.network.slug, "event_slug": event.slug})
            signed = signing.dumps([r.pk for r in done], salt=RESULT_SALT, compress=True)
            return redirect(f"{url}?{urlencode({'r': signed})}")
    context = {
        **_event_context(event),
        "form": form,
        "colleagues": colleagues,
        "allowed": allowed,
        "closed": closed,
        "counts": registrations.seat_counts(event),
    }
    status = 400 if post is not None else 200
    if post is None and asked and request.htmx:
        return render(request, "events/includes/registration_colleagues.html", context)
    return render(request, "events/register.html", context, status=status)


def registered(request, slug, event_slug):
    event = _visible_event(request, slug, event_slug)
    try:
        ids = signing.loads(request.GET.get("r", ""), salt=RESULT_SALT, max_age=RESULT_MAX_AGE)
    except signing.BadSignature:
        ids = []
    done = list(Registration.objects.filter(event=event, pk__in=ids).order_by("pk"))
    rows = [(r, registrations.waitlist_position(r)) for r in done]
    return render(request, "events/registered.html", {**_event_context(event), "rows": rows})


# --- the self-service link ---------------------------------------------------------------------


SELF_SERVICE = {
    "cancel": (registrations.cancel, lambda: _("Votre inscription est annulée.")),
    "accept": (registrations.accept_offer, lambda: _("C’est confirmé : la place est à vous.")),
    "decline": (registrations.decline_offer, lambda: _("Vous avez laissé la place à la personne suivante.")),
}


def registration(request, token):
    """What the link in the person's e-mails opens: no login, the token is the key."""
    current = get_object_or_404(
        Registration.objects.select_related(
            "event__network", "event__commune", "establishment", "replaced_by"
        ),
        token=token,
    )
    event = current.event
    now = timezone.now()
    replace_form = PersonForm(
        request.POST if request.POST.get("action") == "replace" else None, prefix="remplacant"
    )
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "replace":
            if replace_form.is_valid():
                try:
                    new = registrations.replace(current, **replace_form.cleaned_data)
                except EventError as error:
                    attach_error(replace_form, error)
                else:
                    messages.success(
                        request,
                        _("Votre place est cédée à %(name)s, qui reçoit la confirmation par e-mail.")
                        % {"name": f"{new.first_name} {new.last_name}"},
                    )
                    return redirect("events:registration", token=current.token)
        elif action in SELF_SERVICE:
            service, done = SELF_SERVICE[action]
            try:
                service(current)
            except EventError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, done())
            return redirect("events:registration", token=current.token)
        else:
            raise Http404
    upcoming = event.status == EventStatus.PUBLISHED and event.starts_at > now
    context = {
        **_event_context(event),
        "registration": current,
        "position": registrations.waitlist_position(current),
        "upcoming": upcoming,
        "replace_form": replace_form,
        "can_cancel": upcoming and current.status in (S.PENDING, S.CONFIRMED, S.WAITLISTED),
        "can_replace": upcoming and current.status == S.CONFIRMED,
        "offer_open": current.status == S.OFFERED and (current.offer_expires_at or now) > now,
        "has_certificate": current.certificates.exists(),
    }
    status = 400 if replace_form.errors else 200
    return render(request, "events/registration.html", context, status=status)


# --- the organiser's list ----------------------------------------------------------------------


PER_PAGE = 100
STATUS_ORDER = [S.CONFIRMED, S.OFFERED, S.WAITLISTED, S.PENDING, S.CANCELLED, S.DECLINED]


def _manage_action(request, event) -> str | None:
    """Apply the POSTed action; a refusal's message, or None."""
    action = request.POST.get("action")
    target = None
    if action in ("approve", "decline", "cancel"):
        target = get_object_or_404(Registration, event=event, pk=request.POST.get("registration"))
    try:
        if action == "approve":
            registrations.moderate(target, approve=True, by=request.user)
            messages.success(request, _("Inscription validée."))
        elif action == "decline":
            registrations.moderate(target, approve=False, by=request.user)
            messages.success(request, _("Inscription refusée."))
        elif action == "cancel":
            registrations.cancel(target)
            messages.success(request, _("Inscription annulée."))
        else:
            raise Http404
    except EventError as error:
        return error.message
    return None


@login_required
def registrations_list(request, slug, event_slug):
    event = managed_event(request, slug, event_slug)
    add_form = AddPersonForm(request.POST if request.POST.get("action") == "add" else None, event=event)
    if request.method == "POST":
        if request.POST.get("action") == "add":
            if add_form.is_valid():
                establishment, company_name = add_form.cleaned_data["company"]
                try:
                    added = registrations.register(
                        event,
                        first_name=add_form.cleaned_data["first_name"],
                        last_name=add_form.cleaned_data["last_name"],
                        email=add_form.cleaned_data["email"],
                        establishment=establishment,
                        company_name=company_name,
                        registered_by=request.user,
                        by_organiser=True,
                    )
                except EventError as error:
                    attach_error(add_form, error)
                else:
                    messages.success(
                        request,
                        _("%(name)s est inscrit (%(status)s).")
                        % {
                            "name": f"{added.first_name} {added.last_name}",
                            "status": added.get_status_display(),
                        },
                    )
                    return redirect("events:registrations", slug=event.network.slug, event_slug=event.slug)
        else:
            refusal = _manage_action(request, event)
            if refusal:
                messages.error(request, refusal)
            return redirect("events:registrations", slug=event.network.slug, event_slug=event.slug)
    shown = request.GET.get("statut", "")
    by_status = Case(
        *[When(status=s, then=Value(i)) for i, s in enumerate(STATUS_ORDER)], output_field=IntegerField()
    )
    rows = event.registrations.select_related("establishment").order_by(
        by_status, "priority", "queued_at", "pk"
    )
    if shown in S.values:
        rows = rows.filter(status=shown)
    page = paginate(request, rows, PER_PAGE)
    counts = registrations.seat_counts(event)
    context = {
        **_event_context(event),
        "page": page,
        "rows": page.object_list,
        "counts": counts,
        "statuses": [(s, S(s).label, counts[s]) for s in STATUS_ORDER],
        "shown": shown,
        "add_form": add_form,
        "questions": list(event.questions.all()),
    }
    return render(request, "events/registrations.html", context, status=400 if add_form.errors else 200)


CSV_HEADER = [
    "Nom",
    "Prénom",
    "Adresse e-mail",
    "Téléphone",
    "Fonction",
    "Entreprise",
    "SIRET",
    "Adhérent",
    "État",
    "Inscrit le",
    "Confirmé le",
]


@login_required
def registrations_csv(request, slug, event_slug):
    event = managed_event(request, slug, event_slug)
    questions = list(event.questions.all())
    rows = event.registrations.select_related("establishment").order_by("priority", "queued_at", "pk")
    body = downloads.csv_bytes(
        CSV_HEADER + [q.label for q in questions],
        (
            [
                r.last_name,
                r.first_name,
                r.email,
                r.phone,
                r.job_title,
                r.company_label,
                r.establishment.siret if r.establishment_id else "",
                "oui" if r.priority == registrations.MEMBER else "non",
                r.get_status_display(),
                timezone.localtime(r.queued_at).replace(tzinfo=None),
                timezone.localtime(r.confirmed_at).replace(tzinfo=None) if r.confirmed_at else None,
                *[r.answers.get(str(q.pk), "") for q in questions],
            ]
            for r in rows
        ),
    )
    return downloads.response(body, filename=f"inscriptions-{event.slug}.csv")
