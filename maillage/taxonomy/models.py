"""The capability taxonomy: what a factory can do, work on, hold and serve.

Nodes come from the reviewed files in ``maillage/taxonomy/data`` (loaded by ``maillage
load-taxonomy``) or are added by animators in the admin. A file node is never edited in the
admin (the next load would undo the edit) and no node is ever deleted by a load: nodes that
leave the files are deactivated, so that profiles pointing at them keep their history.
"""

import re
import unicodedata

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from maillage.taxonomy.labels import node_label

CODE_RE = re.compile(r"^[a-z]+(\.[a-z0-9][a-z0-9_]*)+$")


class NodeType(models.TextChoices):
    PROCESS = "process", _("Procédé")
    MATERIAL = "material", _("Matériau")
    CERTIFICATION = "certification", _("Certification")
    SECTOR = "sector", _("Secteur servi")
    EQUIPMENT = "equipment", _("Type d'équipement")
    SERVICE = "service", _("Service")


# The first segment of a code says its type, so a code read alone in a spreadsheet or a URL
# is unambiguous ("proc.joining.welding.tig", "cert.en9100").
CODE_PREFIXES = {
    NodeType.PROCESS: "proc",
    NodeType.MATERIAL: "mat",
    NodeType.CERTIFICATION: "cert",
    NodeType.SECTOR: "sector",
    NodeType.EQUIPMENT: "equip",
    NodeType.SERVICE: "svc",
}


class NodeSource(models.TextChoices):
    FILE = "file", _("Fichiers de la taxonomie")
    ANIMATOR = "animator", _("Ajout d'un animateur")


def normalise_term(text: str) -> str:
    """Lower case, no accents, punctuation as spaces: how labels and synonyms are compared."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(char for char in decomposed if not unicodedata.combining(char))
    stripped = stripped.replace("œ", "oe").replace("æ", "ae").replace("ß", "ss")
    return " ".join(re.sub(r"[^0-9a-z]+", " ", stripped.lower()).split())


class TaxonomyVersion(models.Model):
    """One load of the data files that changed something: declared label and content hash."""

    label = models.CharField(_("version déclarée"), max_length=50)
    content_hash = models.CharField(_("empreinte SHA-256 des fichiers"), max_length=64, db_index=True)
    loaded_at = models.DateTimeField(_("chargée le"), default=timezone.now)
    summary = models.JSONField(_("résumé du chargement"), default=dict, blank=True)

    class Meta:
        verbose_name = _("version de la taxonomie")
        verbose_name_plural = _("versions de la taxonomie")
        ordering = ["-loaded_at", "-pk"]
        get_latest_by = ["loaded_at", "pk"]

    def __str__(self):
        return f"{self.label} ({self.content_hash[:12]})"


class TaxonomyNodeQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def of_type(self, node_type: str):
        return self.filter(type=node_type)

    def descendants_of(self, node: "TaxonomyNode", *, include_self: bool = True):
        """The node's subtree: searching for a parent must find what its children match."""
        queryset = self.filter(tree_path__startswith=node.tree_path)
        return queryset if include_self else queryset.exclude(pk=node.pk)

    def ancestors_of(self, node: "TaxonomyNode", *, include_self: bool = False):
        ids = node.ancestor_ids(include_self=include_self)
        return self.filter(pk__in=ids).order_by("depth")


class TaxonomyNode(models.Model):
    code = models.CharField(_("code"), max_length=100, unique=True)
    type = models.CharField(_("type"), max_length=20, choices=NodeType.choices, db_index=True)
    label_fr = models.CharField(_("libellé français"), max_length=200)
    label_en = models.CharField(_("libellé anglais"), max_length=200)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    synonyms_fr = models.JSONField(_("synonymes et variantes en français"), default=list, blank=True)
    synonyms_en = models.JSONField(_("synonymes et variantes en anglais"), default=list, blank=True)
    # Animators may teach the vocabulary of their members to any node, file nodes included:
    # loads never touch these two lists.
    animator_synonyms_fr = models.JSONField(
        _("synonymes ajoutés par les animateurs (français)"), default=list, blank=True
    )
    animator_synonyms_en = models.JSONField(
        _("synonymes ajoutés par les animateurs (anglais)"), default=list, blank=True
    )
    description_fr = models.TextField(_("note de périmètre (français)"), blank=True)
    description_en = models.TextField(_("note de périmètre (anglais)"), blank=True)
    # Equipment types: the measurable specifications a machine of this type declares, each
    # {"key", "label_fr", "label_en", "unit", "min"?, "max"?}; children inherit them.
    specs = models.JSONField(_("caractéristiques mesurables"), default=list, blank=True)
    # Certifications: {"scheme", "issuer_type", "expires", "validity_years"?}.
    attributes = models.JSONField(_("attributs"), default=dict, blank=True)
    is_active = models.BooleanField(_("actif"), default=True, db_index=True)
    source = models.CharField(
        _("origine"), max_length=10, choices=NodeSource.choices, default=NodeSource.ANIMATOR
    )
    source_file = models.CharField(_("fichier source"), max_length=200, blank=True)
    position = models.PositiveIntegerField(_("rang dans le fichier"), default=0)
    version = models.ForeignKey(
        TaxonomyVersion,
        verbose_name=_("version de la dernière modification par fichier"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="nodes",
    )
    # "/<root id>/<child id>/.../<own id>/": a subtree is one indexed prefix query, usable
    # across joins (profiles filter on capability__tree_path__startswith).
    tree_path = models.CharField(max_length=255, db_index=True, editable=False, blank=True, default="")
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    # Accent-free, lower-case code, labels and synonyms, for searches that must match
    # "decolletage" with "décolletage" on SQLite and PostgreSQL alike.
    search_text = models.TextField(default="", blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("créé par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    objects = TaxonomyNodeQuerySet.as_manager()

    class Meta:
        verbose_name = _("nœud de la taxonomie")
        verbose_name_plural = _("nœuds de la taxonomie")
        ordering = ["code"]

    def __str__(self):
        return f"{self.label_fr} ({self.code})"

    def save(self, *args, **kwargs):
        self.search_text = self.compute_search_text()
        super().save(*args, **kwargs)

    def clean(self):
        errors = {}
        if self.code and not CODE_RE.match(self.code):
            errors["code"] = _(
                "Code invalide : minuscules, chiffres et _ en segments séparés par des points."
            )
        elif self.code and self.type and not self.code.startswith(CODE_PREFIXES.get(self.type, "?") + "."):
            errors["code"] = _("Un code de type « %(type)s » commence par « %(prefix)s. ».") % {
                "type": self.get_type_display(),
                "prefix": CODE_PREFIXES.get(self.type, "?"),
            }
        if self.parent_id is not None:
            parent = self.parent
            if parent.type != self.type:
                errors["parent"] = _("Le parent doit être du même type.")
            elif self.pk is not None and (parent.pk == self.pk or self.pk in parent.ancestor_ids()):
                errors["parent"] = _("Ce parent créerait un cycle.")
        if self.specs and self.type != NodeType.EQUIPMENT:
            errors["specs"] = _("Seuls les types d'équipement ont des caractéristiques mesurables.")
        if errors:
            raise ValidationError(errors)

    @property
    def label(self) -> str:
        """The label in the active language (templates: ``{{ node.label }}``)."""
        return node_label(self)

    def compute_search_text(self) -> str:
        terms = [self.code, self.label_fr, self.label_en]
        for values in (
            self.synonyms_fr,
            self.synonyms_en,
            self.animator_synonyms_fr,
            self.animator_synonyms_en,
        ):
            terms.extend(values or [])
        return "|".join(normalise_term(term) for term in terms if term)

    def all_synonyms(self) -> list[str]:
        return [
            *self.synonyms_fr,
            *self.synonyms_en,
            *self.animator_synonyms_fr,
            *self.animator_synonyms_en,
        ]

    def ancestor_ids(self, *, include_self: bool = False) -> list[int]:
        ids = self.path_ids(self.tree_path)
        return ids if include_self else ids[:-1]

    @staticmethod
    def path_ids(tree_path: str) -> list[int]:
        """The ids of a ``tree_path`` ("/3/17/42/"), root first, the node itself last."""
        return [int(part) for part in tree_path.strip("/").split("/") if part]

    def subtree_q(self, prefix: str = "") -> Q:
        """Q matching this node and its descendants, through a relation when ``prefix`` ends in "__"."""
        return Q(**{f"{prefix}tree_path__startswith": self.tree_path})

    def effective_specs(self) -> list[dict]:
        """Specifications declared on this node and its ancestors; the nearest declaration wins."""
        merged: dict[str, dict] = {}
        for node in TaxonomyNode.objects.ancestors_of(self, include_self=True):
            for spec in node.specs:
                merged[spec["key"]] = spec
        return list(merged.values())


class NafCapabilityHint(models.Model):
    """A NAF sub-class makes a capability likely: used to pre-fill profiles as *inferred*."""

    # No database constraint: the hints are loaded from our files and the NAF referential may
    # be loaded afterwards; missing codes are reported by the load instead.
    naf = models.ForeignKey(
        "referential.NafCode",
        verbose_name=_("sous-classe NAF"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_column="naf_code",
        related_name="+",
    )
    node = models.ForeignKey(
        TaxonomyNode, verbose_name=_("nœud"), on_delete=models.CASCADE, related_name="naf_hints"
    )
    weight = models.FloatField(_("vraisemblance (0 à 1)"))

    class Meta:
        verbose_name = _("indice NAF → savoir-faire")
        verbose_name_plural = _("indices NAF → savoir-faire")
        ordering = ["naf_id", "-weight"]
        constraints = [models.UniqueConstraint(fields=["naf", "node"], name="unique_naf_hint")]

    def __str__(self):
        return f"{self.naf_id} → {self.node.code} ({self.weight:.2f})"


class NodeRomeLink(models.Model):
    node = models.ForeignKey(TaxonomyNode, on_delete=models.CASCADE, related_name="rome_links")
    rome = models.ForeignKey(
        "referential.RomeCode",
        verbose_name=_("code ROME"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_column="rome_code",
        related_name="+",
    )

    class Meta:
        verbose_name = _("lien vers un métier ROME")
        verbose_name_plural = _("liens vers des métiers ROME")
        constraints = [models.UniqueConstraint(fields=["node", "rome"], name="unique_node_rome")]

    def __str__(self):
        return f"{self.node.code} ↔ {self.rome_id}"


class NodeCpvLink(models.Model):
    node = models.ForeignKey(TaxonomyNode, on_delete=models.CASCADE, related_name="cpv_links")
    cpv = models.ForeignKey(
        "referential.CpvCode",
        verbose_name=_("code CPV"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_column="cpv_code",
        related_name="+",
    )

    class Meta:
        verbose_name = _("lien vers un code CPV")
        verbose_name_plural = _("liens vers des codes CPV")
        constraints = [models.UniqueConstraint(fields=["node", "cpv"], name="unique_node_cpv")]

    def __str__(self):
        return f"{self.node.code} ↔ {self.cpv_id}"


class TaxonomyProposal(models.Model):
    """An animator's proposal to teach the taxonomy its members' vocabulary.

    A synonym for an existing node, or a new node under a parent. A platform administrator
    accepts it (the synonym joins the node's ``animator_synonyms_*``, the node is created as
    an animator node: neither is touched by ``load-taxonomy``) or rejects it with a note.
    """

    class Kind(models.TextChoices):
        SYNONYM = "synonym", _("Synonyme d'un nœud existant")
        NODE = "node", _("Nouveau nœud")

    class Status(models.TextChoices):
        PENDING = "pending", _("En attente")
        ACCEPTED = "accepted", _("Acceptée")
        REJECTED = "rejected", _("Refusée")

    class Language(models.TextChoices):
        FR = "fr", _("Français")
        EN = "en", _("Anglais")

    kind = models.CharField(_("nature"), max_length=8, choices=Kind.choices)
    status = models.CharField(
        _("statut"), max_length=8, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    network = models.ForeignKey(
        "directory.Network", verbose_name=_("réseau"), on_delete=models.CASCADE, related_name="+"
    )
    # Synonym: the node it names, the term and its language.
    node = models.ForeignKey(
        TaxonomyNode,
        verbose_name=_("nœud"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    synonym = models.CharField(_("synonyme"), max_length=200, blank=True)
    language = models.CharField(_("langue"), max_length=2, choices=Language.choices, default=Language.FR)
    # New node: its place, type and labels.
    parent = models.ForeignKey(
        TaxonomyNode,
        verbose_name=_("parent"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    node_type = models.CharField(_("type"), max_length=20, choices=NodeType.choices, blank=True)
    label_fr = models.CharField(_("libellé français"), max_length=200, blank=True)
    label_en = models.CharField(_("libellé anglais"), max_length=200, blank=True)
    rationale = models.TextField(_("justification, exemples de saisie"), blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposée par"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("proposée le"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("décidée par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("décidée le"), null=True, blank=True)
    decision_note = models.CharField(_("motif"), max_length=1000, blank=True)
    created_node = models.ForeignKey(
        TaxonomyNode,
        verbose_name=_("nœud créé"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("proposition d'ajout à la taxonomie")
        verbose_name_plural = _("propositions d'ajout à la taxonomie")
        ordering = ["status", "-created_at", "-pk"]

    def __str__(self):
        if self.kind == self.Kind.SYNONYM:
            return f"« {self.synonym} » → {self.node.code if self.node_id else '?'}"
        return f"{self.label_fr} ({self.parent.code if self.parent_id else self.node_type})"
