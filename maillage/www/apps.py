from django.apps import AppConfig


class WwwConfig(AppConfig):
    name = "maillage.www"
    verbose_name = "Web"

    def ready(self):
        from maillage.www import checks  # noqa: F401  (registers the deploy checks)
