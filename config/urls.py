from django.contrib import admin
from django.urls import include, path

from maillage.api.v1 import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("maillage.www.home.urls")),
    path("", include("maillage.www.establishments.urls")),
    path("", include("maillage.www.profile_edit.urls")),
]
