"""The official layouts of INSEE's ``StockEtablissement`` and ``StockUniteLegale`` files."""

from django.utils.translation import gettext_lazy as _

# Exact header of StockEtablissement_utf8.csv (format in force at the end of 2025).
ETABLISSEMENT_COLUMNS: tuple[str, ...] = (
    "siren", "nic", "siret", "statutDiffusionEtablissement", "dateCreationEtablissement",
    "trancheEffectifsEtablissement", "anneeEffectifsEtablissement",
    "activitePrincipaleRegistreMetiersEtablissement", "dateDernierTraitementEtablissement",
    "etablissementSiege", "nombrePeriodesEtablissement", "complementAdresseEtablissement",
    "numeroVoieEtablissement", "indiceRepetitionEtablissement", "dernierNumeroVoieEtablissement",
    "indiceRepetitionDernierNumeroVoieEtablissement", "typeVoieEtablissement", "libelleVoieEtablissement",
    "codePostalEtablissement", "libelleCommuneEtablissement", "libelleCommuneEtrangerEtablissement",
    "distributionSpecialeEtablissement", "codeCommuneEtablissement", "codeCedexEtablissement",
    "libelleCedexEtablissement", "codePaysEtrangerEtablissement", "libellePaysEtrangerEtablissement",
    "identifiantAdresseEtablissement", "coordonneeLambertAbscisseEtablissement",
    "coordonneeLambertOrdonneeEtablissement", "complementAdresse2Etablissement", "numeroVoie2Etablissement",
    "indiceRepetition2Etablissement", "typeVoie2Etablissement", "libelleVoie2Etablissement",
    "codePostal2Etablissement", "libelleCommune2Etablissement", "libelleCommuneEtranger2Etablissement",
    "distributionSpeciale2Etablissement", "codeCommune2Etablissement", "codeCedex2Etablissement",
    "libelleCedex2Etablissement", "codePaysEtranger2Etablissement", "libellePaysEtranger2Etablissement",
    "dateDebut", "etatAdministratifEtablissement", "enseigne1Etablissement", "enseigne2Etablissement",
    "enseigne3Etablissement", "denominationUsuelleEtablissement", "activitePrincipaleEtablissement",
    "nomenclatureActivitePrincipaleEtablissement", "caractereEmployeurEtablissement",
    "activitePrincipaleNAF25Etablissement",
)  # fmt: skip
assert len(ETABLISSEMENT_COLUMNS) == 54

# StockUniteLegale header as published since 2019, with societeMissionUniteLegale (added later).
# The reader finds columns by name, so extra or reordered columns in newer files are fine.
UNITE_LEGALE_COLUMNS: tuple[str, ...] = (
    "siren", "statutDiffusionUniteLegale", "unitePurgeeUniteLegale", "dateCreationUniteLegale",
    "sigleUniteLegale", "sexeUniteLegale", "prenom1UniteLegale", "prenom2UniteLegale", "prenom3UniteLegale",
    "prenom4UniteLegale", "prenomUsuelUniteLegale", "pseudonymeUniteLegale",
    "identifiantAssociationUniteLegale", "trancheEffectifsUniteLegale", "anneeEffectifsUniteLegale",
    "dateDernierTraitementUniteLegale", "nombrePeriodesUniteLegale", "categorieEntreprise",
    "anneeCategorieEntreprise", "dateDebut", "etatAdministratifUniteLegale", "nomUniteLegale",
    "nomUsageUniteLegale", "denominationUniteLegale", "denominationUsuelle1UniteLegale",
    "denominationUsuelle2UniteLegale", "denominationUsuelle3UniteLegale", "categorieJuridiqueUniteLegale",
    "activitePrincipaleUniteLegale", "nomenclatureActivitePrincipaleUniteLegale", "nicSiegeUniteLegale",
    "economieSocialeSolidaireUniteLegale", "societeMissionUniteLegale", "caractereEmployeurUniteLegale",
)  # fmt: skip

UNITE_LEGALE_NEEDED = (
    "siren", "dateCreationUniteLegale", "sigleUniteLegale", "prenom1UniteLegale", "prenomUsuelUniteLegale",
    "trancheEffectifsUniteLegale", "categorieEntreprise", "etatAdministratifUniteLegale", "nomUniteLegale",
    "nomUsageUniteLegale", "denominationUniteLegale", "categorieJuridiqueUniteLegale",
    "activitePrincipaleUniteLegale", "nomenclatureActivitePrincipaleUniteLegale",
)  # fmt: skip

NAF_REV2 = "NAFRev2"
# INSEE masks the fields of partially public units with this marker.
NOT_DISCLOSED = "[ND]"


class Reason:
    """Why a line is rejected. Codes go to the rejects CSV; labels are shown to people."""

    WRONG_COLUMN_COUNT = "wrong_column_count"
    BAD_ENCODING = "bad_encoding"
    BAD_SIRET = "bad_siret"
    DUPLICATE_SIRET = "duplicate_siret"
    UNKNOWN_NAF = "unknown_naf"
    UNKNOWN_COMMUNE = "unknown_commune"
    MALFORMED_COORDINATES = "malformed_coordinates"
    MALFORMED_DATE = "malformed_date"
    INVALID_TEXT = "invalid_text"
    MALFORMED_UNITE_LEGALE = "malformed_unite_legale"

    LABELS = {
        WRONG_COLUMN_COUNT: _("nombre de colonnes incorrect"),
        BAD_ENCODING: _("encodage invalide (UTF-8 attendu)"),
        BAD_SIRET: _("SIRET invalide (clé de contrôle ou format)"),
        DUPLICATE_SIRET: _("SIRET en double dans le lot"),
        UNKNOWN_NAF: _("code NAF inconnu"),
        UNKNOWN_COMMUNE: _("commune inconnue"),
        MALFORMED_COORDINATES: _("coordonnées mal formées ou hors zone"),
        MALFORMED_DATE: _("date mal formée"),
        INVALID_TEXT: _("texte refusé par la base (caractère nul)"),
        MALFORMED_UNITE_LEGALE: _("ligne du fichier des unités légales illisible"),
    }
