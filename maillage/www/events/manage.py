"""The back-office's events: the list (upcoming, past, drafts, with their registrations
counted), the event form (new / edit: sessions, questions, topics), publish and cancel.

The list and « nouveau » are the network's animators' and platform administrators'
(``animated_network``); an event's form, publish and cancel are also its organisers'
(``can_manage_event``). Another network's event is not found (404).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maillage.accounts.permissions import can_animate_network
from maillage.events import services
from maillage.events.errors import EventError
from maillage.events.selectors import MANAGE_SECTIONS, managed_counts, managed_events, seats
from maillage.www.events.calendar import url_or_none
from maillage.www.events.guards import managed_event
from maillage.www.events.manage_forms import (
    EventForm,
    QuestionFormSet,
    SessionForm,
    SessionFormSet,
    TopicFormSet,
    question_inputs,
    session_inputs,
    session_rows_added,
    sessions_initial,
    topic_nodes,
)
from maillage.www.forms import attach_error
from maillage.www.guards import animated_network
from maillage.www.pagination import paginate

PER_PAGE = 25
SECTIONS = {"a-venir": "upcoming", "passes": "past", "brouillons": "drafts"}
ROWS = {"sessions": SessionFormSet, "questions": QuestionFormSet, "topics": TopicFormSet}


def _context(request, network, **extra) -> dict:
    # An organiser who does not animate the network sees the form without the back-office menu.
    animator = can_animate_network(request.user, network)
    return {
        "network": network,
        "section": "events",
        "base_template": "backoffice/base.html" if animator else "events/manage_base.html",
        **extra,
    }


@login_required
def event_list(request, slug):
    network = animated_network(request, slug)
    shown = request.GET.get("liste", "a-venir")
    section = SECTIONS.get(shown, "upcoming")
    page = paginate(request, managed_events(network, section), PER_PAGE)
    for event in page.object_list:
        event.part_links = _part_links(network, event)
    context = _context(
        request, network,
        page=page,
        counts=managed_counts(network), shown=section, sections=MANAGE_SECTIONS,
    )  # fmt: skip
    return render(request, "events/manage_list.html", context)


def _part_links(network, event) -> list[tuple[str, str]]:
    """The event's pages the other parts of the area own (registrations, check-in, certificates),
    as far as they exist yet."""
    links = [
        (_("Inscriptions"), url_or_none("events:registrations", network.slug, event.slug)),
        (_("Pointage"), url_or_none("events:checkin", network.slug, event.slug)),
        (_("Attestations"), url_or_none("events:certificates", network.slug, event.slug)),
    ]
    return [(label, url) for label, url in links if url]


def _posted_rows(data, prefix: str) -> list[dict]:
    """The rows of formset ``prefix`` as typed (``prefix-N-field``), for a page shown again."""
    rows: dict[int, dict] = {}
    for key, value in data.items():
        parts = key.split("-", 2)
        if len(parts) == 3 and parts[0] == prefix and parts[1].isdigit():
            rows.setdefault(int(parts[1]), {})[parts[2]] = value
    return [rows[index] for index in sorted(rows)]


def _forms(request, network, *, event=None):
    """The event form and its formsets: bound on a save, shown again with a row more after
    « ajouter une demi-journée / une journée », else initial."""
    action = request.POST.get("action", "") if request.method == "POST" else ""
    if action in ("half", "day"):
        rows = []
        for row in _posted_rows(request.POST, "sessions"):
            form = SessionForm(row)
            rows.append(form.cleaned_data if form.is_valid() and form.cleaned_data.get("day") else row)
        rows = session_rows_added([row for row in rows if any(row.values())], action)
        initial = request.POST.dict()
        return (
            EventForm(network=network, initial=initial),
            SessionFormSet(prefix="sessions", initial=rows),
            QuestionFormSet(prefix="questions", initial=_posted_rows(request.POST, "questions")),
            TopicFormSet(prefix="topics", initial=_posted_rows(request.POST, "topics")),
        )
    if request.method == "POST":
        return (
            EventForm(request.POST, network=network),
            SessionFormSet(request.POST, prefix="sessions"),
            QuestionFormSet(request.POST, prefix="questions"),
            TopicFormSet(request.POST, prefix="topics"),
        )
    if event is None:
        sessions = [{}]
        questions, topics = [{}], [{}]
        initial = {}
    else:
        sessions = sessions_initial(event)
        questions = [
            {"id": q.pk, "label": q.label, "required": q.required} for q in event.questions.all()
        ] + [{}]
        topics = [{"node": node.label} for node in event.topics.all()] + [{}]
        initial = EventForm.initial_for(event)
    return (
        EventForm(network=network, initial=initial),
        SessionFormSet(prefix="sessions", initial=sessions),
        QuestionFormSet(prefix="questions", initial=questions),
        TopicFormSet(prefix="topics", initial=topics),
    )


def _save(request, network, forms, *, event=None):
    """The event written by the services; None when a form or the services refuse it."""
    form, session_set, question_set, topic_set = forms
    if request.POST.get("action", "save") != "save":
        return None
    if not all(item.is_valid() for item in forms):
        return None
    sessions = session_inputs(session_set)
    arguments = {
        **form.values(),
        "sessions": sessions,
        "questions": question_inputs(question_set),
        "topics": topic_nodes(topic_set),
        "rome_codes": form.cleaned_data["rome_codes"],
        "organisers": form.cleaned_data["organisers"],
    }
    try:
        if event is None:
            return services.event_create(network, by=request.user, **arguments)
        return services.event_update(event, by=request.user, **arguments)
    except EventError as error:
        filled = [row for row in session_set.forms if row.session() is not None]
        attach_error(
            form, error, aliases={"starts_at": "start", "ends_at": "end"},
            rows={"sessions": sorted(filled, key=lambda row: row.session().starts_at),
                  "questions": question_set.forms},
        )  # fmt: skip
        return None


def _render_form(request, network, forms, *, event=None):
    form, session_set, question_set, topic_set = forms
    context = _context(
        request, network, form=form, session_set=session_set, question_set=question_set,
        topic_set=topic_set, event=event,
    )  # fmt: skip
    if event is not None:
        context["confirmed"], context["seats_left"], context["waiting"] = seats(event)
        context["part_links"] = _part_links(network, event)
    return render(request, "events/manage_form.html", context)


@login_required
def event_new(request, slug):
    network = animated_network(request, slug)
    forms = _forms(request, network)
    if request.method == "POST":
        event = _save(request, network, forms)
        if event is not None:
            messages.success(request, _("Événement enregistré en brouillon : publiez-le pour l’ouvrir."))
            return redirect("events:manage_edit", slug=network.slug, event_slug=event.slug)
    return _render_form(request, network, forms)


@login_required
def event_edit(request, slug, event_slug):
    event = managed_event(request, slug, event_slug)
    network = event.network
    forms = _forms(request, network, event=event)
    if request.method == "POST" and _save(request, network, forms, event=event) is not None:
        messages.success(request, _("Événement enregistré."))
        return redirect("events:manage_edit", slug=network.slug, event_slug=event.slug)
    return _render_form(request, network, forms, event=event)


@require_POST
@login_required
def event_publish(request, slug, event_slug):
    event = managed_event(request, slug, event_slug)
    network = event.network
    try:
        services.event_publish(event, by=request.user)
    except EventError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Événement publié : il est dans l’agenda du réseau."))
    return redirect("events:manage_edit", slug=network.slug, event_slug=event.slug)


@require_POST
@login_required
def event_cancel(request, slug, event_slug):
    """Without ``confirme``, the page that says who will be told; with it, the cancellation."""
    event = managed_event(request, slug, event_slug)
    network = event.network
    if request.POST.get("confirme") != "1":
        active = event.registrations.active().count()
        return render(
            request, "events/manage_cancel.html", _context(request, network, event=event, active=active)
        )
    services.event_cancel(event, by=request.user)
    messages.success(request, _("Événement annulé : les personnes inscrites sont prévenues."))
    return redirect("events:manage_edit", slug=network.slug, event_slug=event.slug)
