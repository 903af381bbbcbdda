"""Admin of profiles: one page per establishment with inlines; every write goes through the services.

Forms validate with the same checks as the services (so errors show next to the field); saving
then calls the services with ``source=animator`` and the logged-in user, which journals the change.
"""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from maillage.profiles import services
from maillage.profiles.errors import ProfileValidationError
from maillage.profiles.models import (
    CapabilityStatus,
    Certification,
    ChangeSource,
    Equipment,
    Profile,
    ProfileCapability,
    ProfileChange,
    ProfileReference,
    ProfileSector,
)
from maillage.profiles.validation import (
    CAPABILITY_TYPES,
    check_validity,
    clean_profile_values,
    measure_spec,
    spec_for,
    specs_of,
)

SOURCE = ChangeSource.ANIMATOR
UPDATE_FIELDS = (
    "description_fr",
    "description_en",
    "products",
    "capacity_text",
    "capacity_percent",
    "capacity_hours_per_week",
    "capacity_stated_on",
    "max_part_length_mm",
    "max_part_width_mm",
    "max_part_height_mm",
    "max_part_mass_kg",
    "batch_min",
    "batch_max",
    "languages",
)


class LineListField(forms.CharField):
    """A list of strings edited one per line (products) or separated by commas (languages)."""

    widget = forms.Textarea(attrs={"rows": 3})

    def __init__(self, *, separator="\n", encoder=None, decoder=None, **kwargs):
        self.separator = separator
        super().__init__(**kwargs)

    def prepare_value(self, value):
        return self.separator.join(value) if isinstance(value, list | tuple) else value

    def to_python(self, value):
        if isinstance(value, list):
            return value
        parts = (
            (value or "").replace(",", "\n").splitlines()
            if self.separator != "\n"
            else (value or "").splitlines()
        )
        return [part.strip() for part in parts if part.strip()]


class ProfileForm(forms.ModelForm):
    products = LineListField(label=_("produits (un par ligne)"), required=False)
    languages = LineListField(
        label=_("langues parlées (codes ISO 639-1 : fr, en, de…)"),
        separator=", ",
        required=False,
        widget=forms.TextInput,
    )

    class Meta:
        model = Profile
        fields = ["establishment", *UPDATE_FIELDS]

    def clean(self):
        cleaned = super().clean()
        given = {name: cleaned[name] for name in UPDATE_FIELDS if name in cleaned}
        try:
            cleaned.update(clean_profile_values(given, current=self.instance if self.instance.pk else None))
        except ProfileValidationError as error:
            self.add_error(error.field if error.field in self.fields else None, error.message)
        return cleaned


class CapabilityForm(forms.ModelForm):
    class Meta:
        model = ProfileCapability
        fields = ["node", "level", "status"]

    def clean(self):
        cleaned = super().clean()
        node, status = cleaned.get("node"), cleaned.get("status")
        if node is not None and node.type not in CAPABILITY_TYPES:
            self.add_error("node", _("Un savoir-faire est un procédé, un matériau ou un service."))
        if status == CapabilityStatus.INFERRED and (
            self.instance.pk is None or "status" in self.changed_data
        ):
            self.add_error(
                "status", _("Seule la déduction à partir du code NAF crée des savoir-faire déduits.")
            )
        return cleaned


class CapabilityInline(admin.TabularInline):
    model = ProfileCapability
    form = CapabilityForm
    extra = 0
    can_delete = False  # reject instead: a deleted inference would come back
    autocomplete_fields = ["node"]
    readonly_fields = ["inference_weight"]


class SpecsField(forms.CharField):
    widget = forms.Textarea(attrs={"rows": 3, "placeholder": "force = 300 t"})


class EquipmentForm(forms.ModelForm):
    specs_input = SpecsField(label=_("caractéristiques (une par ligne : clé = valeur unité)"), required=False)

    class Meta:
        model = Equipment
        fields = ["node", "label", "quantity"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["specs_input"] = "\n".join(
                f"{spec.key} = {spec.entered or spec.canonical_text()}" for spec in self.instance.specs.all()
            )

    def clean(self):
        cleaned = super().clean()
        node = cleaned.get("node")
        specs = {}
        for line in (cleaned.get("specs_input") or "").splitlines():
            if not line.strip():
                continue
            key, sep, text = line.partition("=")
            if not sep:
                self.add_error("specs_input", _("« %(line)s » : écrivez clé = valeur unité") % {"line": line})
                return cleaned
            specs[key.strip()] = text.strip()
        if node is not None:
            declared = specs_of(node)
            try:
                for key, text in specs.items():
                    measure_spec(spec_for(declared, key, f"specs.{key}", node), f"specs.{key}", text=text)
            except ProfileValidationError as error:
                self.add_error("specs_input", f"{error.field} : {error.message}")
        cleaned["specs"] = specs
        return cleaned


class EquipmentInline(admin.TabularInline):
    model = Equipment
    form = EquipmentForm
    extra = 0
    autocomplete_fields = ["node"]


class CertificationForm(forms.ModelForm):
    class Meta:
        model = Certification
        fields = ["node", "issuer", "number", "valid_from", "valid_until"]

    def clean(self):
        cleaned = super().clean()
        try:
            check_validity(cleaned.get("valid_from"), cleaned.get("valid_until"))
        except ProfileValidationError as error:
            self.add_error(error.field, error.message)
        return cleaned


class CertificationInline(admin.TabularInline):
    model = Certification
    form = CertificationForm
    extra = 0
    autocomplete_fields = ["node"]
    readonly_fields = ["state"]

    @admin.display(description=_("état"))
    def state(self, obj):
        if obj.pk is None:
            return ""
        if obj.is_expired:
            return _("Expirée")
        return _("Pas encore valide") if obj.is_pending else _("Valide")


class SectorInline(admin.TabularInline):
    model = ProfileSector
    extra = 0
    autocomplete_fields = ["node"]


class ReferenceInline(admin.TabularInline):
    model = ProfileReference
    extra = 0


class ChangeInline(admin.TabularInline):
    model = ProfileChange
    extra = 0
    can_delete = False
    fields = ["at", "actor", "source", "object_type", "object_key", "field", "before", "after"]
    readonly_fields = fields
    ordering = ["-at", "-pk"]
    verbose_name_plural = _("journal des modifications")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    form = ProfileForm
    list_display = ["establishment", "updated_at"]
    search_fields = ["establishment__siret", "establishment__name", "establishment__organisation__name"]
    autocomplete_fields = ["establishment"]
    inlines = [
        CapabilityInline,
        EquipmentInline,
        CertificationInline,
        SectorInline,
        ReferenceInline,
        ChangeInline,
    ]

    def get_readonly_fields(self, request, obj=None):
        return ["establishment"] if obj else []

    def save_model(self, request, obj, form, change):
        profile = services.profile_for(obj.establishment)
        obj.pk = profile.pk
        values = {name: form.cleaned_data[name] for name in UPDATE_FIELDS if name in form.changed_data}
        # The form ran the same checks (clean_profile_values): the service cannot refuse here.
        services.profile_update(establishment=obj.establishment, actor=request.user, source=SOURCE, **values)

    def construct_change_message(self, request, form, formsets, add=False):
        # Inline rows are written by the services, not formset.save(): the profile journal
        # (ProfileChange) is the detailed record, the admin history only names the page.
        for formset in formsets:
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        return super().construct_change_message(request, form, formsets, add)

    def save_formset(self, request, form, formset, change):
        establishment = form.instance.establishment
        writer = {
            ProfileCapability: self._save_capability,
            Equipment: self._save_equipment,
            Certification: self._save_certification,
            ProfileSector: self._save_sector,
            ProfileReference: self._save_reference,
        }.get(formset.model)
        if writer is None:
            return
        context = {"actor": request.user, "source": SOURCE}
        for inline_form in formset.forms:
            if not inline_form.has_changed() and not formset._should_delete_form(inline_form):
                continue
            writer(establishment, inline_form, formset._should_delete_form(inline_form), context)

    @staticmethod
    def _stored(model, form):
        return model.objects.get(pk=form.instance.pk) if form.instance.pk else None

    def _save_capability(self, establishment, form, delete, context):
        data = form.cleaned_data
        code, status = data["node"].code, data["status"]
        if status == CapabilityStatus.REJECTED:
            services.profile_capability_reject(establishment=establishment, code=code, **context)
        else:
            services.profile_capability_set(
                establishment=establishment, code=code, level=data["level"], status=status, **context
            )

    def _save_equipment(self, establishment, form, delete, context):
        stored = self._stored(Equipment, form)
        data = form.cleaned_data
        if stored is not None and (delete or data["node"] != stored.node):
            services.profile_equipment_remove(equipment=stored, **context)
            stored = None
        if delete:
            return
        if stored is None:
            services.profile_equipment_add(
                establishment=establishment,
                code=data["node"].code,
                label=data["label"],
                quantity=data["quantity"],
                specs=data["specs"],
                **context,
            )
        else:
            services.profile_equipment_update(
                equipment=stored,
                label=data["label"],
                quantity=data["quantity"],
                specs=data["specs"],
                **context,
            )

    def _save_certification(self, establishment, form, delete, context):
        stored = self._stored(Certification, form)
        data = form.cleaned_data
        if stored is not None and (delete or data["node"] != stored.node):
            services.profile_certification_remove(certification=stored, **context)
            stored = None
        if delete:
            return
        values = {name: data[name] for name in ("issuer", "number", "valid_from", "valid_until")}
        if stored is None:
            services.profile_certification_add(
                establishment=establishment, code=data["node"].code, **values, **context
            )
        else:
            services.profile_certification_update(certification=stored, **values, **context)

    def _save_sector(self, establishment, form, delete, context):
        stored = self._stored(ProfileSector, form)
        if stored is not None:
            services.profile_sector_remove(sector=stored, **context)
        if not delete:
            services.profile_sector_add(
                establishment=establishment, code=form.cleaned_data["node"].code, **context
            )

    def _save_reference(self, establishment, form, delete, context):
        stored = self._stored(ProfileReference, form)
        data = form.cleaned_data
        if stored is not None and (
            delete or (data["client"], data["project"]) != (stored.client, stored.project)
        ):
            services.profile_reference_remove(reference=stored, **context)
            stored = None
        if delete:
            return
        if stored is None:
            services.profile_reference_add(
                establishment=establishment,
                client=data["client"],
                project=data["project"],
                visibility=data["visibility"],
                **context,
            )
        else:
            services.profile_reference_update(reference=stored, visibility=data["visibility"], **context)


@admin.register(ProfileChange)
class ProfileChangeAdmin(admin.ModelAdmin):
    """The audit log: read-only, nobody edits history."""

    list_display = ["at", "profile", "actor", "source", "object_type", "object_key", "field"]
    list_filter = ["source", "object_type"]
    search_fields = [
        "profile__establishment__siret",
        "profile__establishment__name",
        "object_key",
        "actor__email",
    ]
    date_hierarchy = "at"
    list_select_related = ["profile__establishment__organisation", "actor"]

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
