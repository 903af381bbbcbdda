"""Queue tasks for the accounts app (Huey): thin, each sends one e-mail at most once, so the
queue may retry it after an SMTP error."""

from django.conf import settings
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from maillage.accounts import account_services, mails
from maillage.accounts.services import signups_unconfirmed_delete


@db_task(retries=5, retry_delay=settings.NEEDS_TASK_RETRY_DELAY)
def email_task(kind: str, pk: int, key: str) -> bool:
    return mails.send(kind, pk, key)


@db_task(retries=5, retry_delay=settings.NEEDS_TASK_RETRY_DELAY)
def account_email_send_task(email_id: int) -> bool:
    return account_services.account_email_send(email_id=email_id)


@db_periodic_task(crontab(minute="17", hour="3"))
def signups_unconfirmed_delete_task() -> int:
    return signups_unconfirmed_delete()
