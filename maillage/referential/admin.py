"""Admin for the referential: read-only, since every row comes from an official file.

Animators browse and search here (which EPCI a commune belongs to, what a NAF code covers);
corrections go through the source files and ``maillage load-referential``.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from maillage.referential.models import (
    Commune,
    CpvCode,
    Department,
    Epci,
    HeadcountBand,
    LegalCategory,
    NafCode,
    PostalCode,
    Region,
    RomeCode,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    list_per_page = 50

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Region)
class RegionAdmin(ReadOnlyAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(Department)
class DepartmentAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "region"]
    list_filter = ["region"]
    search_fields = ["code", "name"]


@admin.register(Epci)
class EpciAdmin(ReadOnlyAdmin):
    list_display = ["siren", "name", "kind", "population"]
    list_filter = ["kind", ("communes__department", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["siren", "name", "communes__name"]

    def get_queryset(self, request):
        # The department filter joins communes; distinct keeps one line per EPCI.
        return super().get_queryset(request).distinct()


class PostalCodeInline(admin.TabularInline):
    model = PostalCode
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Commune)
class CommuneAdmin(ReadOnlyAdmin):
    list_display = ["insee_code", "name", "kind", "department", "epci", "population", "has_coordinates"]
    list_filter = ["kind", "region", "department", "epci__kind"]
    list_select_related = ["department", "epci"]
    search_fields = ["insee_code", "name", "search_name", "postal_code_set__code", "epci__name"]
    inlines = [PostalCodeInline]

    @admin.display(boolean=True, description=_("coordonnées"))
    def has_coordinates(self, obj):
        return obj.latitude is not None

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        return queryset, True  # a search on postal codes joins several rows per commune


@admin.register(PostalCode)
class PostalCodeAdmin(ReadOnlyAdmin):
    list_display = ["code", "commune"]
    list_select_related = ["commune"]
    list_filter = [("commune__department", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["code", "commune__name", "commune__insee_code"]


@admin.register(NafCode)
class NafCodeAdmin(ReadOnlyAdmin):
    list_display = ["code", "label", "level", "section", "parent"]
    list_filter = ["level", "section"]
    search_fields = ["code", "label", "short_label"]


@admin.register(HeadcountBand)
class HeadcountBandAdmin(ReadOnlyAdmin):
    list_display = ["code", "label", "min_employees", "max_employees"]


@admin.register(LegalCategory)
class LegalCategoryAdmin(ReadOnlyAdmin):
    list_display = ["code", "label", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "label"]


@admin.register(RomeCode)
class RomeCodeAdmin(ReadOnlyAdmin):
    list_display = ["code", "label", "professional_domain", "professional_domain_label", "parent"]
    list_filter = ["grand_domain_label", "professional_domain_label"]
    search_fields = ["code", "label", "ogr_code", "professional_domain_label"]


@admin.register(CpvCode)
class CpvCodeAdmin(ReadOnlyAdmin):
    list_display = ["code", "check_digit", "label", "parent"]
    search_fields = ["code", "label"]
