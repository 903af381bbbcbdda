"""Member self-service: an establishment's own users (and its animators) edit its profile.

One page holds every form; each form posts to the same URL with an ``action`` and is
answered by a redirect (plain POST/redirect/GET without JavaScript; htmx boosts it). Every
write goes through ``maillage.profiles.services`` with the acting user and the channel.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from maillage.accounts.permissions import can_edit_establishment, is_establishment_user, require
from maillage.directory.models import Establishment
from maillage.profiles import services
from maillage.profiles.display import spec_definitions
from maillage.profiles.errors import ProfileValidationError
from maillage.profiles.models import (
    CapabilityStatus,
    Certification,
    ChangeSource,
    Equipment,
    Profile,
    ProfileReference,
    ProfileSector,
)
from maillage.profiles.selectors import profile_completeness
from maillage.taxonomy.models import TaxonomyNode
from maillage.taxonomy.suggestions import KINDS, resolve_typed_node, taxonomy_suggestions
from maillage.www.forms import attach_error
from maillage.www.profile_edit import forms
from maillage.www.typography import editable_measure

PROFILE_FIELDS = ("description_fr", "description_en", "products", "languages")
DETAIL_FIELDS = tuple(forms.DetailsForm.base_fields)


def _source(user, establishment) -> str:
    # The company speaks for itself; anyone else allowed to edit (animator, admin) proposes.
    return ChangeSource.MEMBER if is_establishment_user(user, establishment) else ChangeSource.ANIMATOR


def _editable(request, siret) -> Establishment:
    establishment = get_object_or_404(Establishment.objects.select_related("organisation"), siret=siret)
    require(can_edit_establishment(request.user, establishment))
    return establishment


# The services' names that the profile forms spell otherwise ("specs.force" → spec_force).
ERROR_ALIASES = {"specs.": "spec_", "code": "node"}


def _row(model, establishment, form):
    return get_object_or_404(model, pk=form.cleaned_data["pk"], profile__establishment=establishment)


# --- actions: each takes (request, establishment, source) and returns its bound form and the write
# to run once the form is valid (the write may still be refused by the service).


def _description(request, establishment, source):
    form = forms.DescriptionForm(request.POST, prefix="description")
    return form, lambda: services.profile_update(
        establishment=establishment, actor=request.user, source=source, **form.cleaned_data
    )


def _details(request, establishment, source):
    form = forms.DetailsForm(request.POST, prefix="details")
    return form, lambda: services.profile_update(
        establishment=establishment, actor=request.user, source=source, **form.cleaned_data
    )


def _capability_add(request, establishment, source):
    form = forms.CapabilityForm(request.POST, prefix="capability")
    return form, lambda: services.profile_capability_set(
        establishment=establishment,
        code=form.cleaned_data["node"].code,
        level=form.cleaned_data["level"],
        actor=request.user,
        source=source,
    )


def _capability_confirm(request, establishment, source):
    form = forms.CodeForm(request.POST)
    return form, lambda: services.profile_capability_confirm(
        establishment=establishment, code=form.cleaned_data["code"], actor=request.user, source=source
    )


def _capability_reject(request, establishment, source):
    form = forms.CodeForm(request.POST)
    return form, lambda: services.profile_capability_reject(
        establishment=establishment, code=form.cleaned_data["code"], actor=request.user, source=source
    )


def _equipment_definitions(request, prefix="equipment") -> dict:
    node, _suggestions = resolve_typed_node(request.POST.get(f"{prefix}-node", ""), KINDS["equipment"])
    return spec_definitions([node]).get(node.pk, {}) if node else {}


def _equipment_add(request, establishment, source):
    form = forms.EquipmentForm(request.POST, prefix="equipment", definitions=_equipment_definitions(request))
    return form, lambda: services.profile_equipment_add(
        establishment=establishment,
        code=form.cleaned_data["node"].code,
        label=form.cleaned_data["label"],
        quantity=form.cleaned_data["quantity"],
        specs=forms.spec_values(form),
        actor=request.user,
        source=source,
    )


def _equipment_update(request, establishment, source):
    pk = request.POST.get("pk", "")
    equipment = get_object_or_404(Equipment.objects.select_related("node"), pk=pk if pk.isdigit() else 0,
                                  profile__establishment=establishment)  # fmt: skip
    definitions = spec_definitions([equipment.node])[equipment.node_id]
    form = forms.EquipmentUpdateForm(
        request.POST, definitions=definitions, prefix=f"equipment-{equipment.pk}"
    )
    form.row_pk = equipment.pk
    return form, lambda: services.profile_equipment_update(
        equipment=equipment,
        label=form.cleaned_data["label"],
        quantity=form.cleaned_data["quantity"],
        specs=forms.spec_values(form),
        actor=request.user,
        source=source,
    )


def _remover(model, service, keyword):
    def action(request, establishment, source):
        form = forms.RowForm(request.POST)
        return form, lambda: service(
            **{keyword: _row(model, establishment, form)}, actor=request.user, source=source
        )

    return action


def _certification_add(request, establishment, source):
    form = forms.CertificationForm(request.POST, prefix="certification")

    def write():
        data = form.cleaned_data
        services.profile_certification_add(
            establishment=establishment,
            code=data["node"].code,
            issuer=data["issuer"],
            number=data["number"],
            valid_from=data["valid_from"],
            valid_until=data["valid_until"],
            actor=request.user,
            source=source,
        )

    return form, write


def _certification_dates(request, establishment, source):
    pk = request.POST.get("pk", "")
    certification = get_object_or_404(
        Certification, pk=pk if pk.isdigit() else 0, profile__establishment=establishment
    )
    form = forms.CertificationDatesForm(request.POST, prefix=f"certification-{certification.pk}")
    form.row_pk = certification.pk
    return form, lambda: services.profile_certification_update(
        certification=certification,
        valid_from=form.cleaned_data["valid_from"],
        valid_until=form.cleaned_data["valid_until"],
        actor=request.user,
        source=source,
    )


def _sector_add(request, establishment, source):
    form = forms.SectorForm(request.POST, prefix="sector")
    return form, lambda: services.profile_sector_add(
        establishment=establishment, code=form.cleaned_data["node"].code, actor=request.user, source=source
    )


def _reference_add(request, establishment, source):
    form = forms.ReferenceForm(request.POST, prefix="reference")
    return form, lambda: services.profile_reference_add(
        establishment=establishment, actor=request.user, source=source, **form.cleaned_data
    )


def _reference_visibility(request, establishment, source):
    form = forms.ReferenceVisibilityForm(request.POST)
    return form, lambda: services.profile_reference_update(
        reference=_row(ProfileReference, establishment, form),
        visibility=form.cleaned_data["visibility"],
        actor=request.user,
        source=source,
    )


# action → (handler, form key in the page, anchor, success message)
ACTIONS = {
    "description": (_description, "description", "presentation", gettext_lazy("Présentation enregistrée.")),
    "details": (_details, "details", "capacite", gettext_lazy("Capacités enregistrées.")),
    "capability-add": (_capability_add, "capability", "savoir-faire", gettext_lazy("Savoir-faire ajouté.")),
    "capability-confirm": (_capability_confirm, None, "savoir-faire", gettext_lazy("Savoir-faire confirmé.")),
    "capability-reject": (_capability_reject, None, "savoir-faire", gettext_lazy("Savoir-faire écarté.")),
    "equipment-add": (_equipment_add, "equipment", "equipements", gettext_lazy("Équipement ajouté.")),
    "equipment-update": (
        _equipment_update,
        "equipment_row",
        "equipements",
        gettext_lazy("Équipement modifié."),
    ),
    "equipment-remove": (
        _remover(Equipment, services.profile_equipment_remove, "equipment"),
        None,
        "equipements",
        gettext_lazy("Équipement retiré."),
    ),  # fmt: skip
    "certification-add": (
        _certification_add,
        "certification",
        "certifications",
        gettext_lazy("Certification ajoutée."),
    ),  # fmt: skip
    "certification-dates": (
        _certification_dates,
        "certification_row",
        "certifications",
        gettext_lazy("Dates de validité modifiées."),
    ),  # fmt: skip
    "certification-remove": (
        _remover(Certification, services.profile_certification_remove, "certification"),
        None,
        "certifications",
        gettext_lazy("Certification retirée."),
    ),  # fmt: skip
    "sector-add": (_sector_add, "sector", "secteurs", gettext_lazy("Secteur ajouté.")),
    "sector-remove": (
        _remover(ProfileSector, services.profile_sector_remove, "sector"),
        None,
        "secteurs",
        gettext_lazy("Secteur retiré."),
    ),  # fmt: skip
    "reference-add": (_reference_add, "reference", "references", gettext_lazy("Référence ajoutée.")),
    "reference-visibility": (
        _reference_visibility,
        None,
        "references",
        gettext_lazy("Visibilité de la référence modifiée."),
    ),  # fmt: skip
    "reference-remove": (
        _remover(ProfileReference, services.profile_reference_remove, "reference"),
        None,
        "references",
        gettext_lazy("Référence retirée."),
    ),  # fmt: skip
}


@login_required
def profile_edit(request, siret):
    establishment = _editable(request, siret)
    bound = {}
    if request.method == "POST":
        action = ACTIONS.get(request.POST.get("action", ""))
        if action is None:
            raise Http404(_("Action inconnue."))
        handler, key, anchor, success = action
        form, write = handler(request, establishment, _source(request.user, establishment))
        if form.is_valid():
            try:
                write()
            except ProfileValidationError as error:
                attach_error(form, error, aliases=ERROR_ALIASES)
            else:
                messages.success(request, success)
                return redirect(reverse("profile_edit:edit", args=[siret]) + "#" + anchor)
        bound[key or "row"] = form
    return render(request, "profile_edit/edit.html", _context(request, establishment, bound))


def _context(request, establishment, bound: dict) -> dict:
    profile = Profile.objects.filter(establishment=establishment).first()
    capabilities = (
        list(profile.capabilities.select_related("node").order_by("level", "node__label_fr"))
        if profile
        else []
    )
    machines = list(profile.equipment.select_related("node").prefetch_related("specs")) if profile else []
    definitions = spec_definitions([machine.node for machine in machines])
    row_form = bound.get("equipment_row")
    certification_row = bound.get("certification_row")
    equipment_rows = []
    for machine in machines:
        if row_form is not None and getattr(row_form, "row_pk", None) == machine.pk:
            form = row_form
        else:
            form = forms.EquipmentUpdateForm(
                prefix=f"equipment-{machine.pk}",
                initial={"pk": machine.pk, "label": machine.label, "quantity": machine.quantity},
                definitions=definitions[machine.node_id],
                # As a French reader writes it (« 20000 tr/min », « 300 t », « 6 »), which the
                # parser reads back; not the unit codes (« rpm », « tf », « count »).
                spec_initial={
                    spec.key: editable_measure(spec.value, spec.unit) for spec in machine.specs.all()
                },
            )
        equipment_rows.append((machine, form))
    initial_profile = {}
    if profile:
        initial_profile = {
            "description_fr": profile.description_fr,
            "description_en": profile.description_en,
            "products": "\n".join(profile.products),
            "languages": ", ".join(profile.languages),
            **{name: getattr(profile, name) for name in DETAIL_FIELDS},
        }
    return {
        "establishment": establishment,
        "profile": profile,
        "completeness": profile_completeness(establishment),
        "confirmed": [c for c in capabilities if c.status == CapabilityStatus.CONFIRMED],
        "suggested": [
            c for c in capabilities if c.status in (CapabilityStatus.INFERRED, CapabilityStatus.PROPOSED)
        ],
        "rejected": [c for c in capabilities if c.status == CapabilityStatus.REJECTED],
        "equipment_rows": equipment_rows,
        "certification_rows": [
            (
                certification,
                certification_row
                if certification_row is not None and certification_row.row_pk == certification.pk
                else forms.CertificationDatesForm(
                    prefix=f"certification-{certification.pk}",
                    initial={
                        "valid_from": certification.valid_from,
                        "valid_until": certification.valid_until,
                    },
                ),
            )
            for certification in (profile.certifications.select_related("node") if profile else [])
        ],
        "sectors": list(profile.sectors.select_related("node")) if profile else [],
        "references": list(profile.references.all()) if profile else [],
        "visibility_choices": forms.ReferenceVisibilityForm.base_fields["visibility"].choices,
        "description_form": bound.get("description")
        or forms.DescriptionForm(prefix="description", initial=initial_profile),
        "details_form": bound.get("details") or forms.DetailsForm(prefix="details", initial=initial_profile),
        "capability_form": bound.get("capability") or forms.CapabilityForm(prefix="capability"),
        "equipment_form": bound.get("equipment") or forms.EquipmentForm(prefix="equipment"),
        "certification_form": bound.get("certification") or forms.CertificationForm(prefix="certification"),
        "sector_form": bound.get("sector") or forms.SectorForm(prefix="sector"),
        "reference_form": bound.get("reference") or forms.ReferenceForm(prefix="reference"),
        "row_form": bound.get("row"),
        "is_animator_edit": _source(request.user, establishment) == ChangeSource.ANIMATOR,
    }


def taxonomy_suggest(request):
    """htmx: <option> elements for the datalist of a taxonomy field, accent-insensitive."""
    kind = request.GET.get("kind", "")
    if kind not in KINDS:
        raise Http404
    text = request.GET.get("q") or next((v for k, v in request.GET.items() if k.endswith("-node")), "")
    nodes = taxonomy_suggestions(text, KINDS[kind])
    return render(request, "profile_edit/includes/options.html", {"nodes": nodes})


@login_required
def equipment_spec_fields(request, siret):
    """htmx: the specification fields of the equipment type being typed in the add form."""
    _editable(request, siret)
    node, _suggestions = resolve_typed_node(request.GET.get("equipment-node", ""), KINDS["equipment"])
    definitions = spec_definitions([node]).get(node.pk, {}) if isinstance(node, TaxonomyNode) else {}
    form = forms.EquipmentForm(prefix="equipment", definitions=definitions)
    return render(request, "profile_edit/includes/spec_fields.html", {"form": form})
