"""The animator's journal in the back-office: the list with its figures and CSV export, an entry's
form, a company's timeline (its entries, needs and supply relations) and the follow-ups to do.

Every page is the network's animators' and platform administrators' (``animated_network``);
another network's entry is not found (404) even by its id. Entries are never shown to members:
« partagée avec l'entreprise » waits for a member-side page (docs/journal.md).
"""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maillage import downloads
from maillage.directory.models import Contact
from maillage.events.company import company_events_attended
from maillage.journal.errors import JournalError
from maillage.journal.models import Confidentiality, EntryKind, Theme
from maillage.journal.selectors import (
    company_entries,
    entries_export,
    entry_of_network,
    journal_figures,
    network_company,
    network_entries,
)
from maillage.journal.services import entry_create, entry_delete, entry_update, follow_up_mark
from maillage.needs.selectors import establishment_needs
from maillage.relations.selectors import relations_visible
from maillage.www.backoffice.journal_forms import JournalEntryForm, JournalFilterForm
from maillage.www.backoffice.views import PER_PAGE, _context
from maillage.www.forms import attach_error
from maillage.www.guards import animated_network
from maillage.www.pagination import paginate, paginate_deferred


def _period(cleaned: dict) -> tuple[date, date]:
    """The figures' period: the filter's, else the year to date."""
    today = timezone.localdate()
    until = cleaned.get("au") or today
    since = cleaned.get("du") or date(until.year, 1, 1)
    return since, until


def _labels(choices) -> dict[str, str]:
    # Translated once per export: ``get_FOO_display`` translates every label on every call,
    # which made a 50,000-row export take twenty seconds.
    return {value: str(label) for value, label in choices}


def _csv(network, entries):
    header = [
        _("Date"), _("Nature"), _("Entreprise"), _("SIRET"), _("Personnes rencontrées"), _("Thème"),
        _("Savoir-faire abordés"), _("Notes"), _("Relance le"), _("Relance confiée à"), _("Relance faite"),
        _("Confidentialité"), _("Auteur"),
    ]  # fmt: skip
    kinds, themes, levels = (
        _labels(EntryKind.choices),
        _labels(Theme.choices),
        _labels(Confidentiality.choices),
    )
    done = {True: _("oui"), False: _("non")}
    roles = _labels(Contact.Role.choices)

    def people(contacts, others: str) -> str:
        return "; ".join(
            [f"{contact} ({roles[contact.role]})" for contact in contacts] + ([others] if others else [])
        )

    def owner(row) -> str:
        name = f"{row['follow_up_owner__first_name'] or ''} {row['follow_up_owner__last_name'] or ''}".strip()
        return name or row["follow_up_owner__email"] or ""

    rows = (
        [
            row["occurred_on"],
            kinds.get(row["kind"], row["kind"]),
            row["establishment__trade_name"]
            or row["establishment__name"]
            or row["establishment__organisation__name"],
            row["establishment__siret"],
            people(contacts, row["people_met"]),
            themes.get(row["theme"], ""),
            ", ".join(node.label for node in nodes),
            row["notes"],
            row["follow_up_on"],
            owner(row),
            done[row["follow_up_done_at"] is not None] if row["follow_up_on"] else "",
            levels.get(row["confidentiality"], row["confidentiality"]),
            row["author__email"] or "",
        ]
        for row, nodes, contacts in entries_export(entries)
    )
    body = downloads.csv_bytes(header, rows)
    return downloads.response(body, filename=f"journal-{network.slug}-{timezone.localdate():%Y-%m-%d}.csv")


@login_required
def journal(request, slug):
    network = animated_network(request, slug)
    form = JournalFilterForm(request.GET or None)
    cleaned = form.cleaned_data if form.is_valid() else {}
    entries = network_entries(
        network,
        kind=cleaned.get("nature", ""),
        theme=cleaned.get("theme", ""),
        company=cleaned.get("entreprise", ""),
        since=cleaned.get("du"),
        until=cleaned.get("au"),
        follow_ups_to_do=cleaned.get("relances", False),
    )
    if request.GET.get("format") == "csv":
        return _csv(network, entries)
    since, until = _period(cleaned)
    filtered = any(cleaned.get(name) for name in ("nature", "theme", "entreprise", "du", "au", "relances"))
    page = paginate_deferred(
        request,
        entries.select_related(None).select_related("establishment__organisation").only(*ROW_FIELDS),
        PER_PAGE,
    )
    context = _context(
        network,
        "journal",
        form=form,
        page=page,
        rows=journal_rows(network, page.object_list),
        figures=journal_figures(network, since=since, until=until),
        filtered=filtered,
        today=timezone.localdate(),
    )
    return render(request, "backoffice/journal.html", context)


ID_SLOT, SIRET_SLOT = "2147483647", "00000000000000"
# What a row of the list shows: the entries' authors and owners, and their companies' other
# columns, were half the page's reading time (bench/backoffice_pages.py).
ROW_FIELDS = (
    "network_id", "establishment_id", "occurred_on", "kind", "theme", "confidentiality", "follow_up_on",
    "follow_up_done_at", "establishment__siret", "establishment__name", "establishment__trade_name",
    "establishment__organisation__name",
)  # fmt: skip


def journal_rows(network, entries) -> list[dict]:
    """A page's entries as plain values, as the members list does
    (``views.member_rows``): the URLs reversed once, the labels translated and the dates
    formatted here rather than by the template for each of the 50 rows."""
    company_url = reverse("backoffice:journal_company", args=[network.slug, SIRET_SLOT])
    edit_url = reverse("backoffice:journal_edit", args=[network.slug, ID_SLOT])
    done_url = reverse("backoffice:journal_follow_up", args=[network.slug, ID_SLOT])
    edit = _('Modifier<span class="visually-hidden"> l’entrée sur %(name)s</span>')
    mark = _('Marquer faite<span class="visually-hidden"> la relance de %(name)s</span>')
    today = timezone.localdate()
    kinds, themes = _labels(EntryKind.choices), _labels(Theme.choices)
    rows = []
    for entry in entries:
        name = entry.establishment.display_name
        labels = [node.label for node in entry.capabilities.all()]
        subject = themes.get(entry.theme, entry.theme) + (
            (" · " if entry.theme else "") + ", ".join(labels) if labels else ""
        )
        follow_up = entry.follow_up_on
        rows.append(
            {
                "date": date_format(entry.occurred_on, "SHORT_DATE_FORMAT"),
                "name": name,
                "company_url": company_url.replace(SIRET_SLOT, entry.establishment.siret),
                "kind": kinds.get(entry.kind, entry.kind),
                "shared": entry.confidentiality == Confidentiality.COMPANY,
                "subject": subject,
                "follow_up": date_format(follow_up, "SHORT_DATE_FORMAT") if follow_up else "",
                "follow_up_done": entry.follow_up_done,
                "follow_up_late": bool(follow_up and follow_up < today),
                "done_url": done_url.replace(ID_SLOT, str(entry.pk)),
                "done_label": mark_safe(mark % {"name": conditional_escape(name)}),
                "edit_url": edit_url.replace(ID_SLOT, str(entry.pk)),
                "edit_label": mark_safe(edit % {"name": conditional_escape(name)}),
            }
        )
    return rows


def _entry(network, pk):
    entry = entry_of_network(network, pk)
    if entry is None:
        raise Http404
    return entry


def _save(request, network, form, entry=None):
    """The form's entry written by the services; None (errors on the form) when refused."""
    try:
        if entry is None:
            return entry_create(network=network, by=request.user, data=form.entry_input())
        keep = list(entry.capabilities.all())[1:]
        return entry_update(entry=entry, by=request.user, data=form.entry_input(keep_capabilities=keep))
    except JournalError as error:
        attach_error(form, error, aliases={"capabilities": "capability"})
        return None


def _back(request, network, entry):
    """Back where the animator came from: the company's timeline, else the journal."""
    if request.POST.get("retour") == "entreprise":
        return redirect("backoffice:journal_company", slug=network.slug, siret=entry.establishment.siret)
    return redirect("backoffice:journal", slug=network.slug)


@login_required
def entry_new(request, slug):
    network = animated_network(request, slug)
    initial = {
        "follow_up_owner": request.user if network.animators.filter(pk=request.user.pk).exists() else None
    }
    company = network_company(network, request.GET.get("siret", ""))
    if company is not None:
        initial["establishment"] = company
    form = JournalEntryForm(request.POST or None, network=network, initial=initial)
    if request.method == "POST" and form.is_valid():
        entry = _save(request, network, form)
        if entry is not None:
            messages.success(
                request,
                _("Entrée ajoutée au journal pour %(name)s.") % {"name": entry.establishment.display_name},
            )
            return _back(request, network, entry)
    back = request.POST.get("retour") or ("entreprise" if company is not None else "")
    return render(
        request,
        "backoffice/journal_form.html",
        _context(network, "journal", form=form, entry=None, company=company, back=back),
    )


@login_required
def entry_edit(request, slug, pk):
    network = animated_network(request, slug)
    entry = _entry(network, pk)
    form = JournalEntryForm(
        request.POST or None, network=network, entry=entry, initial=JournalEntryForm.initial_for(entry)
    )
    if request.method == "POST" and form.is_valid() and _save(request, network, form, entry) is not None:
        messages.success(request, _("Entrée du journal enregistrée."))
        return _back(request, network, entry)
    back = request.POST.get("retour") or request.GET.get("retour", "")
    return render(
        request,
        "backoffice/journal_form.html",
        _context(network, "journal", form=form, entry=entry, company=entry.establishment, back=back),
    )


@require_POST
@login_required
def entry_remove(request, slug, pk):
    network = animated_network(request, slug)
    entry = _entry(network, pk)
    entry_delete(entry=entry, by=request.user)
    messages.success(request, _("Entrée supprimée du journal."))
    return _back(request, network, entry)


@require_POST
@login_required
def follow_up_done(request, slug, pk):
    network = animated_network(request, slug)
    entry = _entry(network, pk)
    try:
        follow_up_mark(entry=entry, by=request.user, done=request.POST.get("fait", "1") == "1")
    except JournalError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("Relance marquée comme faite.") if entry.follow_up_done else _("Relance rouverte.")
        )
    next_url = request.POST.get("suivant", "")
    if next_url.startswith(f"/animation/{network.slug}/") and "//" not in next_url:
        return redirect(next_url)
    return redirect("backoffice:journal", slug=network.slug)


@login_required
def company(request, slug, siret):
    network = animated_network(request, slug)
    establishment = network_company(network, siret)
    if establishment is None:
        raise Http404
    items = (
        [{"on": entry.occurred_on, "entry": entry} for entry in company_entries(network, establishment)]
        + [
            {"on": timezone.localdate(need.created_at), "need": need, "role": role}
            for need, role in establishment_needs(network, establishment)
        ]
        + [
            # Its supply relations, as far as this user may see them (never the parties-only ones).
            {"on": timezone.localdate(relation.created_at), "relation": relation}
            for relation in relations_visible(request.user, establishment=establishment)
        ]
        # The network's events its people attended (issue 16).
        + [{"on": item.on, "event": item} for item in company_events_attended(network, establishment)]
    )
    # Newest first; on the same day, journal entries before needs and relations.
    items.sort(key=lambda item: (item["on"], "entry" in item), reverse=True)
    context = _context(
        network, "journal", establishment=establishment, page=paginate(request, items, PER_PAGE),
        today=timezone.localdate(),
    )  # fmt: skip
    return render(request, "backoffice/journal_company.html", context)


@login_required
def contacts_of_company(request, slug):
    """The « contacts rencontrés » checkboxes for the company chosen on the entry's form (htmx)."""
    network = animated_network(request, slug)
    form = JournalEntryForm(network=network, initial={"establishment": request.GET.get("establishment", "")})
    return render(request, "backoffice/includes/journal_contacts.html", {"form": form, "network": network})
