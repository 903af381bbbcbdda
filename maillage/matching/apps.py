from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    name = "maillage.matching"
    verbose_name = _("Recherche de savoir-faire")

    def ready(self):
        from maillage.matching.services import index_refresh_on_profile_change
        from maillage.profiles.signals import profile_changed

        profile_changed.connect(index_refresh_on_profile_change, dispatch_uid="matching-profile-changed")
