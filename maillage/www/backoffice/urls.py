from django.urls import path

from maillage.www import converters  # noqa: F401  (registers <siret:…>)
from maillage.www.backoffice import (
    bulk,
    dues,
    imports,
    join_requests,
    journal,
    mailings,
    members,
    network,
    reviews,
    taxonomy,
    views,
)

app_name = "backoffice"
urlpatterns = [
    path("", views.index, name="index"),
    path("propositions-taxonomie/", taxonomy.proposals, name="taxonomy_proposals"),
    path(
        "propositions-taxonomie/<int:pk>/accepter/", taxonomy.proposal_accept, name="taxonomy_proposal_accept"
    ),
    path(
        "propositions-taxonomie/<int:pk>/refuser/", taxonomy.proposal_reject, name="taxonomy_proposal_reject"
    ),
    path("<slug:slug>/membres/", views.members, name="members"),
    path("<slug:slug>/membres/ajouter/", members.member_add, name="member_add"),
    path("<slug:slug>/membres/<siret:siret>/", members.member, name="member"),
    path("<slug:slug>/membres/<siret:siret>/contacts/ajouter/", members.contact_edit, name="contact_add"),
    path("<slug:slug>/membres/<siret:siret>/contacts/<int:pk>/", members.contact_edit, name="contact_edit"),
    path(
        "<slug:slug>/membres/<siret:siret>/contacts/<int:pk>/supprimer/",
        members.contact_remove,
        name="contact_remove",
    ),
    path("<slug:slug>/invitations/", views.invitations, name="invitations"),
    path("<slug:slug>/revendications/", views.claims, name="claims"),
    path("<slug:slug>/revendications/<int:pk>/accepter/", views.claim_approve, name="claim_approve"),
    path("<slug:slug>/revendications/<int:pk>/refuser/", views.claim_reject, name="claim_reject"),
    # « Adhérer au réseau » requests (issue 15).
    path("<slug:slug>/adhesions/", join_requests.join_requests, name="join_requests"),
    path("<slug:slug>/adhesions/<int:pk>/accepter/", join_requests.accept, name="join_request_accept"),
    path("<slug:slug>/adhesions/<int:pk>/refuser/", join_requests.decline, name="join_request_decline"),
    path("<slug:slug>/reglages/", network.settings, name="settings"),
    path("<slug:slug>/reglages/identite/", network.branding, name="branding"),
    path("<slug:slug>/taxonomie/", taxonomy.taxonomy, name="taxonomy"),
    path("<slug:slug>/rattachements/", reviews.reviews, name="reviews"),
    path("<slug:slug>/rattachements/<int:pk>/decider/", reviews.review_decide, name="review_decide"),
    # Imports from the browser (issue 15).
    path("<slug:slug>/imports/", imports.imports, name="imports"),
    path("<slug:slug>/imports/<int:pk>/", imports.import_detail, name="import_detail"),
    path("<slug:slug>/imports/<int:pk>/progression/", imports.import_progress, name="import_progress"),
    path("<slug:slug>/imports/<int:pk>/importer/", imports.import_start, name="import_start"),
    path("<slug:slug>/imports/<int:pk>/rejets.csv", imports.import_rejects, name="import_rejects"),
    path("<slug:slug>/imports/<int:pk>/bilan.csv", imports.import_report, name="import_report"),
    # The animator's journal (issue 15).
    path("<slug:slug>/journal/", journal.journal, name="journal"),
    path("<slug:slug>/journal/nouvelle-entree/", journal.entry_new, name="journal_new"),
    path("<slug:slug>/journal/contacts/", journal.contacts_of_company, name="journal_contacts"),
    path("<slug:slug>/journal/<int:pk>/modifier/", journal.entry_edit, name="journal_edit"),
    path("<slug:slug>/journal/<int:pk>/supprimer/", journal.entry_remove, name="journal_delete"),
    path("<slug:slug>/journal/<int:pk>/relance/", journal.follow_up_done, name="journal_follow_up"),
    path("<slug:slug>/journal/entreprise/<siret:siret>/", journal.company, name="journal_company"),
    # Dues and the members list's bulk actions (issue 15).
    path("<slug:slug>/membres/actions/", bulk.members_bulk, name="members_bulk"),
    path("<slug:slug>/cotisations/", dues.dues, name="dues"),
    path("<slug:slug>/cotisations/<int:year>/appeler/", dues.dues_call_confirm, name="dues_call"),
    path(
        "<slug:slug>/membres/<siret:siret>/cotisations/<int:year>/reglement/",
        dues.member_dues_payment,
        name="member_dues_payment",
    ),
    path(
        "<slug:slug>/membres/<siret:siret>/cotisations/<int:year>/correction/",
        dues.member_dues_correct,
        name="member_dues_correct",
    ),
    path(
        "<slug:slug>/membres/<siret:siret>/cotisations/<int:year>/relance/",
        dues.member_dues_remind,
        name="member_dues_remind",
    ),
    # E-mails to the contacts of the member list's selection (issue 15).
    path("<slug:slug>/messages/", mailings.mailing_list, name="mailings"),
    path("<slug:slug>/messages/ecrire/", mailings.compose, name="mailing_compose"),
    path("<slug:slug>/messages/<int:pk>/", mailings.mailing, name="mailing"),
]
