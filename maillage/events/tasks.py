"""Queue tasks for events (Huey). Thin, each calls one function by id; every one is idempotent
(``sending``, ``maillage.delivery``), so the queue may retry it."""

from django.conf import settings
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

# ``registrations`` also fills ``sending.EXTRAS`` (the .ics of confirmations): imported here so
# that a consumer that only loaded the tasks attaches them.
from maillage.events import registrations, sending

RETRIES = 5
RETRY_DELAY = settings.NEEDS_TASK_RETRY_DELAY


@db_task(retries=RETRIES, retry_delay=RETRY_DELAY)
def registration_send_task(registration_id: int, kind: str, key: str = "") -> bool:
    return sending.registration_send(registration_id=registration_id, kind=kind, key=key)


@db_task(retries=RETRIES, retry_delay=RETRY_DELAY)
def registration_send_many_task(registration_ids: list[int], kind: str, key: str = "") -> int:
    """One message to many registrations (the reminder tick's batches); the number sent now."""
    return sum(sending.registration_send(registration_id=pk, kind=kind, key=key) for pk in registration_ids)


@db_periodic_task(crontab(minute="*/15"))
def events_tick_task() -> dict:
    """Every quarter of an hour: withdraw expired offers (the next in line gets the seat), then
    queue the reminders due."""
    return {"promoted_events": registrations.promote_due(), "reminders": registrations.reminders_due()}
