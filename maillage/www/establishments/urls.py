from django.urls import path

from maillage.www import converters  # noqa: F401  (registers <siret:…> and <siren:…>)
from maillage.www.establishments import views

app_name = "establishments"
urlpatterns = [
    path("etablissements/<siret:siret>/", views.establishment_detail, name="detail"),
    path("etablissements/<siret:siret>/contact/", views.establishment_contact, name="contact"),
    path("entreprises/<siren:siren>/", views.organisation_detail, name="organisation"),
]
