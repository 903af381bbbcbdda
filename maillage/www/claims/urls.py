from django.urls import path

from maillage.www.claims import views

app_name = "claims"
urlpatterns = [
    path("", views.claim_create, name="create"),
    # The company picker's suggestions (sign-up's claim, « Adhérer au réseau »): public names only.
    path("entreprises/", views.company_options, name="companies"),
]
