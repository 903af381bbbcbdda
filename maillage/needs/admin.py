from django.contrib import admin

from maillage.needs.models import (
    Need,
    NeedAttachment,
    NeedCapability,
    NeedDelivery,
    NeedEquipment,
    NeedRecipient,
    NeedStatusChange,
    NetworkNeedSettings,
    Notification,
)


class CapabilityInline(admin.TabularInline):
    model = NeedCapability
    extra = 0
    raw_id_fields = ["node"]


class EquipmentInline(admin.TabularInline):
    model = NeedEquipment
    extra = 0
    raw_id_fields = ["node"]


class AttachmentInline(admin.TabularInline):
    model = NeedAttachment
    extra = 0
    fields = ["name", "file_type", "size", "uploaded_by", "uploaded_at"]
    readonly_fields = fields


class HistoryInline(admin.TabularInline):
    model = NeedStatusChange
    extra = 0
    fields = ["at", "actor", "from_status", "to_status", "closing", "note"]
    readonly_fields = fields
    can_delete = False


class RecipientInline(admin.TabularInline):
    model = NeedRecipient
    extra = 0
    fields = [
        "establishment",
        "batch",
        "rank",
        "score",
        "distance_km",
        "sent_at",
        "answer",
        "decline_reason",
        "answered_at",
    ]
    readonly_fields = fields
    can_delete = False


@admin.register(Need)
class NeedAdmin(admin.ModelAdmin):
    list_display = ["title", "network", "kind", "status", "closing", "deadline", "created_at"]
    list_filter = ["status", "kind", "visibility", "network"]
    search_fields = ["title", "description"]
    raw_id_fields = ["author", "author_establishment", "commune", "chosen_establishments", "certifications"]
    # Status moves only through the services, which write the history.
    readonly_fields = [
        "status", "closing", "opened_at", "closed_at", "next_batch_at", "sending_done", "reminder_sent_at",
        "outcome_requested_at", "outcome_recorded_at",
    ]  # fmt: skip
    inlines = [CapabilityInline, EquipmentInline, AttachmentInline, RecipientInline, HistoryInline]


@admin.register(NetworkNeedSettings)
class NetworkNeedSettingsAdmin(admin.ModelAdmin):
    list_display = [
        "network",
        "batch_size",
        "batch_delay_hours",
        "interest_target",
        "max_recipients",
        "reminder_days",
    ]


@admin.register(NeedDelivery)
class NeedDeliveryAdmin(admin.ModelAdmin):
    list_display = ["need", "user", "kind", "stage", "state", "attempts", "claimed_at", "sent_at"]
    list_filter = ["state", "kind"]
    raw_id_fields = ["need", "user"]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["user", "need", "kind", "created_at", "read_at"]
    list_filter = ["kind"]
    raw_id_fields = ["need", "user"]
