"""The post/edit page of a need: one form, two formsets, attachments; « save draft » or « open »."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from maillage.accounts.permissions import animated_networks
from maillage.needs import services
from maillage.needs.errors import NeedValidationError
from maillage.needs.models import Need
from maillage.profiles.validation import specs_of
from maillage.taxonomy.labels import node_label
from maillage.www.forms import attach_error
from maillage.www.needs import forms
from maillage.www.needs.queries import author_establishments, postable_networks

# The services' names that the need form spells otherwise (a row's "code" is its "node").
ERROR_ALIASES = {"chosen_establishments": "chosen", "code": "node"}


def _initial(need: Need) -> tuple[dict, list[dict], list[dict]]:
    data = {
        "network": need.network_id,
        "author_establishment": need.author_establishment_id,
        "kind": need.kind,
        "title": need.title,
        "description": need.description,
        "certifications": "\n".join(node.label for node in need.certifications.all()),
        "commune": need.commune.insee_code if need.commune else "",
        "max_distance_km": need.max_distance_km,
        "deadline": need.deadline,
        "budget_min": need.budget_min,
        "budget_max": need.budget_max,
        "visibility": need.visibility,
        "chosen": "\n".join(need.chosen_establishments.values_list("siret", flat=True)),
    }
    capabilities = [
        {"node": row.node.label, "quantity": row.quantity, "unit": row.unit, "wished": not row.required}
        for row in need.capabilities.select_related("node")
    ]
    equipment = [
        {"node": row.node.label, "spec": spec_label(row), "minimum": row.minimum, "maximum": row.maximum}
        for row in need.equipment.select_related("node")
    ]
    return data, capabilities, equipment


def spec_label(row) -> str:
    """A need's machine specification by its label (« Force nominale », "Rated force"), not its
    key: the form reads either back."""
    if not row.spec:
        return ""
    return node_label(specs_of(row.node).get(row.spec, {"key": row.spec}))


def _place_error(error: NeedValidationError, form, capability_set, equipment_set) -> None:
    """Show a service refusal next to the field it names (``capabilities[1].quantity``…): the
    rows are the formsets' filled forms, in the order the service received them."""
    rows = {
        name: [row for row in formset.forms if row.cleaned_data.get("node")]
        for name, formset in (("capabilities", capability_set), ("equipment", equipment_set))
    }
    attach_error(form, error, aliases=ERROR_ALIASES, rows=rows)


def need_form_page(request, *, need: Need | None):
    user = request.user
    networks = postable_networks(user)
    if need is None and not networks.exists():
        raise PermissionDenied
    if need is not None:
        networks = networks.model.objects.filter(pk=need.network_id)
    establishments = author_establishments(user)
    initial, capability_rows, equipment_rows = _initial(need) if need else ({}, [], [])
    extra_capabilities = max(forms.CAPABILITY_ROWS - len(capability_rows), 1)
    capability_factory = forms.forms.formset_factory(
        forms.CapabilityRowForm, extra=extra_capabilities, max_num=30, absolute_max=30
    )
    equipment_factory = forms.forms.formset_factory(
        forms.EquipmentRowForm, extra=1, max_num=10, absolute_max=10
    )
    bound = request.method == "POST"
    form = forms.NeedForm(
        request.POST if bound else None,
        request.FILES if bound else None,
        initial=initial,
        networks=networks,
        establishments=establishments,
    )
    if need is not None:
        for name in ("network", "author_establishment"):
            form.fields[name].disabled = True
    elif not animated_networks(user).exists():
        # A member posts in the name of one of its companies, never « for the network ».
        field = form.fields["author_establishment"]
        field.required, field.empty_label = True, None
        form.initial.setdefault("author_establishment", establishments.values_list("pk", flat=True).first())
    single = networks.count() == 1
    if single:
        form.fields["network"].widget = forms.forms.HiddenInput()
        form.initial["network"] = networks.first().pk
    capability_set = capability_factory(
        request.POST if bound else None, initial=None if bound else capability_rows, prefix="capabilities"
    )
    equipment_set = equipment_factory(
        request.POST if bound else None, initial=None if bound else equipment_rows, prefix="equipment"
    )
    if bound and form.is_valid() and capability_set.is_valid() and equipment_set.is_valid():
        saved = _save(request, need, form, capability_set, equipment_set)
        if saved is not None:
            return redirect("needs:detail", pk=saved.pk)
    return render(
        request,
        "needs/form.html",
        {
            "need": need,
            "form": form,
            "capability_set": capability_set,
            "equipment_set": equipment_set,
            "single_network": single,
            "network_name": networks.first().name if single else "",
        },
    )


def _save(request, need, form, capability_set, equipment_set) -> Need | None:
    data = form.cleaned_data
    content = {
        "kind": data["kind"],
        "title": data["title"],
        "description": data["description"],
        "capabilities": forms.capability_inputs(capability_set),
        "certifications": data["certifications"],
        "equipment": forms.equipment_inputs(equipment_set),
        "commune": data["commune"] or None,
        "max_distance_km": data["max_distance_km"],
        "deadline": data["deadline"],
        "budget_min": data["budget_min"],
        "budget_max": data["budget_max"],
        "visibility": data["visibility"],
        "chosen_establishments": data["chosen"],
    }
    opening = request.POST.get("action") == "open"
    try:
        # One transaction: a refused attachment leaves no half-saved need behind.
        with transaction.atomic():
            if need is None:
                need = services.need_create(
                    author=request.user,
                    network=data["network"],
                    author_establishment=data["author_establishment"],
                    **content,
                )
            else:
                need = services.need_update(need=need, actor=request.user, **content)
            for upload in data["attachments"]:
                services.need_attachment_add(need=need, actor=request.user, name=upload.name, content=upload)
            if opening:
                services.need_open(need=need, actor=request.user)
    except NeedValidationError as error:
        _place_error(error, form, capability_set, equipment_set)
        return None
    if opening:
        messages.success(
            request, _("Le besoin est ouvert : les entreprises les plus pertinentes le reçoivent.")
        )
    else:
        messages.success(request, _("Le brouillon est enregistré. Ouvrez-le quand il est prêt."))
    return need
