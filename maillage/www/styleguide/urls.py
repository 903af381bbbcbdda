from django.urls import path

from maillage.www.styleguide import views

app_name = "styleguide"
urlpatterns = [path("", views.styleguide, name="index")]
