"""Leakage reports (XLSX, PDF) for elected officials, and the export of visible relations.

Reports only ever contain what ``leakage.protect`` let through; relation exports go through
``relations_visible`` and show an exact amount only where ``amount_visible`` is true.
"""

from __future__ import annotations

from datetime import date

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from maillage import downloads
from maillage.relations.charts import euros, leakage_bars
from maillage.relations.leakage import OTHERS, LeakageResult, Territory
from maillage.relations.selectors import displayed_amount


def _workbook():
    from openpyxl.styles import Font

    return downloads.workbook(), Font(bold=True)


def leakage_xlsx(result: LeakageResult, territory: Territory) -> bytes:
    book, bold = _workbook()
    sheet = book.active
    sheet.title = _("Fuite d’achats")[:31]
    downloads.append(sheet, [_("Fuite d’achats — %(territory)s") % {"territory": territory.name}])
    sheet["A1"].font = bold
    downloads.append(sheet, [_("Année"), result.year])
    downloads.append(sheet, [_("Acheteurs"), result.buyers, _("Fournisseurs"), result.suppliers])
    downloads.append(
        sheet,
        [
            _("Règle"),
            _(
                "Catégories regroupées quand elles comptent moins de 3 acheteurs ou 3 fournisseurs ; "
                "fuite adressable : au moins %(n)s entreprises locales à moins de %(km)s km."
            )
            % {"n": result.min_local, "km": f"{result.radius_km:g}"},
        ],
    )
    downloads.append(sheet, [])
    if result.withheld:
        downloads.append(
            sheet, [_("Trop peu d’acheteurs ou de fournisseurs : aucun chiffre ne peut être publié.")]
        )
        return downloads.xlsx_bytes(book)
    header = [
        _("Catégorie"),
        _("Achats dans le territoire (€)"),
        _("Achats hors du territoire (€)"),
        _("dont fournisseurs non localisés (€)"),
        _("Fuite adressable (€)"),
        _("Acheteurs"),
        _("Fournisseurs"),
        _("Entreprises locales capables"),
    ]
    downloads.append(sheet, header)
    for cell in sheet[sheet.max_row]:
        cell.font = bold
    for category in result.categories:
        downloads.append(
            sheet,
            [
                category.label,
                round(category.inside, 2),
                round(category.outside, 2),
                round(category.unlocated, 2),
                None if category.addressable is None else round(category.addressable, 2),
                category.buyers,
                category.suppliers,
                None if category.key == OTHERS else len(category.candidates),
            ],
        )
    downloads.append(
        sheet,
        [_("Total"), round(result.inside, 2), round(result.outside, 2), None, round(result.addressable, 2)],
    )
    for cell in sheet[sheet.max_row]:
        cell.font = bold
    for column, width in zip("ABCDEFGH", (48, 20, 20, 20, 18, 10, 12, 14), strict=True):
        sheet.column_dimensions[column].width = width
    local = book.create_sheet(_("Entreprises locales")[:31])
    downloads.append(local, [_("Catégorie"), _("SIRET"), _("Nom"), _("Commune")])
    for cell in local[1]:
        cell.font = bold
    for category in result.categories:
        for candidate in category.candidates:
            downloads.append(
                local, [category.label, candidate["siret"], candidate["name"], candidate["commune"]]
            )
    return downloads.xlsx_bytes(book)


def leakage_html(result: LeakageResult, territory: Territory) -> str:
    return render_to_string(
        "relations/leakage_report.html",
        {
            "result": result,
            "territory": territory,
            "chart": leakage_bars(result.categories),
            "today": date.today(),
            "rows": [
                {
                    "category": category,
                    "inside": euros(category.inside),
                    "outside": euros(category.outside),
                    "addressable": euros(category.addressable),
                }
                for category in result.categories
            ],
            "totals": {
                "inside": euros(result.inside),
                "outside": euros(result.outside),
                "addressable": euros(result.addressable),
            },
        },
    )


def leakage_pdf(result: LeakageResult, territory: Territory) -> bytes:
    from weasyprint import HTML

    return HTML(string=leakage_html(result, territory)).write_pdf()


# French headers, fixed whatever the page's language, in the search export's style
# (``www/search/views.EXPORT_COLUMNS``): a French spreadsheet reads them; a script keeps them.
RELATION_COLUMNS = (
    "siret_fournisseur",
    "nom_fournisseur",
    "siret_client",
    "nom_client",
    "categorie",
    "cpv",
    "tranche_volume",
    "montant_eur_ht",
    "annee_montant",
    "depuis",
    "source",
    "confidentialite",
    "statut",
)


def relation_rows(relations) -> list[list]:
    """Rows of an export: ``relations`` must come from ``relations_visible``."""
    rows = []
    for relation in relations:
        amount = displayed_amount(relation)
        rows.append(
            [
                relation.supplier.siret if relation.supplier_id else relation.supplier_siret,
                relation.supplier_label,
                relation.client.siret if relation.client_id else relation.client_siret,
                relation.client_label,
                relation.category_label,
                relation.cpv_id or "",
                relation.get_volume_band_display() if relation.volume_band else "",
                "" if amount is None else float(amount),
                relation.amount_year if amount is not None else "",
                relation.since or "",
                relation.get_source_display(),
                relation.get_confidentiality_display(),
                relation.get_status_display(),
            ]
        )
    return rows


def relations_xlsx(relations) -> bytes:
    book, bold = _workbook()
    sheet = book.active
    sheet.title = _("Relations")
    for cell in downloads.append(sheet, RELATION_COLUMNS):
        cell.font = bold
    for row in relation_rows(relations):
        downloads.append(sheet, row)
    return downloads.xlsx_bytes(book)


def relations_csv(relations) -> str:
    return downloads.csv_text(RELATION_COLUMNS, relation_rows(relations))
