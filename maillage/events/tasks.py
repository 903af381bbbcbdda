"""Queue tasks for events (Huey). Thin, each calls one function by id; every one is idempotent
(``sending``, ``maillage.delivery``), so the queue may retry it."""

from django.conf import settings
from huey.contrib.djhuey import db_task

from maillage.events import sending

RETRIES = 5
RETRY_DELAY = settings.NEEDS_TASK_RETRY_DELAY


@db_task(retries=RETRIES, retry_delay=RETRY_DELAY)
def registration_send_task(registration_id: int, kind: str, key: str = "") -> bool:
    return sending.registration_send(registration_id=registration_id, kind=kind, key=key)
