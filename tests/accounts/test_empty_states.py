"""Empty lists say so and say what to do next (issue 14): no empty table, no « 0 relations ».

Each page of the permission matrix's world that lists something is opened while its list is
empty, by a role that may open it: it shows the empty state's sentence (and its action when it
has one), never a table or a list without rows.
"""

from __future__ import annotations

import html
import re

import pytest

from maillage.needs.models import DeliveryKind, Notification
from tests.needs.factories import NeedFactory

pytestmark = pytest.mark.django_db

EMPTY_TABLE = re.compile(r"<tbody>\s*</tbody>")
EMPTY_LIST = re.compile(r'<ul class="card-list">\s*</ul>')

# (role, path, sentence, action href or None)
CASES = [
    (
        "visitor",
        "/relations/",
        "Aucune relation visible pour l’instant.",
        "/compte/connexion/?next=/relations/",
    ),
    ("member", "/relations/", "Aucune relation visible pour l’instant.", "/relations/declarer/"),
    ("animator_a", "/relations/", "Aucune relation visible pour l’instant.", "/relations/declarer/"),
    (
        "member",
        "/relations/?q=inconnu",
        "Aucune relation visible ne correspond à ces filtres.",
        "/relations/",
    ),
    ("visitor", "/besoins/", "Aucun besoin public pour l’instant.", "/compte/connexion/?next=/besoins/"),
    ("member", "/besoins/", "Aucun besoin à afficher pour l’instant.", "/besoins/nouveau/"),
    ("member", "/besoins/?q=inconnu", "Aucun besoin ne correspond à ces filtres.", "/besoins/"),
    ("member", "/besoins/recus/", "Aucun besoin reçu pour l’instant.", "/besoins/"),
    ("member", "/besoins/notifications/", "Aucune notification pour l’instant.", "/besoins/"),
    (
        "animator_a",
        "/animation/reseau-a/membres/?q=inconnu",
        "Aucun établissement ne correspond à ces filtres.",
        "/animation/reseau-a/membres/",
    ),
    ("animator_a", "/animation/reseau-a/invitations/", "Aucune invitation envoyée pour l’instant.", None),
    ("animator_a", "/animation/reseau-a/revendications/", "Aucune demande en attente.", None),
    ("animator_a", "/animation/reseau-a/rattachements/", "Aucun rattachement à valider", None),
    (
        "animator_a",
        "/animation/reseau-a/rattachements/?statut=mapped",
        "Aucun rattachement ne correspond à ces filtres.",
        "/animation/reseau-a/rattachements/",
    ),
    ("animator_a", "/animation/reseau-a/taxonomie/", "Aucune proposition du réseau pour l’instant.", None),
    ("admin", "/animation/propositions-taxonomie/", "Aucune proposition en attente.", None),
    ("animator_a", "/relations/rapprochements/reseau-a/", "Aucun fournisseur à rattacher.", None),
]


@pytest.mark.parametrize(
    ("role", "path", "sentence", "action"), CASES, ids=lambda v: v if isinstance(v, str) else ""
)
def test_an_empty_list_shows_its_empty_state(client, world, role, path, sentence, action):
    if world[role] is not None:
        client.force_login(world[role])
    response = client.get(path)
    assert response.status_code == 200
    body = response.content.decode()
    main = re.search(r"<main\b.*?</main>", body, re.S).group(0)
    assert sentence in html.unescape(main)
    if action is not None:
        assert f'class="button button--secondary" href="{action}"' in main
    assert not EMPTY_TABLE.search(main) and not EMPTY_LIST.search(main)
    assert not re.search(r"\b0 (relations?|établissements?|besoins?|non lues?)\b", html.unescape(main))


def test_no_unread_notification_is_said_in_words(client, world):
    client.force_login(world["member"])
    need = NeedFactory(network=world["a"], author=world["member"], author_establishment=world["own"])
    Notification.objects.create(
        user=world["member"], need=need, kind=DeliveryKind.ANSWER, read_at=need.created_at
    )
    text = html.unescape(client.get("/besoins/notifications/").content.decode())
    assert "Aucune notification non lue." in text and "0 non lue" not in text


@pytest.mark.parametrize(
    ("role", "path", "sentence"),
    [
        ("visitor", "/relations/", "No visible relation yet."),
        ("member", "/besoins/notifications/", "No notification yet."),
        ("animator_a", "/animation/reseau-a/invitations/", "No invitation sent yet."),
        ("animator_a", "/relations/rapprochements/reseau-a/", "No supplier to match."),
    ],
)
def test_empty_states_in_english(client, world, role, path, sentence):
    if world[role] is not None:
        client.force_login(world[role])
    body = html.unescape(client.get(path, HTTP_ACCEPT_LANGUAGE="en").content.decode())
    assert sentence in body
