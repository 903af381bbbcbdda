from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TaxonomyConfig(AppConfig):
    name = "maillage.taxonomy"
    verbose_name = _("Taxonomie des savoir-faire")
