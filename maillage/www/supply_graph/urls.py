from django.urls import path

from maillage.www.supply_graph import views

app_name = "supply_graph"
urlpatterns = [
    path("", views.graph_page, name="graph"),
    path("donnees.json", views.graph_data, name="data"),
]
