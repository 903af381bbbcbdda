"""Queue tasks for account e-mails (Huey): idempotent, each e-mail sent at most once."""

from django.conf import settings
from huey.contrib.djhuey import db_task

from maillage.accounts import account_services


@db_task(retries=5, retry_delay=settings.NEEDS_TASK_RETRY_DELAY)
def account_email_send_task(email_id: int) -> bool:
    return account_services.account_email_send(email_id=email_id)
