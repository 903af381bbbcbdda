from django.urls import path

from maillage.www.join import views

app_name = "join"
urlpatterns = [
    path("reseaux/<slug:slug>/adherer/", views.join, name="join"),
    path("reseaux/<slug:slug>/adherer/envoyee/", views.sent, name="sent"),
]
