"""Queue tasks for the directory (Huey): dues e-mails and the daily passage to « en retard ».

Thin, each calls one function by id; every one is idempotent (``dues_sending``,
``maillage.delivery``), so the queue may retry it.
"""

from django.conf import settings
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from maillage.directory import dues_sending

RETRIES = 5
RETRY_DELAY = settings.NEEDS_TASK_RETRY_DELAY


@db_task(retries=RETRIES, retry_delay=RETRY_DELAY)
def dues_send_task(dues_id: int, kind: str, stage: str = "") -> int:
    return dues_sending.dues_send(dues_id=dues_id, kind=kind, stage=stage)


@db_periodic_task(crontab(hour="6", minute="10"))
def dues_mark_late_task() -> int:
    from maillage.directory.dues import dues_mark_late  # dues queues this module's tasks

    return dues_mark_late()
