from django.contrib import admin
from django.urls import include, path

from maillage.accounts.forms import AdminLoginForm
from maillage.api import pages as api_pages
from maillage.api.v1 import api

# 403/404/500 are templates/403.html, 404.html, 500.html; API paths answer 404 in JSON.
handler404 = "maillage.www.errors.not_found"

# The admin's login is throttled like the site's own.
admin.site.login_form = AdminLoginForm

urlpatterns = [
    path("admin/", admin.site.urls),
    # The API's landing page answers /api/v1/ before ninja's own root (a 404 naming the docs).
    path("api/v1/", api_pages.home, name="api-home"),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("compte/", include("maillage.www.accounts.urls")),
    path("animation/", include("maillage.www.backoffice.urls")),
    path("revendiquer/", include("maillage.www.claims.urls")),
    path("relations/", include("maillage.www.relations.urls")),
    path("besoins/", include("maillage.www.needs.urls")),
    path("desabonnement/", include("maillage.www.mailings.urls")),
    path("qui-travaille-pour-qui/", include("maillage.www.supply_graph.urls")),
    path("styleguide/", include("maillage.www.styleguide.urls")),
    path("", include("maillage.www.legal.urls")),
    path("", include("maillage.www.events.urls")),
    path("", include("maillage.www.join.urls")),
    path("", include("maillage.www.home.urls")),
    path("", include("maillage.www.establishments.urls")),
    path("", include("maillage.www.profile_edit.urls")),
    path("", include("maillage.www.search.urls")),
]
