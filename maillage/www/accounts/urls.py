from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from maillage.accounts.forms import SitePasswordResetForm
from maillage.www.accounts import account, language, settings, views

app_name = "accounts"
urlpatterns = [
    path("", account.account, name="account"),
    path("mot-de-passe/", account.PasswordChangeView.as_view(), name="password_change"),
    path("mes-donnees.json", account.account_export, name="account_export"),
    path("suppression/", account.delete, name="account_delete"),
    # « Mon compte », continued (issue 15): preferences and the e-mail change.
    path("preferences/", settings.preferences, name="preferences"),
    path("langue/", language.language, name="language"),
    path("adresse/", settings.email_change, name="email_change"),
    path("adresse/confirmer/<str:token>/", settings.email_change_confirm_view, name="email_change_confirm"),
    path("connexion/", views.LoginView.as_view(), name="login"),
    path("deconnexion/", views.LogoutView.as_view(), name="logout"),
    path(
        "mot-de-passe/oubli/",
        auth_views.PasswordResetView.as_view(
            template_name="accounts/password_reset_form.html",
            form_class=SitePasswordResetForm,
            success_url=reverse_lazy("accounts:password_reset_done"),
        ),
        name="password_reset",
    ),
    path(
        "mot-de-passe/oubli/envoye/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "mot-de-passe/nouveau/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="accounts/password_reset_confirm.html",
            success_url=reverse_lazy("accounts:password_reset_complete"),
        ),
        name="password_reset_confirm",
    ),
    path(
        "mot-de-passe/nouveau/termine/",
        auth_views.PasswordResetCompleteView.as_view(template_name="accounts/password_reset_complete.html"),
        name="password_reset_complete",
    ),
    path("invitation/<str:token>/", views.invitation_accept, name="invitation_accept"),
    # Sign-up without an invitation (issue 15).
    path("inscription/", views.signup, name="signup"),
    path("inscription/envoyee/", views.signup_sent, name="signup_sent"),
    path("inscription/confirmer/<str:token>/", views.signup_confirmation, name="signup_confirm"),
]
