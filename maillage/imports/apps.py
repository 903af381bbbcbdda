from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    name = "maillage.imports"
    verbose_name = _("Imports")

    def ready(self):
        from maillage.imports.selectors import mapping_decisions
        from maillage.taxonomy.mapping import TaxonomyMapper

        TaxonomyMapper.decision_reader = staticmethod(mapping_decisions)
