from django import forms
from django.utils.translation import gettext_lazy as _

from maillage.accounts.models import Invitation
from maillage.directory.models import Contact, Membership
from maillage.imports.models import MappingColumn, MappingReview
from maillage.needs.models import NetworkNeedSettings
from maillage.needs.selectors import need_settings
from maillage.referential.models import Commune, Department, Epci
from maillage.taxonomy.models import NodeType, TaxonomyProposal
from maillage.taxonomy.suggestions import KINDS, resolve_typed_node
from maillage.www.backoffice.dues_forms import band_label
from maillage.www.forms import CompanyPickerField, DateInput


class MemberFilterForm(forms.Form):
    """The members list's filters, in its query string. Given the network's ``facets``
    (``network_member_facets``), the fields offer the values its companies have; without them
    (another page reading the same query string) they take the values as they come."""

    q = forms.CharField(label=_("Rechercher"), required=False, max_length=100)
    statut = forms.ChoiceField(
        label=_("Statut"), required=False, choices=[("", _("Tous"))] + list(Membership.Status.choices)
    )
    cotisation = forms.ChoiceField(
        label=_("Cotisation"),
        required=False,
        choices=[("", _("Toutes"))] + list(Membership.DuesStatus.choices),
    )
    college = forms.CharField(label=_("Collège"), required=False, max_length=100)
    epci = forms.CharField(label=_("Intercommunalité"), required=False, max_length=9)
    activite = forms.CharField(label=_("Activité"), required=False, max_length=2)
    taille = forms.CharField(label=_("Effectif"), required=False, max_length=2)
    savoir_faire = forms.CharField(
        label=_("Savoir-faire"),
        required=False,
        max_length=200,
        help_text=_("Son libellé : les entreprises qui l’ont déclaré, ou un savoir-faire plus précis."),
    )

    def __init__(self, *args, facets=None, **kwargs):
        super().__init__(*args, **kwargs)
        if facets is None:
            return
        everyone = [("", _("Tous"))]
        self.fields["college"].widget = forms.Select(
            choices=everyone + [(category, category) for category in facets.categories]
        )
        self.fields["epci"].widget = forms.Select(choices=[("", _("Toutes"))] + facets.epcis)
        self.fields["activite"].widget = forms.Select(
            choices=[
                ("", _("Toutes")),
                (_("Sections"), facets.naf_sections),
                (_("Divisions"), facets.naf_divisions),
            ]
        )
        bands = [(band.code, band_label(band)) for band in facets.headcount_bands]
        self.fields["taille"].widget = forms.Select(choices=everyone + bands)

    def clean_savoir_faire(self):
        text = self.cleaned_data["savoir_faire"].strip()
        if not text:
            return None
        node, suggestions = resolve_typed_node(text, KINDS["capability"])
        if node is None:
            hint = ", ".join(n.label for n in suggestions[:5])
            raise forms.ValidationError(
                _("Aucun savoir-faire ne correspond exactement à « %(text)s ».") % {"text": text}
                + (" " + _("Voulez-vous dire : %(hint)s ?") % {"hint": hint} if hint else "")
            )
        return node

    def filters(self) -> dict:
        """The keyword arguments of ``network_memberships`` for this form's query string: the
        member list, its exports, its bulk actions and the e-mail to its contacts all read the
        same selection through here. Empty when the form is invalid: check ``is_valid()``
        before acting on « all the companies matching the filter »."""
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        activity = data["activite"]
        return {
            "status": data["statut"],
            "query": data["q"],
            "dues": data["cotisation"],
            "category": data["college"],
            "epci": data["epci"],
            "naf_section": activity if activity.isalpha() else "",
            "naf_division": activity if activity.isdigit() else "",
            "headcount_band": data["taille"],
            "capability_path": data["savoir_faire"].tree_path if data["savoir_faire"] else "",
        }


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("Adresse e-mail"))
    role = forms.ChoiceField(
        label=_("Rôle"),
        choices=Invitation.Role.choices,
        initial=Invitation.Role.MEMBER,
        widget=forms.RadioSelect,
    )
    # By name or SIRET through the company picker (suggestions while typing): a datalist of
    # every member weighed 235 KB and 340 ms at 5,000 members. The field keeps its name, which
    # the services' errors name too.
    siret = CompanyPickerField(
        label=_("Établissement"),
        required=False,
        help_text=_("Son nom, ou son SIRET ; obligatoire pour un utilisateur d’établissement, du réseau."),
    )

    def __init__(self, *args, network, **kwargs):
        super().__init__(*args, **kwargs)
        self.network = network
        self.fields["siret"].network = network  # namesakes: the network's members first

    def clean(self):
        cleaned = super().clean()
        cleaned["establishment"] = None
        if cleaned.get("role") == Invitation.Role.MEMBER and "siret" not in self.errors:
            siret = cleaned.get("siret")
            membership = (
                Membership.objects.filter(network=self.network, establishment__siret=siret)
                .select_related("establishment")
                .first()
                if siret
                else None
            )
            if membership is None:
                self.add_error("siret", _("Indiquez le SIRET d’un établissement du réseau."))
            else:
                cleaned["establishment"] = membership.establishment
        return cleaned


class ClaimRejectForm(forms.Form):
    note = forms.CharField(label=_("Motif (envoyé au demandeur)"), required=False, max_length=1000)


class ReviewFilterForm(forms.Form):
    colonne = forms.ChoiceField(
        label=_("Colonne"), required=False, choices=[("", _("Toutes"))] + list(MappingColumn.choices)
    )
    statut = forms.ChoiceField(
        label=_("Statut"),
        required=False,
        choices=[("", _("Tous"))] + list(MappingReview.Status.choices),
    )


class ReviewDecisionForm(forms.Form):
    """One of three decisions on a review; ``clean`` gives ``code`` (None: dismissed)."""

    ACCEPT, PICK, DISMISS = "accept", "pick", "dismiss"
    action = forms.ChoiceField(
        choices=[
            (ACCEPT, _("Retenir la proposition")),
            (PICK, _("Rattacher à un autre nœud")),
            (DISMISS, _("Écarter")),
        ]
    )
    proposal = forms.CharField(label=_("Proposition"), required=False, max_length=100)
    # Named ``q``: the taxonomy autocomplete (profile_edit:taxonomy_suggest) reads that parameter.
    q = forms.CharField(label=_("Nœud de la taxonomie"), required=False, max_length=200)

    def __init__(self, *args, review: MappingReview, **kwargs):
        super().__init__(*args, **kwargs)
        self.review = review

    def clean(self):
        cleaned = super().clean()
        action = cleaned.get("action")
        cleaned["code"] = None
        if action == self.ACCEPT:
            codes = [proposal["code"] for proposal in self.review.proposals]
            if cleaned.get("proposal") not in codes:
                raise forms.ValidationError(_("Choisissez l’une des propositions."))
            cleaned["code"] = cleaned["proposal"]
        elif action == self.PICK:
            node, suggestions = resolve_typed_node(cleaned.get("q", ""), KINDS[self.review.node_type])
            if node is None:
                hint = ", ".join(f"{n.label} ({n.code})" for n in suggestions[:5])
                raise forms.ValidationError(
                    _("Aucun nœud ne correspond exactement à « %(text)s ».") % {"text": cleaned.get("q", "")}
                    + (" " + _("Voulez-vous dire : %(hint)s ?") % {"hint": hint} if hint else "")
                )
            cleaned["code"] = node.code
        return cleaned


def _territory_lines(text: str) -> list[tuple[int, str]]:
    return [(number, line.strip()) for number, line in enumerate(text.splitlines(), 1) if line.strip()]


def _resolve(text: str, *, by_code, by_name, describe, field_label) -> tuple[list, list[str]]:
    """Each line: a code (possibly followed by " — name", as the form shows them) or a name."""
    found, errors = [], []
    for number, line in _territory_lines(text):
        token = line.split()[0]
        matches = list(by_code(token))
        if not matches:
            name = line.split(" — ")[-1].strip()
            matches = list(by_name(name)[:6])
        if len(matches) == 1:
            found.append(matches[0])
        elif not matches:
            errors.append(
                _("%(field)s, ligne %(line)d : « %(text)s » ne correspond à rien du référentiel.")
                % {"field": field_label, "line": number, "text": line}
            )
        else:
            errors.append(
                _("%(field)s, ligne %(line)d : « %(text)s » est ambigu (%(choices)s) ; indiquez le code.")
                % {
                    "field": field_label,
                    "line": number,
                    "text": line,
                    "choices": ", ".join(describe(match) for match in matches[:5]),
                }
            )
    return found, errors


class NetworkSettingsForm(forms.Form):
    TERRITORY_HELP = _("Une entrée par ligne : le code ou le nom exact.")

    name = forms.CharField(label=_("Nom du réseau"), max_length=200)
    description = forms.CharField(
        label=_("Description (français)"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    description_en = forms.CharField(
        label=_("Description (anglais)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Affichée aux visiteurs anglophones ; vide : la description française."),
    )
    # Required (issue 15): visitors' messages to companies without an account, replies to the
    # network's e-mails and to dues calls all go there.
    contact_email = forms.EmailField(
        label=_("Adresse de contact"),
        help_text=_(
            "Obligatoire : les messages des visiteurs aux entreprises sans compte et les réponses "
            "aux e-mails du réseau y arrivent. Affichée sur la page publique du réseau."
        ),
    )
    departments = forms.CharField(
        label=_("Départements"),
        strip=False,  # line numbers in messages count the blank lines too
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=TERRITORY_HELP,
    )
    epcis = forms.CharField(
        label=_("Intercommunalités (EPCI, SIREN ou nom)"),
        strip=False,  # line numbers in messages count the blank lines too
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=TERRITORY_HELP,
    )
    communes = forms.CharField(
        label=_("Communes isolées (code INSEE ou nom)"),
        strip=False,  # line numbers in messages count the blank lines too
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=TERRITORY_HELP,
    )

    send_unconfirmed_matches = forms.BooleanField(
        label=NetworkNeedSettings._meta.get_field("send_unconfirmed_matches").verbose_name,
        required=False,
        help_text=_(
            "Une fois épuisées les entreprises qui remplissent toutes les exigences d’un besoin. "
            "Elles reçoivent un message « à confirmer » qui leur demande de confirmer ce savoir-faire."
        ),
    )

    @classmethod
    def initial_for(cls, network) -> dict:
        def lines(items, code):
            return "\n".join(f"{getattr(item, code)} — {item.name}" for item in items)

        return {
            "name": network.name,
            "description": network.description,
            "description_en": network.description_en,
            "contact_email": network.contact_email,
            "departments": lines(network.departments.order_by("code"), "code"),
            "epcis": lines(network.epcis.order_by("name"), "siren"),
            "communes": lines(network.communes.order_by("name"), "insee_code"),
            "send_unconfirmed_matches": need_settings(network).send_unconfirmed_matches,
        }

    def clean(self):
        cleaned = super().clean()
        communes = Commune.objects.current().select_related("department")
        resolvers = {
            "departments": {
                "by_code": lambda token: Department.objects.filter(code=token.upper()),
                "by_name": lambda name: Department.objects.filter(name__iexact=name),
                "describe": lambda d: f"{d.code} {d.name}",
            },
            "epcis": {
                "by_code": lambda token: Epci.objects.filter(siren=token),
                "by_name": lambda name: Epci.objects.filter(name__iexact=name),
                "describe": lambda e: f"{e.siren} {e.name}",
            },
            "communes": {
                "by_code": lambda token: communes.filter(insee_code=token.upper()),
                "by_name": lambda name: communes.filter(name__iexact=name),
                "describe": lambda c: f"{c.insee_code} {c.name} ({c.department_id or '?'})",
            },
        }
        for field, resolver in resolvers.items():
            found, errors = _resolve(cleaned.get(field, ""), field_label=self.fields[field].label, **resolver)
            for error in errors:
                self.add_error(field, error)
            cleaned[f"{field}_objects"] = found
        return cleaned


FAMILIES = [
    ("capability", _("Procédé, matière ou service")),
    ("equipment", _("Type d’équipement")),
    ("certification", _("Certification")),
    ("sector", _("Secteur servi")),
]


class _TaxonomyProposalForm(forms.Form):
    """Fields ``kind`` and ``q`` are named after what the taxonomy autocomplete reads."""

    kind = forms.ChoiceField(label=_("Famille"), choices=FAMILIES, initial="capability")
    rationale = forms.CharField(
        label=_("Justification"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Par exemple les mots employés par vos adhérents dans leurs fiches."),
    )

    def _node(self, *, required: bool):
        text = self.cleaned_data.get("q", "").strip()
        if not text:
            if required:
                self.add_error("q", _("Indiquez un nœud de la taxonomie."))
            return None
        node, suggestions = resolve_typed_node(text, KINDS[self.cleaned_data.get("kind") or "capability"])
        if node is None:
            hint = ", ".join(f"{n.label} ({n.code})" for n in suggestions[:5])
            self.add_error(
                "q",
                _("Aucun nœud ne correspond exactement à « %(text)s ».") % {"text": text}
                + (" " + _("Voulez-vous dire : %(hint)s ?") % {"hint": hint} if hint else ""),
            )
        return node


class SynonymProposalForm(_TaxonomyProposalForm):
    q = forms.CharField(label=_("Nœud de la taxonomie"), max_length=200)
    synonym = forms.CharField(label=_("Synonyme proposé"), max_length=200)
    language = forms.ChoiceField(label=_("Langue du synonyme"), choices=TaxonomyProposal.Language.choices)

    field_order = ["kind", "q", "synonym", "language", "rationale"]

    def clean(self):
        cleaned = super().clean()
        cleaned["node"] = self._node(required=True) if "q" in cleaned else None
        return cleaned


class NodeProposalForm(_TaxonomyProposalForm):
    q = forms.CharField(
        label=_("Parent"),
        required=False,
        max_length=200,
        help_text=_("Vide : un nouveau nœud racine du type choisi ci-dessous."),
    )
    node_type = forms.ChoiceField(
        label=_("Type (sans parent)"), required=False, choices=[("", "—"), *NodeType.choices]
    )
    label_fr = forms.CharField(label=_("Libellé français"), max_length=200)
    label_en = forms.CharField(label=_("Libellé anglais"), max_length=200)

    field_order = ["kind", "q", "node_type", "label_fr", "label_en", "rationale"]

    def clean(self):
        cleaned = super().clean()
        cleaned["parent"] = self._node(required=False)
        if not cleaned.get("q", "").strip() and not cleaned.get("node_type"):
            self.add_error("node_type", _("Choisissez un parent ou un type."))
        return cleaned


class ProposalRejectForm(forms.Form):
    note = forms.CharField(label=_("Motif (visible par l’animateur)"), required=False, max_length=1000)


class NetworkBrandingForm(forms.Form):
    """The network's colour and logo; the checks themselves are the model's
    (``maillage.directory.branding``), run by ``network_branding_update``."""

    accent_colour = forms.CharField(
        label=_("Couleur du réseau"),
        required=False,
        max_length=7,
        widget=forms.TextInput(attrs={"placeholder": "#0b5c7a", "spellcheck": "false"}),
        help_text=_(
            "En hexadécimal, par exemple #0b5c7a : l’en-tête, les liens et les boutons la prennent. "
            "Elle doit contraster à 4,5:1 au moins avec le blanc. Vide : la couleur de Maillage."
        ),
    )
    logo = forms.FileField(
        label=_("Logo"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg,image/webp"}),
        help_text=_("PNG, JPEG ou WebP, 512 Ko et 2 000 pixels de côté au plus ; affiché dans l’en-tête."),
    )
    remove_logo = forms.BooleanField(label=_("Retirer le logo actuel"), required=False)


class MemberAddForm(forms.Form):
    """A company added to the network's list, named by its name or its SIRET; namesakes are
    offered as a choice (``candidates``) rather than guessed."""

    company = forms.CharField(
        label=_("Entreprise"),
        max_length=200,
        help_text=_("Son nom (3 lettres au moins) ou son SIRET."),
    )
    siret = forms.CharField(required=False, widget=forms.HiddenInput)
    status = forms.ChoiceField(
        label=_("Statut"),
        choices=[(Membership.Status.MEMBER, _("Adhérent")), (Membership.Status.PROSPECT, _("Prospect"))],
    )
    category = forms.CharField(label=_("Collège"), max_length=100, required=False)


class MembershipForm(forms.Form):
    status = forms.ChoiceField(label=_("Statut"), choices=Membership.Status.choices)
    joined_on = forms.DateField(label=_("Adhérent depuis le"), required=False, widget=DateInput())
    left_on = forms.DateField(label=_("Parti le"), required=False, widget=DateInput())
    category = forms.CharField(label=_("Collège"), max_length=100, required=False)


class ContactForm(forms.Form):
    first_name = forms.CharField(label=_("Prénom"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Nom"), max_length=150)
    role = forms.ChoiceField(label=_("Fonction"), choices=Contact.Role.choices)
    email = forms.EmailField(label=_("Adresse e-mail"), required=False)
    phone = forms.CharField(label=_("Téléphone"), max_length=30, required=False)
    consent_on = forms.DateField(
        label=_("D’accord pour recevoir les messages du réseau depuis le"),
        required=False,
        widget=DateInput(),
        help_text=_("Vide tant que la personne n’a pas donné son accord."),
    )
