from django.urls import path

from maillage.www.backoffice import network, reviews, taxonomy, views

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
    path("<slug:slug>/invitations/", views.invitations, name="invitations"),
    path("<slug:slug>/revendications/", views.claims, name="claims"),
    path("<slug:slug>/revendications/<int:pk>/accepter/", views.claim_approve, name="claim_approve"),
    path("<slug:slug>/revendications/<int:pk>/refuser/", views.claim_reject, name="claim_reject"),
    path("<slug:slug>/reglages/", network.settings, name="settings"),
    path("<slug:slug>/reglages/identite/", network.branding, name="branding"),
    path("<slug:slug>/taxonomie/", taxonomy.taxonomy, name="taxonomy"),
    path("<slug:slug>/rattachements/", reviews.reviews, name="reviews"),
    path("<slug:slug>/rattachements/<int:pk>/decider/", reviews.review_decide, name="review_decide"),
]
