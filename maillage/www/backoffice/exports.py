"""The back-office's downloads: the network's companies as CSV (BOM, « ; ») or XLSX, French headers."""

from django.utils import timezone
from django.utils.translation import gettext as _

from maillage import downloads
from maillage.accounts.selectors import with_link_counts
from maillage.directory.selectors import dues_by_membership

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
# The current year's dues, after the columns above; {year} is filled in.
DUES_HEADER = [
    "Cotisation {year} (€)",
    "Cotisation {year} : statut",
    "Appelée le",
    "Réglée le",
    "Référence du paiement",
    "Relances",
]


def members_export(network, memberships, fmt: str):
    """The filtered members list as CSV (BOM, « ; ») or XLSX, French headers, with the
    current year's dues (amount, status, dates, reference, number of reminders)."""
    year = timezone.localdate().year
    dues = dues_by_membership(memberships, year)

    def dues_columns(membership):
        found = dues.get(membership.pk)
        if found is None:
            return [None, "", None, None, "", 0]
        return [
            found.amount,
            found.get_status_display(),
            found.called_on,
            found.paid_on,
            found.payment_reference,
            found.reminder_count,
        ]

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
            *dues_columns(m),
        ]
        for m in with_link_counts(network, memberships)
    )
    header = EXPORT_HEADER + [column.format(year=year) for column in DUES_HEADER]
    body = downloads.table(fmt, header, rows, title=_("Entreprises du réseau"))
    return downloads.response(
        body, filename=f"entreprises-{network.slug}.{fmt}", content_type=downloads.CONTENT_TYPES[fmt]
    )
