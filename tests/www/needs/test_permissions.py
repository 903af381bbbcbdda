"""Need pages refuse what the need's rules refuse, and a refused write changes nothing."""

import pytest
from django.urls import reverse

from maillage.needs import services
from maillage.needs.models import Answer, NeedStatus, NeedVisibility
from tests.profiles import conftest as profiles_conftest
from tests.taxonomy.shipped import shipped_taxonomy_fixture
from tests.www.needs import world as world_module
from tests.www.needs.test_pages import make_need

pytestmark = pytest.mark.django_db
_shipped_taxonomy_loaded = shipped_taxonomy_fixture("module")
taxonomy = profiles_conftest.taxonomy
needs_world = world_module.needs_world


@pytest.fixture
def open_need(needs_world, django_capture_on_commit_callbacks):
    need = make_need(needs_world, open_it=True, capture=django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        services.need_answer(
            need=need, actor=needs_world["roth_user"], answer=Answer.QUESTION, message="Secret de Roth"
        )
    return need


def test_a_supplier_never_reads_another_company_answer(client, needs_world, open_need):
    client.force_login(needs_world["kieffer_user"])
    for url in (reverse("needs:detail", args=[open_need.pk]), reverse("needs:inbox")):
        page = client.get(url)
        assert page.status_code == 200 and "Secret de Roth" not in page.content.decode()
    assert client.get(reverse("needs:consortium", args=[open_need.pk])).status_code == 403


def test_refused_writes_change_nothing(client, needs_world, open_need):
    client.force_login(needs_world["kieffer_user"])
    for name, data in (
        ("needs:close", {"closing": "cancelled"}),
        ("needs:outcome", {"awarded": "yes", "contracted_local": "yes", "amount": "10"}),
        ("needs:edit", {"title": "Piraté"}),
    ):
        assert client.post(reverse(name, args=[open_need.pk]), data).status_code == 403
    client.force_login(needs_world["outsider"])
    assert (
        client.post(reverse("needs:answer", args=[open_need.pk]), {"answer": "interested"}).status_code == 403
    )
    open_need.refresh_from_db()
    assert open_need.status == NeedStatus.OPEN and open_need.outcome_amount is None
    assert open_need.title == "Châssis mécano-soudé"
    assert open_need.recipients.filter(answer=Answer.INTERESTED).count() == 0


def test_private_need_is_hidden_from_members_who_were_not_chosen(client, needs_world):
    need = make_need(
        needs_world, visibility=NeedVisibility.CHOSEN, chosen_establishments=[needs_world["roth"]]
    )
    services.need_open(need=need, actor=needs_world["author"])
    client.force_login(needs_world["vogel_user"])  # a member of the same network, not chosen
    assert client.get(reverse("needs:detail", args=[need.pk])).status_code == 403
    assert need.title not in client.get(reverse("needs:list")).content.decode()
    client.force_login(needs_world["roth_user"])
    assert client.get(reverse("needs:detail", args=[need.pk])).status_code == 200
    client.logout()
    response = client.get(reverse("needs:detail", args=[need.pk]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


def test_another_network_animator_sees_nothing_private(client, needs_world, open_need):
    client.force_login(needs_world["other_animator"])
    assert client.get(reverse("needs:detail", args=[open_need.pk])).status_code == 403
    assert client.get(reverse("needs:figures", args=["reseau-a"])).status_code == 403
    assert client.get(reverse("needs:figures", args=["reseau-b"])).status_code == 200
