from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    name = "maillage.matching"
    verbose_name = _("Recherche de savoir-faire")
