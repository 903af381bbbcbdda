from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    # No models: an app only so that ``maillage demo`` (its management command) lives beside the
    # demo builder, above the layers it fills (directory may not import it).
    name = "maillage.demo"
    verbose_name = _("Territoire de démonstration")
