from django.urls import path

from maillage.www.claims import views

app_name = "claims"
urlpatterns = [
    path("", views.claim_create, name="create"),
]
