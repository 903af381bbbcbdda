from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RelationsConfig(AppConfig):
    name = "maillage.relations"
    verbose_name = _("Relations fournisseurs–clients")

    def ready(self):
        # The imported public contracts teach the search which activities win which purchases
        # (maillage.matching.prior); registered from here since matching is a lower layer.
        from maillage.matching.prior import register_prior_source
        from maillage.relations.prior import procurement_examples

        register_prior_source(procurement_examples)
