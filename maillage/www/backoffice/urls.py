from django.urls import path

from maillage.www.backoffice import network, reviews, views

app_name = "backoffice"
urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:slug>/membres/", views.members, name="members"),
    path("<slug:slug>/invitations/", views.invitations, name="invitations"),
    path("<slug:slug>/revendications/", views.claims, name="claims"),
    path("<slug:slug>/revendications/<int:pk>/accepter/", views.claim_approve, name="claim_approve"),
    path("<slug:slug>/revendications/<int:pk>/refuser/", views.claim_reject, name="claim_reject"),
    path("<slug:slug>/reglages/", network.settings, name="settings"),
    path("<slug:slug>/rattachements/", reviews.reviews, name="reviews"),
    path("<slug:slug>/rattachements/<int:pk>/decider/", reviews.review_decide, name="review_decide"),
]
