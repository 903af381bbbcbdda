"""Attendance pages of the back-office: the check-in list of a session (a phone in the hand,
htmx toggles), « marquer présents » after the fact, the signing page of a session (a tablet
passed around the room: each trainee taps their name and signs, the trainer signs last) and the
sheet's PDF. The network's animators and the event's organisers only (``can_manage_event``);
another network's event through this network's URL is not found."""

from __future__ import annotations

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from maillage.emails import absolute_url
from maillage.events import attendance, kiosk, pdf
from maillage.events.errors import EventError
from maillage.events.kiosk import VALID_AFTER_END, kiosk_token
from maillage.events.models import Event, EventSession
from maillage.www.events.guards import managed_event

TRAINER = "formateur"


def _session(event: Event, pk) -> EventSession:
    try:
        return event.sessions.get(pk=int(pk))
    except (EventSession.DoesNotExist, TypeError, ValueError):
        raise Http404 from None


def _current_session(event: Event) -> EventSession | None:
    """The session running or next to come; the last one once all are over."""
    sessions = list(event.sessions.all())
    now = timezone.now()
    return next((s for s in sessions if s.ends_at >= now), sessions[-1] if sessions else None)


def _people(event: Event, session: EventSession, query: str):
    people = attendance.roster(event)
    if query:
        for word in query.split():
            people = people.filter(
                Q(first_name__icontains=word)
                | Q(last_name__icontains=word)
                | Q(company_name__icontains=word)
                | Q(establishment__name__icontains=word)
                | Q(establishment__trade_name__icontains=word)
            )
    rows = attendance.session_attendances(session)
    return [(registration, rows.get(registration.pk)) for registration in people]


def _checkin_url(event: Event, session_pk=None) -> str:
    url = reverse("events:checkin", args=[event.network.slug, event.slug])
    return f"{url}?seance={session_pk}" if session_pk else url


def _checkin_context(event, session, query=""):
    return {
        "event": event,
        "network": event.network,
        "section": "events",
        "session": session,
        "sessions": list(event.sessions.all()),
        "people": _people(event, session, query) if session else [],
        "count": attendance.session_count(session) if session else None,
        "query": query,
        "everyone": list(attendance.roster(event)),
    }


@login_required
@require_GET
def checkin(request, slug, event):
    event = managed_event(request, slug, event)
    chosen = request.GET.get("seance")
    session = _session(event, chosen) if chosen else _current_session(event)
    context = _checkin_context(event, session, request.GET.get("q", "").strip()[:100])
    if request.htmx and request.htmx.target == "roster":
        return render(request, "events/attendance/roster.html", context)
    return render(request, "events/attendance/checkin.html", context)


@login_required
@require_POST
def checkin_toggle(request, slug, event, session, registration):
    event = managed_event(request, slug, event)
    session = _session(event, session)
    registration = get_object_or_404(event.registrations, pk=registration)
    present = request.POST.get("present") == "1"
    error = ""
    try:
        row = attendance.check_in(registration, session, request.user, present=present)
    except EventError as refused:
        error, row = refused.message, session.attendances.filter(registration=registration).first()
    if not request.htmx:
        if error:
            messages.error(request, error)
        return redirect(_checkin_url(event, session.pk))
    return render(
        request,
        "events/attendance/person.html",
        {
            "event": event,
            "network": event.network,
            "session": session,
            "registration": registration,
            "row": row,
            "error": error,
            "count": attendance.session_count(session),
            "oob": True,
        },
    )


@login_required
@require_POST
def checkin_bulk(request, slug, event):
    event = managed_event(request, slug, event)
    sessions = request.POST.getlist("seances")
    try:
        changed = attendance.mark_present_bulk(
            event, request.POST.getlist("inscriptions"), sessions, request.user
        )
    except (EventError, ValueError) as refused:
        messages.error(request, getattr(refused, "message", _("Choix invalide.")))
    else:
        messages.success(
            request,
            ngettext("%(n)s présence enregistrée.", "%(n)s présences enregistrées.", changed)
            % {"n": changed},
        )
    return redirect(
        _checkin_url(event, sessions[0] if len(sessions) == 1 and sessions[0].isdigit() else None)
    )


def _signing_context(event, session, signer=None, error="", *, kiosk=False):
    trainer_name, trainer_drawing = attendance.trainer_signature_parts(session)
    tablet_url = ""
    if not kiosk:
        tablet_url = absolute_url(reverse("events:kiosk_signing", args=[kiosk_token(session)]))
    return {
        "kiosk": kiosk,
        "tablet_url": tablet_url,
        "tablet_qr": segno.make(tablet_url, error="m").svg_data_uri(scale=4, border=2) if tablet_url else "",
        "tablet_until": session.ends_at + VALID_AFTER_END,
        "event": event,
        "network": event.network,
        "session": session,
        "people": attendance.session_sheet(session),
        "signer": signer,
        "trainer": TRAINER,
        "trainer_name": trainer_name,
        "trainer_drawing": trainer_drawing,
        "box": attendance.SIGNATURE_BOX,
        "error": error,
        "opens_at": session.starts_at - attendance.SIGN_EARLY,
        "is_open": timezone.now() >= session.starts_at - attendance.SIGN_EARLY,
    }


@login_required
@require_http_methods(["GET", "POST"])
def signing(request, slug, event, session):
    event = managed_event(request, slug, event)
    return _signing(request, event, _session(event, session), kiosk=False)


@require_http_methods(["GET", "POST"])
def kiosk_signing(request, token):
    """The same sheet on the tablet, without an account: only this session, until its end."""
    session = kiosk.kiosk_session(token)
    if session is None:
        raise Http404
    return _signing(request, session.event, session, kiosk=True)


def _signing(request, event, session, *, kiosk: bool):
    who = request.POST.get("signataire") if request.method == "POST" else request.GET.get("signataire")
    signer = None
    if who == TRAINER:
        signer = TRAINER
    elif who:
        signer = get_object_or_404(attendance.roster(event), pk=int(who) if who.isdigit() else 0)
    signed = (
        request.method == "GET"
        and signer not in (None, TRAINER)
        and session.attendances.filter(registration=signer, signed_at__isnull=False).exists()
    )
    if signed:
        return redirect(request.path)  # signed already: back to the list
    if request.method == "GET" or signer is None:
        return render(
            request, "events/attendance/signing.html", _signing_context(event, session, signer, kiosk=kiosk)
        )
    drawing = request.POST.get("signature", "")
    try:
        if signer == TRAINER:
            attendance.trainer_sign(session, drawing, request.POST.get("nom", ""), timezone.now())
            name = request.POST.get("nom", "")
        else:
            name = f"{signer.first_name} {signer.last_name}"
            attendance.sign(signer, session, drawing, name, timezone.now())
    except EventError as refused:
        context = _signing_context(event, session, signer, refused.message, kiosk=kiosk)
        return render(request, "events/attendance/signing.html", context, status=400)
    messages.success(request, _("Merci, %(name)s : signature enregistrée.") % {"name": name.strip()})
    return redirect(request.path)


@login_required
@require_GET
def sheet_pdf(request, slug, event, session):
    event = managed_event(request, slug, event)
    session = _session(event, session)
    local = timezone.localtime(session.starts_at)
    response = HttpResponse(pdf.sheet_pdf(session), content_type="application/pdf")
    name = f"emargement-{event.slug}-{local:%Y-%m-%d-%H%M}.pdf"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response
