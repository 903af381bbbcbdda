from django.urls import path

from maillage.www.legal import views

app_name = "legal"
urlpatterns = [
    path("mentions-legales/", views.notice, name="notice"),
    path("donnees-personnelles/", views.privacy, name="privacy"),
    path("accessibilite/", views.accessibility, name="accessibility"),
    path("contact/", views.contact, name="contact"),
]
