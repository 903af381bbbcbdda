from django.urls import path

from maillage.www.search import views

app_name = "search"
urlpatterns = [
    path("recherche/", views.search_page, name="search"),
    path("recherche/suggestions/", views.search_suggestions, name="suggestions"),
]
