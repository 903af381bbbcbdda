"""The back-office's downloads: the network's companies as CSV (BOM, « ; ») or XLSX, French headers."""

from django.utils.translation import gettext as _

from maillage import downloads
from maillage.accounts.selectors import with_link_counts

EXPORT_HEADER = [
    "SIRET",
    "Établissement",
    "Commune",
    "Statut",
    "Adhérent depuis",
    "Parti le",
    "Collège",
    "Cotisation",
    "Contacts",
]


def members_export(network, memberships, fmt: str):
    """The filtered members list as CSV (BOM, « ; ») or XLSX, French headers."""
    rows = (
        [
            m.establishment.siret,
            m.establishment.display_name,
            m.establishment.commune.name if m.establishment.commune_id else m.establishment.city,
            m.get_status_display(),
            m.joined_on,
            m.left_on,
            m.category,
            m.get_dues_status_display(),
            m.contact_count,
        ]
        for m in with_link_counts(network, memberships)
    )
    body = downloads.table(fmt, EXPORT_HEADER, rows, title=_("Entreprises du réseau"))
    return downloads.response(
        body, filename=f"entreprises-{network.slug}.{fmt}", content_type=downloads.CONTENT_TYPES[fmt]
    )
