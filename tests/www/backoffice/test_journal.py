"""The journal's back-office pages: list, filters, figures, CSV, form, timeline, follow-ups, and
what another network's animator or a member cannot reach."""

import datetime

import pytest
from django.utils import timezone

from maillage.downloads import BOM
from maillage.journal.models import Confidentiality, EntryKind, JournalEntry, Theme
from tests.journal.factories import JournalEntryFactory
from tests.needs.factories import NeedFactory, NeedRecipientFactory, capability_node
from tests.www.backoffice.world import world_fixture  # noqa: F401

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


def _entry(world, **kwargs):
    return JournalEntryFactory(network=world["a"], establishment=world["own"], **kwargs)


def test_animator_logs_a_visit_with_a_follow_up_and_finds_it_to_do(client, world):
    client.force_login(world["animator_a"])
    capability_node("proc.test.welding")
    form = client.get("/animation/reseau-a/journal/nouvelle-entree/").content.decode()
    assert "Tôlerie Kieffer" in form and "Usinage Vogel" not in form  # the network's companies only
    response = client.post(
        "/animation/reseau-a/journal/nouvelle-entree/",
        {
            "establishment": world["own"].pk, "occurred_on": TODAY.isoformat(), "kind": EntryKind.VISIT,
            "people_met": "Anne Muller", "theme": Theme.ENERGY, "capability": "proc.test.welding",
            "notes": "Four à changer.", "follow_up_on": (TODAY - DAY).isoformat(),
            "follow_up_owner": world["animator_a"].pk, "confidentiality": Confidentiality.ANIMATORS,
        },
    )  # fmt: skip
    assert response.status_code == 302 and response["Location"] == "/animation/reseau-a/journal/"
    entry = JournalEntry.objects.get()
    assert entry.author == world["animator_a"] and entry.capabilities.get().code == "proc.test.welding"
    members = client.get("/animation/reseau-a/membres/").content.decode()
    assert "Relances à faire" in members and "en retard" in members and "Tôlerie Kieffer" in members
    page = client.get("/animation/reseau-a/journal/?relances=on").content.decode()
    assert "Four" not in page  # the list shows no notes; the company's timeline does
    assert 'data-figure="visits">1<' in page


def test_refused_entry_shows_the_form_again(client, world):
    client.force_login(world["animator_a"])
    response = client.post(
        "/animation/reseau-a/journal/nouvelle-entree/",
        {"establishment": world["own"].pk, "occurred_on": TODAY.isoformat(), "kind": EntryKind.CALL,
         "follow_up_done": "on", "confidentiality": Confidentiality.ANIMATORS},
    )  # fmt: skip
    assert response.status_code == 200
    assert response.context["form"].errors["follow_up_on"]
    assert not JournalEntry.objects.exists()


def test_entry_without_follow_up_date_ignores_the_prefilled_owner(client, world):
    client.force_login(world["animator_a"])
    form = client.get("/animation/reseau-a/journal/nouvelle-entree/")
    assert form.context["form"].initial["follow_up_owner"] == world["animator_a"]
    response = client.post(
        "/animation/reseau-a/journal/nouvelle-entree/",
        {"establishment": world["own"].pk, "occurred_on": TODAY.isoformat(), "kind": EntryKind.CALL,
         "follow_up_owner": world["animator_a"].pk, "confidentiality": Confidentiality.ANIMATORS},
    )  # fmt: skip
    assert response.status_code == 302
    entry = JournalEntry.objects.get()
    assert entry.follow_up_on is None and entry.follow_up_owner is None


def test_another_networks_company_cannot_be_posted(client, world):
    client.force_login(world["animator_a"])
    client.post(
        "/animation/reseau-a/journal/nouvelle-entree/",
        {"establishment": world["elsewhere"].pk, "occurred_on": TODAY.isoformat(), "kind": EntryKind.CALL,
         "confidentiality": Confidentiality.ANIMATORS},
    )  # fmt: skip
    assert not JournalEntry.objects.exists()


def test_filters_and_pagination(client, world):
    client.force_login(world["animator_a"])
    for day in range(55):
        _entry(world, kind=EntryKind.CALL, occurred_on=TODAY - day * DAY)
    _entry(world, kind=EntryKind.VISIT, theme=Theme.LEAN, occurred_on=TODAY - 100 * DAY)
    page = client.get("/animation/reseau-a/journal/").context["page"]
    assert page.paginator.count == 56 and len(page) == 50
    assert client.get("/animation/reseau-a/journal/?page=2").context["page"].number == 2
    found = client.get("/animation/reseau-a/journal/?nature=visit&theme=lean").context["page"]
    assert [entry.kind for entry in found] == [EntryKind.VISIT]
    since = (TODAY - 9 * DAY).isoformat()
    assert client.get(f"/animation/reseau-a/journal/?du={since}").context["page"].paginator.count == 10
    empty = client.get("/animation/reseau-a/journal/?entreprise=Vogel").content.decode()
    assert "Aucune entrée ne correspond à ces filtres." in empty


def test_journal_page_queries_do_not_grow_with_its_entries(client, world, django_assert_max_num_queries):
    """Owners, authors, companies and capabilities come with the page, not one query per row."""
    client.force_login(world["animator_a"])

    def add(count):
        for _ in range(count):
            entry = _entry(world, follow_up_on=TODAY, follow_up_owner=world["animator_a"], theme=Theme.LEAN)
            entry.capabilities.set([capability_node()])

    add(1)
    with django_assert_max_num_queries(100) as few:
        client.get("/animation/reseau-a/journal/")
    add(20)
    with django_assert_max_num_queries(len(few)):
        client.get("/animation/reseau-a/journal/")


def test_csv_export_follows_the_filters(client, world):
    client.force_login(world["animator_a"])
    visit = _entry(
        world, kind=EntryKind.VISIT, people_met="=HYPERLINK(1)", notes="Ligne 1\nligne 2",
        follow_up_on=TODAY, follow_up_owner=world["animator_a"], author=world["animator_a"],
    )  # fmt: skip
    visit.capabilities.set([capability_node("proc.test.a"), capability_node("proc.test.b")])
    _entry(world, kind=EntryKind.CALL)
    JournalEntryFactory(network=world["b"], establishment=world["elsewhere"])
    response = client.get("/animation/reseau-a/journal/?nature=visit&format=csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    text = response.content.decode("utf-8")
    assert text.startswith(BOM + "Date;Nature;Entreprise;SIRET;")
    lines = text.removeprefix(BOM).strip().split("\r\n")
    assert len(lines) == 2  # the header, then the visit: its notes' line break stays quoted in its cell
    assert '"Ligne 1\nligne 2"' in lines[1]
    assert "Visite d’entreprise;Tôlerie Kieffer;" in text and "'=HYPERLINK(1)" in text
    assert ";Libellé proc.test.a, Libellé proc.test.b;" in lines[1]
    owner = world["animator_a"].get_full_name()
    assert f";{owner};non;Animateurs du réseau seulement;animatrice-a@example.org" in lines[1]
    assert "Usinage Vogel" not in text


def test_company_timeline_mixes_entries_and_needs_newest_first(client, world):
    client.force_login(world["animator_a"])
    old = _entry(world, occurred_on=TODAY - 30 * DAY, notes="Première visite")
    _entry(world, occurred_on=TODAY, kind=EntryKind.CALL, notes="Appel de suivi")
    posted = NeedFactory(
        network=world["a"], author=world["member"], author_establishment=world["own"], status="open",
        title="Besoin de découpe laser", created_at=timezone.now() - 10 * DAY,
    )  # fmt: skip
    received = NeedFactory(network=world["a"], status="open", title="Besoin reçu par Kieffer")
    NeedRecipientFactory(need=received, establishment=world["own"])
    NeedFactory(
        network=world["a"], author=world["member"], author_establishment=world["own"], title="Brouillon"
    )
    response = client.get(f"/animation/reseau-a/journal/entreprise/{world['own'].siret}/")
    content = response.content.decode()
    assert (
        content.index("Appel de suivi")
        < content.index("Besoin de découpe laser")
        < content.index("Première visite")
    )
    assert "Besoin reçu par Kieffer" in content and "Brouillon" not in content
    member_page = f"/animation/reseau-a/membres/{world['own'].siret}/"
    assert f'href="{member_page}"' in content
    assert (
        f'href="/animation/reseau-a/journal/entreprise/{world["own"].siret}/"'
        in client.get(member_page).content.decode()
    )
    assert old.notes in content and posted.title in content


def test_company_timeline_shows_the_relations_the_animator_may_see(client, world):
    from maillage.relations.models import SupplyRelation

    client.force_login(world["animator_a"])
    for name, level in (("Client réseau", "network"), ("Client secret", "parties")):
        SupplyRelation.objects.create(
            supplier=world["own"], client_name=name, source="ledger", confidentiality=level
        )
    content = client.get(f"/animation/reseau-a/journal/entreprise/{world['own'].siret}/").content.decode()
    assert "fournisseur de Client réseau" in content
    assert "Client secret" not in content


def test_follow_up_marked_done_from_the_list(client, world):
    client.force_login(world["animator_a"])
    entry = _entry(world, follow_up_on=TODAY)
    response = client.post(
        f"/animation/reseau-a/journal/{entry.pk}/relance/",
        {"fait": "1", "suivant": "/animation/reseau-a/membres/"},
    )
    assert response["Location"] == "/animation/reseau-a/membres/"
    assert JournalEntry.objects.get(pk=entry.pk).follow_up_done
    # A next page outside the network's back-office is ignored.
    response = client.post(
        f"/animation/reseau-a/journal/{entry.pk}/relance/", {"fait": "0", "suivant": "//evil.example/"}
    )
    assert response["Location"] == "/animation/reseau-a/journal/"
    assert not JournalEntry.objects.get(pk=entry.pk).follow_up_done


def test_edit_and_delete_go_back_to_the_company(client, world):
    client.force_login(world["animator_a"])
    entry = _entry(world)
    keep = capability_node("proc.test.kept")
    entry.capabilities.set([capability_node("proc.test.first"), keep])
    form = client.get(f"/animation/reseau-a/journal/{entry.pk}/modifier/?retour=entreprise")
    assert form.context["form"].initial["capability"] == "Libellé proc.test.first"
    response = client.post(
        f"/animation/reseau-a/journal/{entry.pk}/modifier/",
        {"establishment": world["own"].pk, "occurred_on": TODAY.isoformat(), "kind": EntryKind.EMAIL,
         "capability": "", "confidentiality": Confidentiality.COMPANY, "retour": "entreprise"},
    )  # fmt: skip
    assert response["Location"] == f"/animation/reseau-a/journal/entreprise/{world['own'].siret}/"
    entry.refresh_from_db()
    assert entry.kind == EntryKind.EMAIL and list(entry.capabilities.all()) == [keep]
    client.post(f"/animation/reseau-a/journal/{entry.pk}/supprimer/")
    assert not JournalEntry.objects.exists()


# --- Attacks ---------------------------------------------------------------------------------


def test_animator_of_network_b_cannot_read_nor_change_network_a_entries(client, world):
    entry = _entry(world, notes="Secret de A", follow_up_on=TODAY)
    client.force_login(world["animator_b"])
    siret = world["own"].siret
    for path in (
        "/animation/reseau-a/journal/", "/animation/reseau-a/journal/?format=csv",
        f"/animation/reseau-a/journal/{entry.pk}/modifier/",
        f"/animation/reseau-a/journal/entreprise/{siret}/",
    ):  # fmt: skip
        assert client.get(path).status_code == 403, path
    # Network A's entry, or company, through network B's own URLs: not found.
    assert client.get(f"/animation/reseau-b/journal/{entry.pk}/modifier/").status_code == 404
    assert client.get(f"/animation/reseau-b/journal/entreprise/{siret}/").status_code == 404
    assert client.post(f"/animation/reseau-b/journal/{entry.pk}/supprimer/").status_code == 404
    assert client.post(f"/animation/reseau-b/journal/{entry.pk}/relance/").status_code == 404
    client.post(
        f"/animation/reseau-b/journal/{entry.pk}/modifier/",
        {"establishment": world["own"].pk, "occurred_on": TODAY.isoformat(), "kind": "call",
         "confidentiality": "animators", "notes": "écrasé"},
    )  # fmt: skip
    entry.refresh_from_db()
    assert entry.notes == "Secret de A" and not entry.follow_up_done
    assert "Secret de A" not in client.get("/animation/reseau-b/journal/?format=csv").content.decode()


@pytest.mark.parametrize("confidentiality", [Confidentiality.ANIMATORS, Confidentiality.COMPANY])
def test_member_never_sees_the_journal(client, world, confidentiality):
    """Even an entry « shared with the company »: no member-side page shows the journal yet."""
    entry = _entry(world, notes="Note de l’animatrice", confidentiality=confidentiality)
    client.force_login(world["member"])
    for path in (
        "/animation/reseau-a/journal/", f"/animation/reseau-a/journal/entreprise/{world['own'].siret}/",
        f"/animation/reseau-a/journal/{entry.pk}/modifier/",
    ):  # fmt: skip
        assert client.get(path).status_code == 403, path
    for path in (f"/etablissements/{world['own'].siret}/", "/mon-entreprise/", "/"):
        assert "Note de l’animatrice" not in client.get(path).content.decode(), path


def test_journal_page_in_english(client, world):
    client.force_login(world["animator_a"])
    _entry(world, follow_up_on=TODAY - DAY)
    content = client.get("/animation/reseau-a/journal/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Follow-ups to do" in content and "Company visits" in content and "overdue" in content


def test_contacts_met_are_the_chosen_company_s_and_reach_the_timeline_and_csv(client, world):
    from maillage.directory.models import Contact

    anne = Contact.objects.create(
        network=world["a"], establishment=world["own"], first_name="Anne", last_name="Muller", role="hr"
    )
    # Another network's contact of a company that is also a member of network B: never offered.
    Contact.objects.create(network=world["b"], establishment=world["elsewhere"], last_name="Secret")
    client.force_login(world["animator_a"])
    fragment = client.get(
        f"/animation/reseau-a/journal/contacts/?establishment={world['own'].pk}"
    ).content.decode()
    assert "Anne Muller" in fragment and "Ressources humaines" in fragment
    foreign = client.get(f"/animation/reseau-a/journal/contacts/?establishment={world['elsewhere'].pk}")
    assert foreign.status_code == 200 and "Secret" not in foreign.content.decode()
    assert "Aucun contact" in foreign.content.decode()
    form = client.get(f"/animation/reseau-a/journal/nouvelle-entree/?siret={world['own'].siret}")
    assert "Anne Muller" in form.content.decode()  # prefilled company: its contacts are offered at once
    response = client.post(
        "/animation/reseau-a/journal/nouvelle-entree/",
        {"establishment": world["own"].pk, "occurred_on": TODAY.isoformat(), "kind": EntryKind.VISIT,
         "contacts": [anne.pk], "people_met": "Le chef d’atelier",
         "confidentiality": Confidentiality.ANIMATORS},
    )  # fmt: skip
    assert response.status_code == 302
    assert list(JournalEntry.objects.get().contacts.all()) == [anne]
    timeline = client.get(f"/animation/reseau-a/journal/entreprise/{world['own'].siret}/").content.decode()
    assert "Anne Muller (Ressources humaines), Le chef d’atelier" in timeline
    csv = client.get("/animation/reseau-a/journal/?format=csv").content.decode("utf-8-sig")
    assert "Anne Muller (Ressources humaines); Le chef d’atelier" in csv


def test_contact_of_another_company_posted_is_refused_on_the_form(client, world):
    from maillage.directory.models import Contact
    from tests.directory.factories import EstablishmentFactory

    neighbour = EstablishmentFactory(name="Fonderie Roth", member_of=world["a"])
    klein = Contact.objects.create(network=world["a"], establishment=neighbour, last_name="Klein")
    client.force_login(world["animator_a"])
    response = client.post(
        "/animation/reseau-a/journal/nouvelle-entree/",
        {"establishment": world["own"].pk, "occurred_on": TODAY.isoformat(), "kind": EntryKind.CALL,
         "contacts": [klein.pk], "confidentiality": Confidentiality.ANIMATORS},
    )  # fmt: skip
    assert response.status_code == 200 and response.context["form"].errors["contacts"]
    assert not JournalEntry.objects.exists()
