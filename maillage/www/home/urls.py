from django.urls import path

from maillage.www.home import views

app_name = "home"
urlpatterns = [
    path("", views.home, name="home"),
    path("reseaux/<slug:slug>/", views.network_detail, name="network_detail"),
    path("reseaux/<slug:slug>/logo/", views.network_logo, name="network_logo"),
    path("theme.css", views.theme, name="theme"),
]
