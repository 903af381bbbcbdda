import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from maillage.needs.models import Answer, NeedStatus
from maillage.needs.selectors import network_need_figures
from maillage.needs.services import need_outcome_record
from tests.directory.factories import NetworkFactory
from tests.needs.factories import NeedFactory, NeedRecipientFactory, member

pytestmark = pytest.mark.django_db


def test_network_figures_count_local_business_answers_and_response_time():
    network = NetworkFactory()
    author, establishment = member(network)
    sent = timezone.now() - datetime.timedelta(days=10)
    first = NeedFactory(
        network=network, author=author, author_establishment=establishment, status=NeedStatus.OPEN
    )
    second = NeedFactory(
        network=network, author=author, author_establishment=establishment, status=NeedStatus.OPEN
    )
    NeedFactory(network=network, author=author)  # a draft counts for nothing
    NeedFactory(status=NeedStatus.OPEN, outcome_contracted_local=True, outcome_amount=999)  # another network
    for hours, answer in ((2, Answer.INTERESTED), (6, Answer.NOT_INTERESTED), (30, Answer.INTERESTED)):
        NeedRecipientFactory(
            need=first, sent_at=sent, answer=answer, answered_at=sent + datetime.timedelta(hours=hours)
        )
    NeedRecipientFactory(need=second, sent_at=sent)  # no answer yet
    empty = network_need_figures(network)
    assert empty.business_kept_local == Decimal("0") and empty.needs_with_outcome == 0

    need_outcome_record(need=first, actor=author, awarded=True, contracted_local=True, amount="48000.50")
    need_outcome_record(need=second, actor=author, awarded=False)
    figures = network_need_figures(network)
    assert figures.needs_posted == 2
    assert figures.needs_answered == 1
    assert figures.needs_with_outcome == 2
    assert figures.needs_contracted_local == 1
    assert figures.business_kept_local == Decimal("48000.50")
    assert figures.companies_reached == 4
    assert figures.answers == 3
    assert figures.median_response_hours == 6.0
