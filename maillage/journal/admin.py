"""Admin of the journal: read-only, for platform administrators (writes go through the services,
from the back-office pages ``/animation/<réseau>/journal/``)."""

from django.contrib import admin

from maillage.journal.models import JournalEntry


@admin.register(JournalEntry)
class JournalEntryAdmin(admin.ModelAdmin):
    list_display = ["occurred_on", "network", "establishment", "kind", "theme", "follow_up_on", "author"]
    list_filter = ["kind", "theme", "confidentiality", "network"]
    search_fields = ["establishment__name", "establishment__siret", "people_met"]
    raw_id_fields = ["network", "establishment", "capabilities", "follow_up_owner", "author", "updated_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
