"""Admin of the imports: runs (read-only) and the animators' mapping review queue.

Deciding a review goes through ``mapping_review_decide``: the decision is remembered and
applied to every profile waiting for the same text. Animators decide the same reviews, scoped
to their network, on the back-office page ``/animation/<réseau>/rattachements/``
(``maillage.www.backoffice.reviews``), through the same service.
"""

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from maillage.imports.models import ImportRun, MappingDecision, MappingReview
from maillage.imports.profiles.services import mapping_review_decide


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    list_display = ["started_at", "kind", "file_path", "status", "last_committed_line", "resumed_count"]
    list_filter = ["kind", "status"]
    search_fields = ["file_path"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class MappingReviewForm(forms.ModelForm):
    decided_code = forms.CharField(
        label=_("code retenu"),
        required=False,
        help_text=_("Code du nœud de la taxonomie ; vide : le texte ne désigne rien."),
    )

    class Meta:
        model = MappingReview
        fields = []


@admin.register(MappingReview)
class MappingReviewAdmin(admin.ModelAdmin):
    form = MappingReviewForm
    list_display = [
        "raw_text",
        "column",
        "best_proposal",
        "confidence",
        "establishment",
        "file_name",
        "line",
        "status",
    ]
    list_filter = ["status", "origin", "column"]
    search_fields = ["raw_text", "normalised_text", "establishment__siret"]
    list_select_related = ["establishment"]
    readonly_fields = [
        "raw_text",
        "item",
        "column",
        "written_column",
        "proposals",
        "confidence",
        "establishment",
        "origin",
        "network",
        "line_count",
        "amount",
        "file_name",
        "line",
    ]
    actions = ["accept_best_proposal", "dismiss"]

    @admin.display(description=_("meilleure proposition"))
    def best_proposal(self, review):
        return review.proposals[0]["code"] if review.proposals else "—"

    def has_add_permission(self, request):
        return False

    def save_model(self, request, obj, form, change):
        try:
            mapping_review_decide(
                review=obj, code=form.cleaned_data["decided_code"] or None, actor=request.user
            )
        except ValueError as exc:
            self.message_user(request, str(exc), messages.ERROR)

    def _decide(self, request, queryset, pick):
        decided = 0
        for review in queryset.filter(status=MappingReview.Status.PENDING):
            try:
                mapping_review_decide(review=review, code=pick(review), actor=request.user)
                decided += 1
            except ValueError as exc:
                self.message_user(request, f"{review.raw_text} : {exc}", messages.ERROR)
        self.message_user(request, _("%(n)d décision(s) enregistrée(s).") % {"n": decided})

    @admin.action(description=_("Retenir la meilleure proposition"))
    def accept_best_proposal(self, request, queryset):
        self._decide(request, queryset.exclude(proposals=[]), lambda r: r.proposals[0]["code"])

    @admin.action(description=_("Écarter : le texte ne désigne rien"))
    def dismiss(self, request, queryset):
        self._decide(request, queryset, lambda r: None)


@admin.register(MappingDecision)
class MappingDecisionAdmin(admin.ModelAdmin):
    list_display = ["normalised_text", "node_type", "node", "decided_by"]
    list_filter = ["node_type"]
    search_fields = ["normalised_text", "example"]
    raw_id_fields = ["node", "decided_by"]
