"""The animators' review queue in the admin: deciding applies the value and is remembered."""

from django.urls import reverse

from maillage.directory.models import Establishment
from maillage.imports.models import MappingDecision, MappingReview
from maillage.profiles.selectors import profile_snapshot
from tests.accounts.factories import UserFactory
from tests.imports.profiles.helpers import SIRET_A, import_profiles, row, write_csv

SIRET = SIRET_A


def _queue_one(tmp_path):
    path = write_csv(tmp_path / "a.csv", [row(siret=SIRET, name="A", capabilities="BE intégré")])
    import_profiles(path, "--wet-run")
    return MappingReview.objects.get(status=MappingReview.Status.PENDING)


def _admin_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_pending_review_is_listed_with_its_best_proposal(setting, tmp_path, client):
    review = _queue_one(tmp_path)
    page = _admin_client(client).get(reverse("admin:imports_mappingreview_changelist"))
    assert page.status_code == 200
    assert "BE intégré" in page.text and review.proposals[0]["code"] in page.text


def test_deciding_a_code_in_the_form_applies_it_to_the_profile(setting, tmp_path, client):
    review = _queue_one(tmp_path)
    url = reverse("admin:imports_mappingreview_change", args=[review.pk])
    response = _admin_client(client).post(url, {"decided_code": "svc.design"})
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.status == MappingReview.Status.MAPPED
    assert MappingDecision.objects.get().node.code == "svc.design"
    assert "svc.design" in profile_snapshot(Establishment.objects.get(siret=SIRET)).capabilities


def test_a_code_of_the_wrong_type_is_refused_with_a_message(setting, tmp_path, client):
    review = _queue_one(tmp_path)
    url = reverse("admin:imports_mappingreview_change", args=[review.pk])
    response = _admin_client(client).post(url, {"decided_code": "cert.iso9001"}, follow=True)
    assert "la colonne capabilities ne l’accepte pas" in response.text
    review.refresh_from_db()
    assert review.status == MappingReview.Status.PENDING


def test_dismiss_action_settles_the_review_without_touching_the_profile(setting, tmp_path, client):
    review = _queue_one(tmp_path)
    before = profile_snapshot(Establishment.objects.get(siret=SIRET))
    _admin_client(client).post(
        reverse("admin:imports_mappingreview_changelist"),
        {"action": "dismiss", "_selected_action": [review.pk]},
    )
    review.refresh_from_db()
    assert review.status == MappingReview.Status.DISMISSED
    assert profile_snapshot(Establishment.objects.get(siret=SIRET)) == before
