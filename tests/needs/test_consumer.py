"""The queue for real: a Huey consumer (worker and scheduler threads) on a SQLite file.

The other tests run tasks inline (immediate mode). Here a task is serialised into a
SqliteHuey file, picked up by a worker thread, fails *after* its e-mails left, is retried by
the consumer, and the second run sends nothing twice.
"""

import datetime
import time

import pytest
from django.core import mail
from django.utils import timezone
from huey.contrib.djhuey import HUEY
from huey.storage import SqliteStorage

from maillage.needs import sending, tasks
from maillage.needs.models import DeliveryState, NeedDelivery, NeedStatus
from maillage.needs.services import CapabilityInput, need_create
from tests.directory.factories import NetworkFactory
from tests.needs.factories import capability_node, member


@pytest.fixture
def sqlite_queue(tmp_path):
    immediate, storage = HUEY.immediate, HUEY.storage
    HUEY._immediate = False  # the setter would swap storages itself: we choose the file
    HUEY.storage = SqliteStorage(HUEY.name, filename=str(tmp_path / "huey.sqlite3"))
    yield HUEY
    HUEY.storage.close()
    HUEY.storage = storage
    HUEY._immediate = immediate


def _wait_for(predicate, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


@pytest.mark.django_db(transaction=True)
def test_consumer_retries_a_failed_batch_without_duplicate_emails(sqlite_queue, fake_candidates, monkeypatch):
    network = NetworkFactory()
    author, establishment = member(network)
    suppliers = [member(network, email=f"atelier{i}@example.org") for i in range(3)]
    fake_candidates([e for _u, e in suppliers])
    need = need_create(
        author=author, network=network, author_establishment=establishment, kind="tender",
        title="Appel d'offres : 3 lots de chaudronnerie",
        capabilities=[CapabilityInput(capability_node().code)],
        deadline=timezone.localdate() + datetime.timedelta(days=30),
    )  # fmt: skip
    need.status = NeedStatus.OPEN
    need.save()

    real = sending.need_send_batch
    runs = []

    def fails_once_after_sending(**kwargs):
        sent = real(**kwargs)
        runs.append(sent)
        if len(runs) == 1:
            raise RuntimeError("the worker dies after its e-mails left")
        return sent

    monkeypatch.setattr(sending, "need_send_batch", fails_once_after_sending)
    sqlite_queue.enqueue(tasks.need_send_batch_task.s(need.pk, 1, retries=2, retry_delay=0))
    assert sqlite_queue.pending_count() == 1  # serialised in the SQLite file, not run inline
    assert mail.outbox == []

    consumer = sqlite_queue.create_consumer(
        workers=1, worker_type="thread", periodic=False, initial_delay=0.05, max_delay=0.2,
        check_worker_health=False,
    )  # fmt: skip
    # The worker and scheduler threads, without the signal handlers of ``Consumer.run``.
    consumer.scheduler.start()
    for _name, worker in consumer.worker_threads:
        worker.start()
    try:
        assert _wait_for(lambda: len(runs) >= 2), runs
    finally:
        consumer.stop(graceful=True)

    assert runs == [3, 0]  # the retry found every e-mail already sent
    assert sorted(address for m in mail.outbox for address in m.to) == [
        f"atelier{i}@example.org" for i in range(3)
    ]
    assert NeedDelivery.objects.filter(need=need, state=DeliveryState.SENT).count() == 3
    assert sqlite_queue.pending_count() == 0
