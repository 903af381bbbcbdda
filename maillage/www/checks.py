"""System checks of the web layer, run by ``maillage check --deploy`` before going live."""

from django.conf import settings
from django.core.checks import Tags, Warning, register

LEGAL_REQUIRED = ("publisher", "publisher_address", "director", "host", "host_address", "contact_email")


@register(Tags.security, deploy=True)
def legal_pages_filled_in(app_configs, **kwargs):
    """French law (LCEN, article 6) asks every site to name its publisher, director of
    publication and host: the legal notice says « non renseigné » until they are set."""
    missing = [key for key in LEGAL_REQUIRED if not settings.MAILLAGE_LEGAL.get(key)]
    if not missing:
        return []
    names = ", ".join(f"MAILLAGE_LEGAL_{key.upper()}" for key in missing if key != "contact_email")
    if "contact_email" in missing:
        names = ", ".join(filter(None, [names, "MAILLAGE_CONTACT_EMAIL"]))
    return [
        Warning(
            "The legal notice is incomplete.",
            hint=f"Set {names} in the environment (docs/legal.md).",
            id="maillage.W010",
        )
    ]
