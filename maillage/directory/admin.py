"""Back office of the directory, shaped for an animator and for a million establishments.

``network_path`` and ``animator_actions`` scope each model to the networks an animator
animates (``maillage/accounts/admin_site.py``); platform administrators see everything.

Filters list their choices from the small referential tables (never a DISTINCT over the
establishments), foreign keys to big tables are raw ids or autocompletes, and the change
lists skip the exact total count.
"""

from django.contrib import admin
from django.db.models import Count, Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from maillage.directory.models import Establishment, EstablishmentUser, Membership, Network, Organisation
from maillage.referential.models import Department, NafCode


class NafSectionFilter(admin.SimpleListFilter):
    title = _("section NAF")
    parameter_name = "naf_section"

    def lookups(self, request, model_admin):
        return [
            (naf.code, f"{naf.code} — {naf.label}")
            for naf in NafCode.objects.filter(level=NafCode.Level.SECTION).order_by("code")
        ]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(naf__section=self.value())
        return queryset


class DepartmentFilter(admin.SimpleListFilter):
    title = _("département")
    parameter_name = "department"
    commune_path = "commune__department"

    def lookups(self, request, model_admin):
        return [(dep.code, str(dep)) for dep in Department.objects.order_by("code")]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(**{self.commune_path: self.value()})
        return queryset


class MembershipDepartmentFilter(DepartmentFilter):
    commune_path = "establishment__commune__department"


class NetworkFilter(admin.SimpleListFilter):
    """Establishments having a membership (of any status) in the chosen network."""

    title = _("réseau")
    parameter_name = "network"

    def lookups(self, request, model_admin):
        return [(str(network.pk), network.name) for network in Network.objects.order_by("name")]

    def queryset(self, request, queryset):
        if self.value():
            # Exists rather than a join: an establishment in several networks stays one row.
            return queryset.filter(
                Exists(Membership.objects.filter(establishment=OuterRef("pk"), network_id=self.value()))
            )
        return queryset


class MembershipStatusFilter(admin.SimpleListFilter):
    title = _("statut d’adhésion")
    parameter_name = "membership_status"

    def lookups(self, request, model_admin):
        return Membership.Status.choices

    def queryset(self, request, queryset):
        if self.value():
            memberships = Membership.objects.filter(establishment=OuterRef("pk"), status=self.value())
            network = request.GET.get(NetworkFilter.parameter_name)
            if network:
                memberships = memberships.filter(network_id=network)
            return queryset.filter(Exists(memberships))
        return queryset


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fields = ["network", "status", "joined_on", "left_on", "dues_status", "category"]
    readonly_fields = ["dues_status"]  # follows the dues, written by the back-office's dues pages
    autocomplete_fields = ["network"]


class EstablishmentUserInline(admin.TabularInline):
    model = EstablishmentUser
    extra = 0
    raw_id_fields = ["user"]
    verbose_name = _("utilisateur")
    verbose_name_plural = _("utilisateurs rattachés")


class EstablishmentInline(admin.TabularInline):
    model = Establishment
    extra = 0
    fields = ["siret", "name", "commune", "naf", "headcount_band", "is_head_office", "is_active"]
    raw_id_fields = ["commune", "naf"]
    show_change_link = True
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("commune", "naf", "headcount_band")


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    network_path = "establishments__memberships__network"
    animator_actions = ("view", "change")
    list_display = ["name", "siren", "size_category", "naf", "headcount_band", "is_active", "is_generated"]
    list_filter = ["size_category", "is_active", "is_generated", "source", "headcount_band"]
    search_fields = ["=siren", "name", "acronym"]
    list_select_related = ["naf", "headcount_band"]
    raw_id_fields = ["naf", "legal_category"]
    readonly_fields = ["created_at", "updated_at", "last_imported_at"]
    inlines = [EstablishmentInline]
    show_full_result_count = False

    def get_inlines(self, request, obj):
        # Inline rows are rendered all at once: past a few hundred sites the list page is the tool.
        if obj is not None and obj.establishments.count() > 200:
            return []
        return super().get_inlines(request, obj)


@admin.register(Establishment)
class EstablishmentAdmin(admin.ModelAdmin):
    network_path = "memberships__network"
    animator_actions = ("view", "change")
    list_display = [
        "siret",
        "display_name",
        "commune",
        "naf",
        "headcount_band",
        "is_active",
        "is_generated",
        "geo_precision",
    ]
    list_filter = [
        NetworkFilter,
        MembershipStatusFilter,
        NafSectionFilter,
        DepartmentFilter,
        "headcount_band",
        "is_active",
        "is_generated",
        "geo_precision",
        "source",
    ]
    # "^" and "=" use the SIRET/SIREN indexes; a SIREN typed alone finds all its sites.
    search_fields = [
        "^siret",
        "=organisation__siren",
        "name",
        "trade_name",
        "organisation__name",
        "=commune__name",
    ]
    list_select_related = ["organisation", "commune", "naf", "headcount_band"]
    autocomplete_fields = ["organisation"]
    raw_id_fields = ["commune", "naf"]
    readonly_fields = ["source_hash", "created_at", "updated_at", "last_imported_at"]
    inlines = [MembershipInline, EstablishmentUserInline]
    show_full_result_count = False
    fieldsets = [
        (None, {"fields": ["siret", "organisation", "name", "trade_name", "is_head_office", "is_active"]}),
        (_("Activité"), {"fields": ["naf", "headcount_band", "creation_date"]}),
        (
            _("Localisation"),
            {
                "fields": [
                    "street",
                    "address_complement",
                    "postal_code",
                    "city",
                    "commune",
                    "latitude",
                    "longitude",
                    "geo_precision",
                ]
            },
        ),
        (
            _("Provenance"),
            {
                "fields": [
                    "source",
                    "is_generated",
                    "last_imported_at",
                    "source_hash",
                    "created_at",
                    "updated_at",
                ]
            },
        ),
    ]

    @admin.display(description=_("nom"), ordering="name")
    def display_name(self, obj):
        return obj.display_name


@admin.register(Network)
class NetworkAdmin(admin.ModelAdmin):
    network_path = "pk"
    # Animators and territory: platform administrators here, the back-office for a network's own.
    animator_actions = ("view", "change")
    animator_fields = ["name", "description", "description_en", "contact_email"]
    list_display = ["name", "slug", "member_count"]
    ordering = ["name"]  # explicit: the annotated (grouped) queryset drops Meta.ordering
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    raw_id_fields = ["communes"]
    filter_horizontal = ["epcis", "departments", "animators"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                _member_count=Count("memberships", filter=Q(memberships__status=Membership.Status.MEMBER))
            )
        )

    @admin.display(description=_("adhérents"), ordering="_member_count")
    def member_count(self, obj):
        return obj._member_count


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    network_path = "network"
    animator_actions = ("view", "add", "change", "delete")
    list_display = ["establishment", "network", "status", "dues_status", "joined_on", "left_on", "category"]
    list_filter = ["network", "status", "dues_status", MembershipDepartmentFilter]
    readonly_fields = ["dues_status"]  # follows the dues, written by the back-office's dues pages
    search_fields = [
        "^establishment__siret",
        "=establishment__organisation__siren",
        "establishment__name",
        "establishment__organisation__name",
    ]
    list_select_related = ["network", "establishment__organisation"]
    autocomplete_fields = ["establishment", "network"]
    ordering = ["network__name", "establishment__name", "pk"]  # a stable page order, autocomplete too
    date_hierarchy = "joined_on"
    show_full_result_count = False


@admin.register(EstablishmentUser)
class EstablishmentUserAdmin(admin.ModelAdmin):
    # Links are made by claims and invitations (who, when, e-mailed); an animator may remove one.
    network_path = "establishment__memberships__network"
    animator_actions = ("view", "delete")
    list_display = ["user", "establishment", "created_at"]
    search_fields = [
        "user__email",
        "^establishment__siret",
        "establishment__name",
        "establishment__organisation__name",
    ]
    list_select_related = ["user", "establishment__organisation"]
    autocomplete_fields = ["establishment"]
    raw_id_fields = ["user"]
