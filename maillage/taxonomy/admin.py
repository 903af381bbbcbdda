"""Admin of the taxonomy: animators add nodes and synonyms; file nodes stay read-only."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from maillage.taxonomy.loader import validate_specs
from maillage.taxonomy.models import (
    NafCapabilityHint,
    NodeCpvLink,
    NodeRomeLink,
    NodeSource,
    TaxonomyNode,
    TaxonomyProposal,
    TaxonomyVersion,
    normalise_term,
)
from maillage.taxonomy.services import FILE_FIELDS, taxonomy_node_save
from maillage.taxonomy.units import UnitRegistry

SYNONYM_FIELDS = ("synonyms_fr", "synonyms_en", "animator_synonyms_fr", "animator_synonyms_en")


class LineListField(forms.CharField):
    """A JSON list of strings edited as one item per line: animators do not write JSON."""

    widget = forms.Textarea(attrs={"rows": 4})

    def __init__(self, *, encoder=None, decoder=None, **kwargs):
        # JSONField.formfield() passes its JSON encoder and decoder: lines need neither.
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return "\n".join(value)
        return value

    def to_python(self, value):
        if isinstance(value, list):
            return value
        lines = [" ".join(line.split()) for line in (value or "").splitlines()]
        return list(dict.fromkeys(line for line in lines if line))


class TaxonomyNodeForm(forms.ModelForm):
    class Meta:
        model = TaxonomyNode
        fields = [
            "code",
            "type",
            "parent",
            "label_fr",
            "label_en",
            "is_active",
            *SYNONYM_FIELDS,
            "description_fr",
            "description_en",
            "specs",
            "attributes",
        ]
        field_classes = dict.fromkeys(SYNONYM_FIELDS, LineListField)
        help_texts = {name: _("Un terme par ligne.") for name in SYNONYM_FIELDS}

    def clean_specs(self):
        specs = self.cleaned_data.get("specs") or []
        problems = validate_specs(specs, UnitRegistry.from_file())
        if problems:
            raise ValidationError([f"{field} : {message}" for field, message in problems])
        return specs


class RomeLinkInline(admin.TabularInline):
    model = NodeRomeLink
    extra = 0
    fields = ["rome"]
    raw_id_fields = ["rome"]


class CpvLinkInline(admin.TabularInline):
    model = NodeCpvLink
    extra = 0
    fields = ["cpv"]
    raw_id_fields = ["cpv"]


@admin.display(description=_("sous-classe NAF"), ordering="naf")
def naf_code(hint):
    # The code itself: the NAF row may not be loaded yet (no database constraint).
    return hint.naf_id


class NafHintInline(admin.TabularInline):
    model = NafCapabilityHint
    extra = 0
    fields = [naf_code, "weight"]
    readonly_fields = [naf_code, "weight"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(TaxonomyNode)
class TaxonomyNodeAdmin(admin.ModelAdmin):
    form = TaxonomyNodeForm
    list_display = ["code", "label_fr", "label_en", "type", "parent", "source", "is_active"]
    list_filter = ["type", "source", "is_active"]
    list_select_related = ["parent"]
    search_fields = ["code", "label_fr", "label_en"]
    autocomplete_fields = ["parent"]
    ordering = ["code"]
    inlines = [RomeLinkInline, CpvLinkInline, NafHintInline]
    fieldsets = [
        (None, {"fields": ["code", "type", "parent", "label_fr", "label_en", "is_active"]}),
        (_("Vocabulaire"), {"fields": list(SYNONYM_FIELDS)}),
        (
            _("Périmètre et attributs"),
            {"fields": ["description_fr", "description_en", "specs", "attributes"]},
        ),
        (
            _("Origine"),
            {"fields": ["source", "source_file", "version", "created_by", "created_at", "updated_at"]},
        ),
    ]

    def get_search_results(self, request, queryset, search_term):
        # Accent- and case-insensitive on labels and every synonym, on SQLite and PostgreSQL.
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        normalised = normalise_term(search_term)
        if normalised:
            results |= queryset.filter(search_text__contains=normalised)
        return results, may_have_duplicates

    def get_readonly_fields(self, request, obj=None):
        always = ["source", "source_file", "version", "created_by", "created_at", "updated_at"]
        if obj is not None and obj.source == NodeSource.FILE:
            owned = [name.removesuffix("_id") for name in FILE_FIELDS]
            return [*always, "code", *[name for name in owned if name not in always]]
        return always

    def get_inline_instances(self, request, obj=None):
        inlines = super().get_inline_instances(request, obj)
        if obj is not None and obj.source == NodeSource.FILE:
            # The files own a file node's ROME and CPV links: show them, never edit them.
            for inline in inlines:
                if not isinstance(inline, NafHintInline):
                    inline.readonly_fields = [*inline.fields]
                    inline.can_delete = False
                    inline.max_num = 0
        return inlines

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.source == NodeSource.FILE:
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        taxonomy_node_save(node=obj, user=request.user)


@admin.register(NafCapabilityHint)
class NafCapabilityHintAdmin(admin.ModelAdmin):
    list_display = [naf_code, "node", "weight"]
    list_select_related = ["node"]
    search_fields = ["=naf__code", "node__code", "node__label_fr"]
    list_filter = ["node__type"]
    fields = [naf_code, "node", "weight"]
    readonly_fields = [naf_code, "node", "weight"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(TaxonomyVersion)
class TaxonomyVersionAdmin(admin.ModelAdmin):
    list_display = ["label", "content_hash", "loaded_at"]
    readonly_fields = ["label", "content_hash", "loaded_at", "summary"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(TaxonomyProposal)
class TaxonomyProposalAdmin(admin.ModelAdmin):
    """Read-only here: proposals are decided on /animation/propositions-taxonomie/ (the services)."""

    list_display = ["__str__", "kind", "network", "status", "proposed_by", "created_at", "decided_by"]
    list_filter = ["status", "kind", "network"]
    search_fields = ["synonym", "label_fr", "label_en", "node__code"]
    list_select_related = ["node", "parent", "network", "proposed_by", "decided_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
