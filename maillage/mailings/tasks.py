"""Queue tasks for the network's e-mails to contacts (Huey). Idempotent: a retry sends only the
copies not sent yet (``maillage.delivery``)."""

from django.conf import settings
from huey.contrib.djhuey import db_task

from maillage.mailings import services


@db_task(retries=5, retry_delay=settings.NEEDS_TASK_RETRY_DELAY)
def mailing_send_task(mailing_id: int) -> int:
    return services.mailing_send(mailing_id=mailing_id)
