"""French public reference data: geography (COG), NAF rév. 2, SIRENE codes, ROME, CPV.

Every code is a string (leading zeros, Corsica's 2A/2B). Rows are loaded by
``maillage load-referential`` from the official files and are never edited by hand.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Region(models.Model):
    code = models.CharField(_("code"), max_length=3, primary_key=True)
    name = models.CharField(_("nom"), max_length=100)

    class Meta:
        verbose_name = _("région")
        verbose_name_plural = _("régions")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Department(models.Model):
    code = models.CharField(_("code"), max_length=3, primary_key=True)
    name = models.CharField(_("nom"), max_length=100)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="departments")

    class Meta:
        verbose_name = _("département")
        verbose_name_plural = _("départements")
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.name}"


class Epci(models.Model):
    class Kind(models.TextChoices):
        CC = "CC", _("Communauté de communes")
        CA = "CA", _("Communauté d'agglomération")
        CU = "CU", _("Communauté urbaine")
        METRO = "METRO", _("Métropole")
        MET69 = "MET69", _("Métropole de Lyon")

    siren = models.CharField(_("SIREN"), max_length=9, primary_key=True)
    name = models.CharField(_("nom"), max_length=200)
    kind = models.CharField(_("type"), max_length=5, choices=Kind.choices)
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)

    class Meta:
        verbose_name = _("EPCI")
        verbose_name_plural = _("EPCI")
        ordering = ["name"]

    def __str__(self):
        return self.name


class CommuneQuerySet(models.QuerySet):
    def current(self):
        return self.filter(kind=Commune.Kind.CURRENT)


class Commune(models.Model):
    class Kind(models.TextChoices):
        CURRENT = "commune-actuelle", _("Commune")
        MUNICIPAL_DISTRICT = "arrondissement-municipal", _("Arrondissement municipal")
        DELEGATED = "commune-deleguee", _("Commune déléguée")
        ASSOCIATED = "commune-associee", _("Commune associée")

    insee_code = models.CharField(_("code INSEE"), max_length=5, primary_key=True)
    name = models.CharField(_("nom"), max_length=100, db_index=True)
    # Lower case, no accents, hyphens and apostrophes as spaces, "st" spelt "saint": lets
    # selectors match names the same way on SQLite and PostgreSQL (no unaccent extension).
    search_name = models.CharField(
        _("nom normalisé"), max_length=100, db_index=True, default="", editable=False
    )
    kind = models.CharField(_("type"), max_length=24, choices=Kind.choices, default=Kind.CURRENT)
    # Arrondissements of Paris/Lyon/Marseille and delegated communes point to their commune.
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, null=True, blank=True, related_name="communes"
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    epci = models.ForeignKey(Epci, on_delete=models.PROTECT, null=True, blank=True, related_name="communes")
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    postal_codes = models.JSONField(_("codes postaux"), default=list, blank=True)

    objects = CommuneQuerySet.as_manager()

    class Meta:
        verbose_name = _("commune")
        verbose_name_plural = _("communes")
        ordering = ["insee_code"]

    def __str__(self):
        return f"{self.name} ({self.insee_code})"


class PostalCode(models.Model):
    """One La Poste (postal code, commune) pair: a postal code can serve several communes."""

    code = models.CharField(_("code postal"), max_length=5, db_index=True)
    commune = models.ForeignKey(Commune, on_delete=models.CASCADE, related_name="postal_code_set")

    class Meta:
        verbose_name = _("code postal")
        verbose_name_plural = _("codes postaux")
        constraints = [models.UniqueConstraint(fields=["code", "commune"], name="unique_postal_code_commune")]

    def __str__(self):
        return f"{self.code} {self.commune.name}"


class NafCode(models.Model):
    class Level(models.IntegerChoices):
        SECTION = 1, _("Section")
        DIVISION = 2, _("Division")
        GROUP = 3, _("Groupe")
        CLASS = 4, _("Classe")
        SUBCLASS = 5, _("Sous-classe")

    # INSEE spelling at each level: "C", "25", "25.6", "25.62", "25.62B".
    code = models.CharField(_("code"), max_length=6, primary_key=True)
    level = models.PositiveSmallIntegerField(_("niveau"), choices=Level.choices)
    label = models.CharField(_("libellé"), max_length=255)
    short_label = models.CharField(_("libellé court"), max_length=65, blank=True)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    section = models.CharField(_("section"), max_length=1, db_index=True)

    class Meta:
        verbose_name = _("code NAF")
        verbose_name_plural = _("codes NAF")
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.label}"


class HeadcountBand(models.Model):
    code = models.CharField(_("code"), max_length=2, primary_key=True)
    label = models.CharField(_("libellé"), max_length=255)
    min_employees = models.PositiveIntegerField(_("effectif minimum"), null=True, blank=True)
    max_employees = models.PositiveIntegerField(_("effectif maximum"), null=True, blank=True)

    class Meta:
        verbose_name = _("tranche d'effectifs")
        verbose_name_plural = _("tranches d'effectifs")
        ordering = ["code"]

    def __str__(self):
        return self.label


class LegalCategory(models.Model):
    code = models.CharField(_("code"), max_length=4, primary_key=True)
    label = models.CharField(_("libellé"), max_length=255)
    level = models.PositiveSmallIntegerField(_("niveau"))
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )

    class Meta:
        verbose_name = _("catégorie juridique")
        verbose_name_plural = _("catégories juridiques")
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.label}"


class RomeCode(models.Model):
    code = models.CharField(_("code ROME"), max_length=5, primary_key=True)
    ogr_code = models.CharField(_("code OGR"), max_length=10, blank=True)
    label = models.CharField(_("libellé"), max_length=255)
    # ROME 4.0 attaches some fiches to a main fiche (code_rome_parent); main fiches have none.
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    grand_domain = models.CharField(_("grand domaine"), max_length=1, blank=True, db_index=True)
    grand_domain_label = models.CharField(_("libellé du grand domaine"), max_length=255, blank=True)
    professional_domain = models.CharField(_("domaine professionnel"), max_length=3, blank=True)
    professional_domain_label = models.CharField(_("libellé du domaine"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("code ROME")
        verbose_name_plural = _("codes ROME")
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.label}"


class CpvCode(models.Model):
    # The 8 significant digits; the check digit after the dash is kept apart because
    # public procurement data writes codes with and without it.
    code = models.CharField(_("code CPV"), max_length=8, primary_key=True)
    check_digit = models.CharField(_("clé"), max_length=1, blank=True)
    label = models.CharField(_("libellé"), max_length=400)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )

    class Meta:
        verbose_name = _("code CPV")
        verbose_name_plural = _("codes CPV")
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.label}"
