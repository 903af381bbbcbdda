"""Admin of supply relations: read-only views for platform administrators.

Writes go through the services (declare, confirm, dispute, match decisions), from the pages
``/relations/`` and ``/relations/rapprochements/<réseau>/``; the admin only looks.
"""

from django.contrib import admin

from maillage.relations.models import PurchaseLine, RelationEvent, SupplierMatchReview, SupplyRelation


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class RelationEventInline(admin.TabularInline):
    model = RelationEvent
    extra = 0
    can_delete = False
    fields = ["created_at", "kind", "actor", "comment", "changes"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(SupplyRelation)
class SupplyRelationAdmin(ReadOnlyAdmin):
    list_display = ["pk", "supplier_label", "client_label", "category_label", "amount", "source", "status"]
    list_filter = ["source", "confidentiality", "status"]
    search_fields = ["supplier_name", "supplier_siret", "client_name", "client_siren", "external_key"]
    raw_id_fields = ["supplier", "client", "category_node", "cpv", "supplier_commune", "match_review"]
    inlines = [RelationEventInline]


@admin.register(PurchaseLine)
class PurchaseLineAdmin(ReadOnlyAdmin):
    list_display = ["key", "year", "amount", "file_name", "line"]
    list_filter = ["year"]
    search_fields = ["key", "file_name"]
    raw_id_fields = ["relation", "import_run"]


@admin.register(SupplierMatchReview)
class SupplierMatchReviewAdmin(ReadOnlyAdmin):
    list_display = ["raw_name", "commune_code", "confidence", "network", "status", "establishment"]
    list_filter = ["status", "network"]
    search_fields = ["raw_name", "normalised_name"]
    raw_id_fields = ["establishment", "network"]
