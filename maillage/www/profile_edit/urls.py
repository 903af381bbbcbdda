from django.urls import path

from maillage.www import converters  # noqa: F401  (registers <siret:…>)
from maillage.www.profile_edit import mine, views

app_name = "profile_edit"
urlpatterns = [
    path("mon-entreprise/", mine.mine, name="mine"),
    path("mon-entreprise/<siret:siret>/profil/", views.profile_edit, name="edit"),
    path(
        "mon-entreprise/<siret:siret>/profil/caracteristiques/",
        views.equipment_spec_fields,
        name="spec_fields",
    ),
    path("mon-entreprise/taxonomie/", views.taxonomy_suggest, name="taxonomy_suggest"),
]
