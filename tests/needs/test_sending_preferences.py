import datetime

import pytest
from django.core import mail
from django.utils import timezone

from maillage.accounts.models import EmailKind
from maillage.needs.models import DeliveryKind, NetworkNeedSettings, Notification
from maillage.needs.services import CapabilityInput, need_create, need_open
from tests.directory.factories import NetworkFactory
from tests.needs.factories import capability_node, member

pytestmark = pytest.mark.django_db


def test_a_user_who_turned_need_emails_off_gets_the_notification_only_and_others_their_language(
    fake_candidates, django_capture_on_commit_callbacks
):
    network = NetworkFactory()
    NetworkNeedSettings.objects.create(network=network, batch_size=3, batch_delay_hours=24, interest_target=2)
    author, establishment = member(network, email="auteur@example.org")
    muted, muted_company = member(network, email="muet@example.org")
    english, english_company = member(network, email="english@example.org")
    muted.muted_emails = [EmailKind.NEED_RECEIVED]
    muted.save()
    english.language = "en"
    english.save()
    fake_candidates([muted_company, english_company])
    need = need_create(
        author=author, network=network, author_establishment=establishment, kind="part",
        title="Fraisage de carters", capabilities=[CapabilityInput(capability_node().code)],
        deadline=timezone.localdate() + datetime.timedelta(days=20),
    )  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        need_open(need=need, actor=author)
    assert [m.to for m in mail.outbox] == [["english@example.org"]]
    assert mail.outbox[0].subject == "A need for you: Fraisage de carters"
    assert "Choose the e-mails you receive: http" in mail.outbox[0].body
    notified = set(
        Notification.objects.filter(kind=DeliveryKind.INVITATION).values_list("user__email", flat=True)
    )
    assert notified == {"muet@example.org", "english@example.org"}
