from django.urls import path

from maillage.www.relations import views

app_name = "relations"
urlpatterns = [
    path("", views.relation_list, name="list"),
    path("declarer/", views.relation_declare, name="declare"),
    path("<int:pk>/", views.relation_detail, name="detail"),
    path("<int:pk>/confirmer/", views.relation_confirm, name="confirm"),
    path("<int:pk>/contester/", views.relation_dispute, name="dispute"),
    path("fuite/<slug:slug>/", views.leakage, name="leakage"),
    path("rapprochements/<slug:slug>/", views.match_reviews, name="match_reviews"),
    path("rapprochements/<slug:slug>/<int:pk>/decider/", views.match_decide, name="match_decide"),
]
