from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from maillage.accounts.forms import EmailUserChangeForm, EmailUserCreationForm
from maillage.accounts.models import Claim, Invitation, User
from maillage.directory.models import EstablishmentUser


class EstablishmentLinkInline(admin.TabularInline):
    model = EstablishmentUser
    extra = 0
    autocomplete_fields = ["establishment"]
    verbose_name = _("établissement")
    verbose_name_plural = _("établissements pour lesquels la personne agit")


@admin.register(User)
class EmailUserAdmin(UserAdmin):
    """Platform administrators only (no ``network_path``): an animator never lists users."""

    add_form = EmailUserCreationForm
    form = EmailUserChangeForm
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_staff", "is_active", "last_login"]
    list_filter = ["is_staff", "is_superuser", "is_active", "animated_networks"]
    search_fields = ["email", "first_name", "last_name"]
    inlines = [EstablishmentLinkInline]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Identité"), {"fields": ["first_name", "last_name"]}),
        (_("Droits"), {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]


@admin.register(Claim)
class ClaimAdmin(admin.ModelAdmin):
    """Read-only here: decisions go through the back-office, which e-mails and links."""

    network_path = "network"
    list_display = ["establishment", "user", "network", "status", "created_at", "decided_by", "decided_at"]
    list_filter = ["status", "network"]
    search_fields = ["user__email", "establishment__siret", "establishment__name"]
    list_select_related = ["establishment", "user", "network", "decided_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    network_path = "network"
    list_display = ["email", "network", "role", "establishment", "created_at", "expires_at", "accepted_at"]
    list_filter = ["role", "network"]
    search_fields = ["email"]
    list_select_related = ["network", "establishment"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
