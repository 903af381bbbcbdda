"""Need pages: posting, opening, answering, outcome, inbox, notifications, figures."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from maillage.needs import services
from maillage.needs.errors import NeedValidationError
from maillage.needs.models import Answer, Need, NeedStatus, NeedVisibility, NetworkNeedSettings, Notification
from maillage.needs.selectors import network_need_figures
from maillage.www.typography import NBSP
from tests.profiles import conftest as profiles_conftest
from tests.taxonomy.shipped import shipped_taxonomy_fixture
from tests.www.needs import world as world_module
from tests.www.needs.world import BENDING, LASER, TIG

pytestmark = pytest.mark.django_db
_shipped_taxonomy_loaded = shipped_taxonomy_fixture("module")
taxonomy = profiles_conftest.taxonomy
needs_world = world_module.needs_world

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _deadline(days=20):
    return (timezone.localdate() + datetime.timedelta(days=days)).isoformat()


def form_data(world, **overrides):
    data = {
        "network": world["network"].pk,
        "author_establishment": world["author_establishment"].pk,
        "kind": "part",
        "title": "Châssis mécano-soudé",
        "description": "Dix châssis par mois, acier S235.",
        "certifications": "",
        "commune": "Strasbourg",
        "max_distance_km": "",
        "deadline": _deadline(),
        "budget_min": "",
        "budget_max": "",
        "visibility": "members",
        "chosen": "",
        "capabilities-TOTAL_FORMS": "3",
        "capabilities-INITIAL_FORMS": "0",
        "capabilities-0-node": "Découpe laser",
        "capabilities-0-quantity": "200",
        "capabilities-0-unit": "pièces / mois",
        "capabilities-1-node": "Pliage",
        "capabilities-2-node": TIG,
        "equipment-TOTAL_FORMS": "1",
        "equipment-INITIAL_FORMS": "0",
        "action": "draft",
    }
    data.update(overrides)
    return data


def post_need(client, world, **overrides):
    return client.post(reverse("needs:create"), form_data(world, **overrides))


def make_need(world, *, open_it=False, capture=None, **fields):
    need = services.need_create(
        author=world["author"],
        network=world["network"],
        author_establishment=world["author_establishment"],
        kind="part",
        title=fields.pop("title", "Châssis mécano-soudé"),
        # Wished: the suppliers each hold one part of the need (required ones filter, see below).
        capabilities=[services.CapabilityInput(code, required=False) for code in (LASER, BENDING, TIG)],
        commune="67482",
        deadline=timezone.localdate() + datetime.timedelta(days=20),
        **fields,
    )
    if open_it:
        with capture(execute=True):
            services.need_open(need=need, actor=world["author"])
        need.refresh_from_db()
    return need


def test_member_posts_a_draft_with_three_capabilities(client, needs_world):
    client.force_login(needs_world["author"])
    response = post_need(client, needs_world)
    need = Need.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("needs:detail", args=[need.pk])
    assert need.status == NeedStatus.DRAFT and need.commune.insee_code == "67482"
    rows = {row.node.code: (row.quantity, row.unit) for row in need.capabilities.select_related("node")}
    assert rows == {LASER: (Decimal("200"), "pièces / mois"), BENDING: (None, ""), TIG: (None, "")}
    assert not mail.outbox


def test_unknown_capability_is_shown_next_to_its_row_and_nothing_is_saved(client, needs_world):
    client.force_login(needs_world["author"])
    response = post_need(client, needs_world, **{"capabilities-1-node": "zzz introuvable"})
    assert response.status_code == 200
    assert "ne correspond à aucun élément de la taxonomie" in response.content.decode()
    assert response.context["capability_set"].forms[1].errors
    assert not Need.objects.exists()


def test_service_refusal_names_the_field(client, needs_world):
    client.force_login(needs_world["author"])
    response = post_need(client, needs_world, commune="", max_distance_km="50")
    assert response.status_code == 200
    assert "une distance maximale demande un lieu" in str(response.context["form"].errors["max_distance_km"])
    assert not Need.objects.exists()


def test_ambiguous_or_unknown_commune_is_refused(client, needs_world):
    client.force_login(needs_world["author"])
    response = post_need(client, needs_world, commune="Atlantide")
    assert "Commune inconnue" in str(response.context["form"].errors["commune"])


def test_saving_and_opening_sends_the_first_batch(client, needs_world, django_capture_on_commit_callbacks):
    client.force_login(needs_world["author"])
    with django_capture_on_commit_callbacks(execute=True):
        response = post_need(
            client, needs_world, action="open", **{f"capabilities-{i}-wished": "on" for i in range(3)}
        )
    need = Need.objects.get()
    assert response.status_code == 302 and need.status == NeedStatus.OPEN
    reached = set(need.recipients.values_list("establishment__name", flat=True))
    assert reached == {"Tôlerie Kieffer", "Soudure Roth", "Découpe Vogel"}
    assert {message.to[0] for message in mail.outbox} >= {"kieffer@example.org", "roth@example.org"}


def test_attachment_is_checked_by_content_and_served_to_the_inner_circle(client, needs_world):
    client.force_login(needs_world["author"])
    good = SimpleUploadedFile("plan.pdf", PDF, content_type="application/pdf")
    post_need(client, needs_world, attachments=good)
    need = Need.objects.get()
    attachment = need.attachments.get()
    assert attachment.file_type == "pdf"
    url = reverse("needs:attachment", args=[need.pk, attachment.pk])
    response = client.get(url)
    assert response.status_code == 200 and response.content == PDF
    assert response["Content-Disposition"] == 'attachment; filename="plan.pdf"'
    client.force_login(needs_world["outsider"])
    assert client.get(url).status_code == 403

    client.force_login(needs_world["author"])
    fake = SimpleUploadedFile("faux.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = post_need(client, needs_world, title="Autre", attachments=fake)
    assert response.status_code == 200
    assert "faux.pdf" in str(response.context["form"].errors["attachments"])
    assert Need.objects.count() == 1


def test_consortium_page_proposes_an_optimal_group_with_who_covers_what(client, needs_world):
    need = make_need(needs_world)
    client.force_login(needs_world["author"])
    response = client.get(reverse("needs:consortium", args=[need.pk]), {"max_partners": 5, "alternatives": 3})
    assert response.status_code == 200
    groups = response.context["groups"]
    assert response.context["proposal"].result.status == "optimal"
    best = {member["name"]: member["covers"] for member in groups[0]["members"]}
    assert set(best) == {"Tôlerie Kieffer", "Soudure Roth"}
    assert set(best["Soudure Roth"]) == {"Soudage TIG"}
    page = response.content.decode()
    assert "Meilleure combinaison trouvée" in page and "Inviter ce groupement" in page
    # The solver's figures stay in the engine: a buyer reads words, not costs and search nodes.
    assert "Coût" not in page and "nœuds" not in page and "borne" not in page
    english = client.get(
        reverse("needs:consortium", args=[need.pk]),
        {"max_partners": 5, "alternatives": 3},
        HTTP_ACCEPT_LANGUAGE="en",
    ).content.decode()
    assert "Best combination found: no other consortium does better" in english
    assert "Lead company" in english and "Meilleure" not in english
    # Without TIG welding in range, the page says which capability is missing.
    response = client.get(
        reverse("needs:consortium", args=[need.pk]),
        {"max_partners": 5, "alternatives": 1, "excluded": needs_world["roth"].siret},
    )
    assert [row["label"] for row in response.context["uncovered"]] == ["Soudage TIG"]


def test_consortium_companies_are_picked_by_name_and_a_siret_still_works(client, needs_world):
    need = make_need(needs_world)
    client.force_login(needs_world["author"])
    url = reverse("needs:consortium", args=[need.pk])
    page = client.get(url).content.decode()
    assert 'list="consortium-companies"' in page and '<option value="Soudure Roth">' in page
    by_name = client.get(url, {"max_partners": 5, "alternatives": 1, "excluded": "soudure roth"})
    assert by_name.context["form"].cleaned_data["excluded"] == {needs_world["roth"].siret}
    assert [row["label"] for row in by_name.context["uncovered"]] == ["Soudage TIG"]
    siret = needs_world["kieffer"].siret
    spaced = f"{siret[:3]} {siret[3:6]} {siret[6:9]} {siret[9:]}"
    lead = client.get(url, {"max_partners": 5, "alternatives": 1, "lead": spaced})
    assert lead.context["form"].cleaned_data["lead"] == siret
    unknown = client.get(url, {"max_partners": 5, "alternatives": 1, "lead": "Nulle Part"})
    assert unknown.context["form"].errors["lead"] == ["Aucune entreprise ne s’appelle « Nulle Part »."]


def test_consortium_partial_for_htmx(client, needs_world):
    need = make_need(needs_world)
    client.force_login(needs_world["animator"])
    response = client.get(
        reverse("needs:consortium", args=[need.pk]),
        {"max_partners": 2, "alternatives": 1},
        HTTP_HX_REQUEST="true",
    )
    page = response.content.decode()
    assert response.status_code == 200 and page.lstrip().startswith('<div id="consortium-results"')
    assert "Inviter ce groupement" not in page  # an animator proposes; the author invites


def test_inviting_a_group_sends_the_need_to_its_members_only(
    client, needs_world, django_capture_on_commit_callbacks
):
    need = make_need(needs_world)
    group = [needs_world["kieffer"], needs_world["roth"]]
    client.force_login(needs_world["author"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("needs:consortium_invite", args=[need.pk]), {"sirets": ",".join(e.siret for e in group)}
        )
    assert response.status_code == 302
    need.refresh_from_db()
    assert need.status == NeedStatus.OPEN and need.visibility == NeedVisibility.CHOSEN
    assert set(need.recipients.values_list("establishment_id", flat=True)) == {e.pk for e in group}
    assert need.capabilities.count() == 3
    assert need.history.filter(to_status=NeedStatus.OPEN, group_size=2).exists()


def test_inviting_a_group_to_an_open_need_reaches_only_those_not_yet_asked(
    client, needs_world, django_capture_on_commit_callbacks
):
    NetworkNeedSettings.objects.create(network=needs_world["network"], batch_size=1)
    need = make_need(needs_world, open_it=True, capture=django_capture_on_commit_callbacks)
    first = set(need.recipients.values_list("establishment_id", flat=True))
    assert len(first) == 1
    group = [needs_world["kieffer"], needs_world["roth"], needs_world["vogel"]]
    mail.outbox.clear()
    client.force_login(needs_world["author"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("needs:consortium_invite", args=[need.pk]), {"sirets": ",".join(e.siret for e in group)}
        )
    assert response.status_code == 302
    batches = dict(need.recipients.values_list("establishment_id", "batch"))
    assert set(batches) == {e.pk for e in group}
    assert {batches[pk] for pk in first} == {1} and set(batches.values()) == {1, 2}
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        f"{key}@example.org" for key in ("kieffer", "roth", "vogel") if needs_world[key].pk not in first
    )
    assert need.history.filter(from_status=NeedStatus.OPEN, group_size=2).exists()


def test_a_members_only_need_is_not_sent_to_a_group_with_an_outsider(
    client, needs_world, django_capture_on_commit_callbacks
):
    need = make_need(needs_world, open_it=True, capture=django_capture_on_commit_callbacks)
    before = need.recipients.count()
    with pytest.raises(NeedValidationError, match="Usinage Lutz"):
        services.need_group_invite(
            need=need,
            actor=needs_world["author"],
            establishments=[needs_world["kieffer"], needs_world["outsider_establishment"]],
        )
    assert need.recipients.count() == before


def test_supplier_answers_from_the_inbox_and_the_author_sees_answer_and_contact(
    client, needs_world, django_capture_on_commit_callbacks
):
    need = make_need(needs_world, open_it=True, capture=django_capture_on_commit_callbacks)
    client.force_login(needs_world["roth_user"])
    inbox = client.get(reverse("needs:inbox"))
    assert need.title in inbox.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("needs:answer", args=[need.pk]),
            {"answer": "interested", "message": "Disponible en mars.", "from": "inbox"},
        )
    assert response["Location"] == reverse("needs:inbox")
    row = need.recipients.get(establishment=needs_world["roth"])
    assert row.answer == Answer.INTERESTED and row.message == "Disponible en mars."
    client.force_login(needs_world["author"])
    page = client.get(reverse("needs:detail", args=[need.pk])).content.decode()
    assert "Disponible en mars." in page and "roth@example.org" in page
    assert Notification.objects.filter(user=needs_world["author"], need=need).exists()


def test_declining_without_a_reason_is_refused(client, needs_world, django_capture_on_commit_callbacks):
    need = make_need(needs_world, open_it=True, capture=django_capture_on_commit_callbacks)
    client.force_login(needs_world["vogel_user"])
    response = client.post(reverse("needs:answer", args=[need.pk]), {"answer": "declined"}, follow=True)
    assert "dites pourquoi" in response.content.decode()
    assert need.recipients.get(establishment=needs_world["vogel"]).answer == Answer.PENDING


def test_supplier_sees_only_its_own_answer(client, needs_world, django_capture_on_commit_callbacks):
    need = make_need(needs_world, open_it=True, capture=django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        services.need_answer(
            need=need, actor=needs_world["roth_user"], answer="question", message="Quel acier ?"
        )
    client.force_login(needs_world["vogel_user"])
    response = client.get(reverse("needs:detail", args=[need.pk]))
    assert [row.establishment for row in response.context["answers"]] == [needs_world["vogel"]]
    assert "Quel acier ?" not in response.content.decode()


def test_outcome_closes_the_need_and_moves_the_figures(
    client, needs_world, django_capture_on_commit_callbacks
):
    need = make_need(needs_world, open_it=True, capture=django_capture_on_commit_callbacks)
    before = network_need_figures(needs_world["network"])
    client.force_login(needs_world["author"])
    response = client.post(
        reverse("needs:outcome", args=[need.pk]),
        {"awarded": "yes", "contracted_local": "yes", "amount": "48000"},
    )
    assert response.status_code == 302
    need.refresh_from_db()
    assert need.status == NeedStatus.CLOSED and need.closing == "awarded"
    after = network_need_figures(needs_world["network"])
    assert before.business_kept_local == 0 and after.business_kept_local == Decimal("48000")
    client.force_login(needs_world["animator"])
    page = client.get(reverse("needs:figures", args=["reseau-a"])).content.decode()
    assert "48" in page and "Affaires gardées dans le territoire" in page


@pytest.mark.parametrize(
    ("state", "shown"),
    [("draft", False), ("open", False), ("awarded", True), ("not_awarded", True), ("cancelled", False)],
)
def test_the_outcome_form_is_shown_on_closed_needs_only(
    client, needs_world, django_capture_on_commit_callbacks, state, shown
):
    need = make_need(needs_world, open_it=state != "draft", capture=django_capture_on_commit_callbacks)
    if state not in ("draft", "open"):
        services.need_close(need=need, actor=needs_world["author"], closing=state)
    for role in ("author", "animator"):
        client.force_login(needs_world[role])
        page = client.get(reverse("needs:detail", args=[need.pk])).content.decode()
        assert (reverse("needs:outcome", args=[need.pk]) in page) is shown, (state, role)
        # An open need: the outcome e-mail's #bilan leads to the close form, the first step.
        assert ('id="bilan"' in page) is (shown or state == "open"), (state, role)


def test_close_as_cancelled(client, needs_world):
    need = make_need(needs_world)
    client.force_login(needs_world["animator"])
    client.post(reverse("needs:close", args=[need.pk]), {"closing": "cancelled", "note": "Doublon"})
    need.refresh_from_db()
    assert need.closing == "cancelled" and need.history.last().note == "Doublon"


def test_editing_keeps_rows_and_changes_content(client, needs_world):
    need = make_need(needs_world)
    client.force_login(needs_world["author"])
    page = client.get(reverse("needs:edit", args=[need.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'value="Découpe laser"' in html and 'value="Soudage TIG"' in html and 'value="67482"' in html
    data = form_data(needs_world, title="Châssis soudés (révisé)", **{"capabilities-2-node": ""})
    response = client.post(reverse("needs:edit", args=[need.pk]), data)
    assert response.status_code == 302, (
        response.context["form"].errors,
        response.context["capability_set"].errors,
    )
    need.refresh_from_db()
    assert need.title == "Châssis soudés (révisé)" and need.capabilities.count() == 2


def test_notifications_are_listed_and_marked_read(client, needs_world, django_capture_on_commit_callbacks):
    need = make_need(needs_world, open_it=True, capture=django_capture_on_commit_callbacks)
    user = needs_world["kieffer_user"]
    assert Notification.objects.filter(user=user, read_at__isnull=True).count() == 1
    client.force_login(user)
    page = client.get(reverse("needs:notifications"))
    assert need.title in page.content.decode() and page.context["unread"] == 1
    assert "1 non lue" in client.get("/").content.decode()  # the site header counts them
    client.post(reverse("needs:notifications_read"), {"all": "1"})
    assert not Notification.objects.filter(user=user, read_at__isnull=True).exists()
    assert "non lue" not in client.get("/").content.decode()


def test_list_shows_what_each_user_may_see(client, needs_world):
    make_need(needs_world, title="Brouillon privé")
    public = make_need(needs_world, title="Besoin public", visibility="public")
    services.need_open(need=public, actor=needs_world["author"])
    page = client.get(reverse("needs:list")).content.decode()
    assert "Besoin public" in page and "Brouillon privé" not in page
    client.force_login(needs_world["author"])
    page = client.get(reverse("needs:list")).content.decode()
    assert "Besoin public" in page and "Brouillon privé" in page


def test_user_without_a_network_cannot_post(client, needs_world):
    from tests.accounts.factories import UserFactory

    client.force_login(UserFactory())
    assert client.get(reverse("needs:create")).status_code == 403


def test_author_marks_a_capability_wished_and_finds_it_so_when_editing(client, needs_world):
    client.force_login(needs_world["author"])
    post_need(client, needs_world, **{"capabilities-1-wished": "on"})
    need = Need.objects.get()
    required = {row.node.code: row.required for row in need.capabilities.select_related("node")}
    assert required == {LASER: True, BENDING: False, TIG: True}
    form = client.get(reverse("needs:edit", args=[need.pk])).context["capability_set"]
    assert [row.initial.get("wished") for row in form.forms[:3]] == [False, True, False]
    page = client.get(reverse("needs:detail", args=[need.pk])).content.decode()
    assert "(souhaité)" in page and "(exigé)" in page


def test_a_machine_bound_is_named_by_its_label_and_read_in_french_units(client, needs_world):
    client.force_login(needs_world["author"])
    machine = {
        "equipment-0-node": "Presse hydraulique",
        "equipment-0-spec": "force nominale",
        "equipment-0-minimum": "300",
    }
    response = post_need(client, needs_world, **machine)
    need = Need.objects.get()
    assert response.status_code == 302 and need.equipment.get().spec == "force"
    page = client.get(reverse("needs:detail", args=[need.pk])).content.decode()
    assert f"Presse hydraulique (Force nominale ≥ 300{NBSP}t)" in page and "force ≥" not in page
    edit = client.get(reverse("needs:edit", args=[need.pk])).content.decode()
    assert 'value="Force nominale"' in edit
    wrong = post_need(client, needs_world, **{**machine, "equipment-0-spec": "couleur"})
    assert "n’est pas une caractéristique de cet équipement" in wrong.content.decode()


def test_chosen_companies_are_named_by_name_or_siret(client, needs_world):
    client.force_login(needs_world["author"])
    roth, kieffer = needs_world["roth"], needs_world["kieffer"]
    response = post_need(client, needs_world, visibility="chosen", chosen=f"soudure roth\n{kieffer.siret}")
    assert response.status_code == 302
    assert set(Need.objects.get().chosen_establishments.all()) == {roth, kieffer}
