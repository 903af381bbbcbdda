from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    name = "maillage.imports"
    verbose_name = _("Imports")

    def ready(self):
        from maillage.imports.selectors import mapping_decisions, pending_own_words
        from maillage.matching.documents import DocumentMapper
        from maillage.taxonomy.mapping import TaxonomyMapper

        TaxonomyMapper.decision_reader = staticmethod(mapping_decisions)
        DocumentMapper.own_words_reader = staticmethod(pending_own_words)
