from django.urls import path

from maillage.www.needs import views

app_name = "needs"
urlpatterns = [
    path("", views.need_list, name="list"),
    path("nouveau/", views.need_create, name="create"),
    path("recus/", views.inbox, name="inbox"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/lues/", views.notifications_read, name="notifications_read"),
    path("reseau/<slug:slug>/chiffres/", views.figures, name="figures"),
    path("<int:pk>/", views.need_detail, name="detail"),
    path("<int:pk>/modifier/", views.need_edit, name="edit"),
    path("<int:pk>/ouvrir/", views.need_open, name="open"),
    path("<int:pk>/clore/", views.need_close, name="close"),
    path("<int:pk>/bilan/", views.need_outcome, name="outcome"),
    path("<int:pk>/repondre/", views.need_answer, name="answer"),
    path("<int:pk>/pieces/<int:attachment_pk>/", views.need_attachment, name="attachment"),
    path("<int:pk>/groupement/", views.need_consortium, name="consortium"),
    path("<int:pk>/groupement/inviter/", views.need_consortium_invite, name="consortium_invite"),
]
