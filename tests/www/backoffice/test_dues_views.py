"""Dues and the members list's filters and bulk actions in the back-office (issue 15)."""

import csv
import io
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from maillage.directory.models import Contact, Dues, DuesScale, Membership
from maillage.profiles.models import CapabilityStatus, Profile, ProfileCapability
from maillage.taxonomy.models import TaxonomyNode
from maillage.taxonomy.services import taxonomy_refresh_tree_paths
from tests.accounts.factories import UserFactory
from tests.directory.factories import MembershipFactory, NetworkFactory
from tests.referential.factories import CommuneFactory, EpciFactory, HeadcountBandFactory, NafCodeFactory

pytestmark = pytest.mark.django_db
YEAR = timezone.localdate().year


@pytest.fixture
def network():
    network = NetworkFactory(slug="ia-nord", name="Industries Alsace du Nord")
    network.animators.add(UserFactory(email="tresoriere@ia-nord.example"))
    return network


@pytest.fixture
def animator(client, network):
    client.force_login(network.animators.get())
    return client


def url(name, *args):
    return reverse(f"backoffice:{name}", args=["ia-nord", *args])


def _member(network, name, **kwargs):
    membership = MembershipFactory(network=network, establishment__name=name, **kwargs)
    Contact.objects.create(
        network=network, establishment=membership.establishment, last_name="Roth", role="direction",
        email=f"direction@{name.split()[0].lower()}.example",
    )  # fmt: skip
    return membership


def _scale(animator, **amounts):
    data = {"annee": YEAR, "basis": "category", "default_amount": "300", "late_after_days": "60"}
    return animator.post(url("dues"), data | amounts)


def test_the_treasurer_sets_the_scale_and_calls_the_year(
    animator, network, django_capture_on_commit_callbacks
):
    _member(network, "Fonderie Roth", category="PME")
    _member(network, "Forge Lutz", category="ETI")
    MembershipFactory(network=network, status="prospect")
    page = animator.get(url("dues")).content.decode()
    assert "PME" in page and "ETI" in page and f"Cotisations {YEAR}" in page
    assert _scale(animator, cat_1="450").status_code == 302  # categories sorted: ETI, PME
    scale = DuesScale.objects.get(network=network, year=YEAR)
    assert [(r.category, r.amount) for r in scale.rates.all()] == [("PME", Decimal("450"))]
    confirm = animator.get(url("dues_call", YEAR)).content.decode()
    assert "Appeler 2 cotisations" in confirm
    with django_capture_on_commit_callbacks(execute=True):
        response = animator.post(url("dues_call", YEAR), follow=True)
    assert "2 cotisations" in response.content.decode()
    assert sorted(m.to[0] for m in mail.outbox) == ["direction@fonderie.example", "direction@forge.example"]
    assert {d.amount for d in Dues.objects.all()} == {Decimal("450"), Decimal("300")}
    figures = animator.get(url("dues")).content.decode().replace("\u00a0", " ")
    assert "750 €" in figures  # called


def test_the_member_page_records_a_payment_and_sends_a_reminder(
    animator, network, django_capture_on_commit_callbacks
):
    membership = _member(network, "Fonderie Roth", category="PME")
    _scale(animator)
    with django_capture_on_commit_callbacks(execute=True):
        animator.post(url("dues_call", YEAR))
        animator.post(url("member_dues_remind", membership.establishment.siret, YEAR))
    assert len(mail.outbox) == 2 and "rappel" in mail.outbox[1].subject
    page = animator.get(url("member", membership.establishment.siret)).content.decode()
    assert "Relance de cotisation" in page and "Enregistrer le règlement" in page
    animator.post(
        url("member_dues_payment", membership.establishment.siret, YEAR),
        {"paid_on": timezone.localdate().isoformat(), "reference": "VIR 42"},
    )
    dues = Dues.objects.get(membership=membership)
    assert dues.status == "paid" and dues.payment_reference == "VIR 42"
    page = animator.get(url("member", membership.establishment.siret)).content.decode()
    assert "VIR 42" in page and "Relancer" not in page


def test_the_member_page_corrects_then_waives_a_dues_and_refuses_without_a_reason(
    animator, network, django_capture_on_commit_callbacks
):
    membership = _member(network, "Fonderie Roth", category="PME")
    _scale(animator)
    with django_capture_on_commit_callbacks(execute=True):
        animator.post(url("dues_call", YEAR))
    siret = membership.establishment.siret
    page = animator.get(url("member", siret)).content.decode()
    assert f"Corriger ou exonérer la cotisation {YEAR}" in page
    animator.post(url("member_dues_correct", siret, YEAR), {"action": "amount", "amount": "275,50"})
    assert Dues.objects.get(membership=membership).amount == Decimal("275.50")
    refused = animator.post(
        url("member_dues_correct", siret, YEAR), {"action": "waive", "reason": ""}, follow=True
    )
    assert "Indiquez le motif de l’exonération." in refused.content.decode()
    animator.post(
        url("member_dues_correct", siret, YEAR), {"action": "waive", "reason": "Première année offerte"}
    )
    page = animator.get(url("member", siret)).content.decode()
    assert Dues.objects.get(membership=membership).status == "waived"
    assert "Exonérée" in page and "Première année offerte" in page and "Cotisation exonérée" in page
    assert "Corriger ou exonérer" not in page and "Relancer" not in page


def test_the_list_filters_by_category_epci_activity_size_and_capability(animator, network):
    epci = EpciFactory(siren="246700488", name="CA de Haguenau")
    band = HeadcountBandFactory(code="32", label="250 à 499 salariés")
    lathe = TaxonomyNode.objects.create(
        code="proc.turning", type="process", label_fr="Tournage", label_en="Turning"
    )
    cnc = TaxonomyNode.objects.create(
        code="proc.turning.cnc", type="process", label_fr="Tournage CN", label_en="CNC turning", parent=lathe
    )
    taxonomy_refresh_tree_paths()
    roth = _member(network, "Fonderie Roth", category="PME")
    lutz = MembershipFactory(
        network=network, category="ETI", establishment__name="Forge Lutz",
        establishment__commune=CommuneFactory(insee_code="67180", epci=epci),
        establishment__headcount_band=band,
        establishment__naf=NafCodeFactory(code="28.41Z", section="C", label="Machines-outils"),
    )  # fmt: skip
    profile = Profile.objects.create(establishment=lutz.establishment)
    ProfileCapability.objects.create(profile=profile, node=cnc, status=CapabilityStatus.CONFIRMED)
    inferred = Profile.objects.create(establishment=roth.establishment)
    ProfileCapability.objects.create(profile=inferred, node=lathe, status=CapabilityStatus.INFERRED)

    def names(**query):
        page = animator.get(url("members"), query).content.decode()
        return [n for n in ("Fonderie Roth", "Forge Lutz") if n in page]

    assert names(college="ETI") == ["Forge Lutz"]
    assert names(epci="246700488") == ["Forge Lutz"]
    assert names(activite="28") == ["Forge Lutz"] and names(activite="C") == ["Fonderie Roth", "Forge Lutz"]
    assert names(taille="32") == ["Forge Lutz"]
    assert names(savoir_faire="Tournage") == ["Forge Lutz"]  # a descendant, declared; not inferred
    page = animator.get(url("members"), {"savoir_faire": "Soudure laser"}).content.decode()
    assert "Aucun savoir-faire ne correspond" in page


def _bulk(animator, data, query="", confirmed=False):
    path = url("members_bulk") + (f"?{query}" if query else "")
    return animator.post(path, data | ({"confirmed": "True"} if confirmed else {}), follow=confirmed)


def test_bulk_actions_confirm_with_counts_then_act_once(
    animator, network, django_capture_on_commit_callbacks
):
    roth = _member(network, "Fonderie Roth", category="PME")
    lutz = _member(network, "Forge Lutz", category="PME")
    other = _member(network, "Chaudronnerie Weiss", category="ETI")
    _scale(animator)
    data = {"action": "appel", "year": YEAR, "everything": "on"}
    confirm = _bulk(animator, data, "college=PME")
    assert confirm.status_code == 200 and "Cette action portera sur 2 entreprises" in confirm.content.decode()
    assert not Dues.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        done = _bulk(animator, data, "college=PME", confirmed=True)
    assert "2 cotisations" in done.content.decode()
    assert set(Dues.objects.values_list("membership", flat=True)) == {roth.pk, lutz.pk}
    assert len(mail.outbox) == 2
    paid = {"action": "reglement", "year": YEAR, "ids": [roth.pk, other.pk], "paid_on": timezone.localdate()}
    _bulk(animator, paid | {"reference": "CHQ 7"}, confirmed=True)
    assert Dues.objects.get(membership=roth).status == "paid"
    assert Dues.objects.get(membership=other).payment_reference == "CHQ 7"
    with django_capture_on_commit_callbacks(execute=True):
        _bulk(animator, {"action": "relance", "year": YEAR, "ids": [roth.pk, lutz.pk]}, confirmed=True)
    assert len(mail.outbox) == 3 and mail.outbox[-1].to == ["direction@forge.example"]
    _bulk(animator, {"action": "statut", "status": "former", "year": YEAR, "ids": [other.pk]}, confirmed=True)
    assert Membership.objects.get(pk=other.pk).status == "former"


def test_bulk_actions_never_reach_another_networks_members(animator, network):
    stranger = MembershipFactory(status="member")
    _bulk(
        animator, {"action": "statut", "status": "former", "year": YEAR, "ids": [stranger.pk]}, confirmed=True
    )
    assert Membership.objects.get(pk=stranger.pk).status == "member"


def test_bulk_without_a_checked_row_is_refused(animator, network):
    response = _bulk(animator, {"action": "appel", "year": YEAR}, confirmed=True)
    assert "Cochez au moins une entreprise" in response.content.decode()


def test_the_export_carries_the_current_years_dues(animator, network, django_capture_on_commit_callbacks):
    membership = _member(network, "Fonderie Roth", category="PME")
    _scale(animator, cat_0="450")
    with django_capture_on_commit_callbacks(execute=True):
        animator.post(url("dues_call", YEAR))
    body = animator.get(url("members"), {"format": "csv"}).content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body), delimiter=";"))
    assert f"Cotisation {YEAR} (€)" in rows[0] and "Relances" in rows[0]
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["Cotisation"] == "Appelée" and row[f"Cotisation {YEAR} : statut"] == "Appelée"
    assert row["SIRET"] == membership.establishment.siret and row[f"Cotisation {YEAR} (€)"] in (
        "450",
        "450.00",
        "450,00",
    )
    assert animator.get(url("members"), {"format": "xlsx"}).status_code == 200


def test_other_networks_animators_and_members_get_nothing(client, network):
    membership = _member(network, "Fonderie Roth")
    other = NetworkFactory()
    other.animators.add(UserFactory())
    client.force_login(other.animators.get())
    assert client.get(url("dues")).status_code == 403
    assert client.post(url("member_dues_remind", membership.establishment.siret, YEAR)).status_code == 403
    other_url = reverse(
        "backoffice:member_dues_remind", args=[other.slug, membership.establishment.siret, YEAR]
    )
    assert client.post(other_url).status_code == 404


def test_a_new_years_scale_starts_from_the_previous_one(animator, network):
    _member(network, "Fonderie Roth", category="PME")
    _scale(animator, cat_0="450")
    page = animator.get(url("dues"), {"annee": YEAR + 1}).content.decode()
    assert f"le formulaire reprend celui de {YEAR}" in page and 'value="450,00"' in page
    assert not DuesScale.objects.filter(year=YEAR + 1).exists()
    assert animator.get(url("dues"), {"annee": 1500}).status_code == 404
