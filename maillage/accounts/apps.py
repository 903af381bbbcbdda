from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "maillage.accounts"
    verbose_name = _("Comptes")

    def ready(self):
        from django.db.models.signals import post_migrate

        from maillage.accounts.throttling import create_cache_tables

        # `make demo` and deployments only run migrate: the rate limits' cache table follows.
        post_migrate.connect(create_cache_tables, sender=self)
