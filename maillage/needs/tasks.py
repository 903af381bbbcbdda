"""Queue tasks for needs (Huey). Thin: each calls one function of ``sending`` by id.

Every task is idempotent (see ``sending`` and ``delivery``), so the queue may retry it: a
retry after an SMTP error sends what the failed run did not, and nothing twice.
Retries wait ``NEEDS_TASK_RETRY_DELAY`` seconds (a minute by default).
"""

from django.conf import settings
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from maillage.needs import sending

RETRIES = 5
RETRY_DELAY = settings.NEEDS_TASK_RETRY_DELAY


@db_task(retries=RETRIES, retry_delay=RETRY_DELAY)
def need_send_batch_task(need_id: int, batch: int) -> int:
    return sending.need_send_batch(need_id=need_id, batch=batch)


@db_task(retries=RETRIES, retry_delay=RETRY_DELAY)
def need_remind_task(need_id: int) -> int:
    return sending.need_remind(need_id=need_id)


@db_task(retries=RETRIES, retry_delay=RETRY_DELAY)
def need_request_outcome_task(need_id: int) -> int:
    return sending.need_request_outcome(need_id=need_id)


@db_task(retries=RETRIES, retry_delay=RETRY_DELAY)
def need_notify_answer_task(recipient_id: int, stage: str) -> int:
    return sending.need_notify_answer(recipient_id=recipient_id, stage=stage)


@db_periodic_task(crontab(minute="*/5"))
def needs_tick_task() -> dict:
    return sending.needs_tick()
