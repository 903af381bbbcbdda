from django.contrib.admin.apps import AdminConfig


class MaillageAdminConfig(AdminConfig):
    """``django.contrib.admin`` with the site that scopes each model by network (admin_site.py)."""

    default_site = "maillage.accounts.admin_site.MaillageAdminSite"
