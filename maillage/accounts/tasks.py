"""Queue tasks for the accounts app (Huey): thin, each sends one e-mail of ``mails`` at most once,
so the queue may retry it after an SMTP error."""

from django.conf import settings
from huey.contrib.djhuey import db_task

from maillage.accounts import mails


@db_task(retries=5, retry_delay=settings.NEEDS_TASK_RETRY_DELAY)
def email_task(kind: str, pk: int, key: str) -> bool:
    return mails.send(kind, pk, key)
