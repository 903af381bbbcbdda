"""The whole need journey in a real browser (issue 6): a member posts a need with three
capabilities, the consortium builder proposes a group, the group is invited, two companies
answer from their inbox, the author closes the need and records the outcome, and the network's
figures change.

Nothing is mocked: the shipped taxonomy, a search index built from the factory world, the
exact consortium solver, and Huey in immediate mode (tasks run inline once the web request's
transaction commits, as ``config/settings/test.py`` sets it).
"""

import datetime
import re

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from maillage.needs.models import Answer, Need, NeedStatus
from maillage.taxonomy.loader import read_taxonomy
from maillage.taxonomy.services import taxonomy_load
from tests.browser.conftest import login
from tests.www.needs.world import PASSWORD, build_needs_world

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def world(settings, tmp_path):
    taxonomy_load(data=read_taxonomy(), dry_run=False)
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SEARCH_INDEX_DIR = tmp_path / "index"
    return build_needs_world(tmp_path / "index")


def as_user(page, email):
    page.context.clear_cookies()
    login(page, email, PASSWORD)


def figure(page, name):
    return page.locator(f'[data-figure="{name}"]')


def test_need_journey_from_posting_to_the_network_figures(page, world, axe):
    as_user(page, world["animator"].email)
    page.goto("/besoins/reseau/reseau-a/chiffres/")
    expect(figure(page, "kept")).to_have_text(re.compile(r"^0\s*€$"))
    expect(figure(page, "answered")).to_have_text("0")

    # 1. The member posts a draft with three capabilities (the datalist suggests while typing).
    as_user(page, world["author"].email)
    page.goto("/besoins/nouveau/")
    page.get_by_label("Titre").fill("Châssis mécano-soudés")
    page.get_by_label("Description").fill("Dix châssis par mois, acier S235, peints.")
    page.locator("#id_capabilities-0-node").press_sequentially("découpe las", delay=20)
    expect(page.locator("#options-capability option").first).to_be_attached()
    page.locator("#id_capabilities-0-node").fill("Découpe laser")
    page.locator("#id_capabilities-0-quantity").fill("200")
    page.locator("#id_capabilities-0-unit").fill("pièces / mois")
    page.locator("#id_capabilities-1-node").fill("Pliage")
    page.locator("#id_capabilities-2-node").fill("Soudage TIG")
    page.get_by_label("Lieu de réalisation").fill("Strasbourg")
    deadline = timezone.localdate() + datetime.timedelta(days=15)
    page.get_by_label("Date limite de réponse").fill(deadline.isoformat())
    assert axe(page) == []
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Châssis mécano-soudés")
    expect(page.locator(".need-status")).to_contain_text("Brouillon")
    need = Need.objects.get()
    assert need.capabilities.count() == 3 and not mail.outbox

    # 2. The consortium builder proposes a group: who covers what, with its proof.
    page.get_by_role("link", name="Constituer un groupement").click()
    page.get_by_role("button", name="Proposer des groupements").click()
    best = page.locator(".need-group").first
    expect(best).to_contain_text("Meilleur groupement")
    expect(best).to_contain_text("Tôlerie Kieffer")
    expect(best).to_contain_text("Soudure Roth")
    expect(page.get_by_text("Meilleure combinaison trouvée :")).to_be_visible()
    assert axe(page) == []

    # 3. Inviting the group opens the need for its two companies only.
    best.get_by_role("button", name="Inviter ce groupement").click()
    expect(page.locator(".need-status")).to_contain_text("Ouvert")
    expect(page.get_by_text("Le groupement est invité")).to_be_visible()
    need.refresh_from_db()
    assert need.status == NeedStatus.OPEN
    reached = set(need.recipients.values_list("establishment__name", flat=True))
    assert reached == {"Tôlerie Kieffer", "Soudure Roth"}
    assert {m.to[0] for m in mail.outbox} == {"kieffer@example.org", "roth@example.org"}

    # 4. Two companies answer from their inbox.
    for key, message in (("kieffer", "Découpe et pliage en interne."), ("roth", "Soudure TIG, disponible.")):
        as_user(page, world[f"{key}_user"].email)
        page.goto("/besoins/recus/")
        card = page.locator(".card", has_text="Châssis mécano-soudés")
        card.get_by_role("radio", name="Intéressée", exact=True).check()
        card.get_by_label("Message ou question").fill(message)
        card.get_by_role("button", name="Envoyer ma réponse").click()
        expect(page.get_by_text("Votre réponse est transmise")).to_be_visible()
    assert need.recipients.filter(answer=Answer.INTERESTED).count() == 2

    # 5. The author sees answers and contacts, and records the outcome.
    as_user(page, world["author"].email)
    page.goto(f"/besoins/{need.pk}/")
    expect(page.get_by_text("Soudure TIG, disponible.")).to_be_visible()
    expect(page.get_by_role("link", name="roth@example.org")).to_be_visible()
    assert axe(page) == []
    # The outcome is asked of a closed need (issue 14): the author closes it as awarded first.
    expect(page.get_by_role("button", name="Enregistrer le bilan")).to_have_count(0)
    page.locator('input[name="closing"][value="awarded"]').check()
    page.get_by_role("button", name="Clore", exact=True).click()
    expect(page.locator(".need-status")).to_contain_text("Attribué")
    page.locator('input[name="awarded"][value="yes"]').check()
    page.locator('input[name="contracted_local"][value="yes"]').check()
    page.get_by_label("Montant confié (€)").fill("48000")
    page.get_by_role("button", name="Enregistrer le bilan").click()
    expect(page.locator(".need-status")).to_contain_text("Attribué")

    # 6. The network's figures changed.
    as_user(page, world["animator"].email)
    page.goto("/besoins/reseau/reseau-a/chiffres/")
    expect(figure(page, "kept")).to_have_text(re.compile(r"^48\s?000\s*€$"))
    expect(figure(page, "answered")).to_have_text("1")
    expect(figure(page, "reached")).to_have_text("2")
