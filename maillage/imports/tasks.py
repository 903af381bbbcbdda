"""Queue tasks for the imports launched from the back-office (Huey). Thin: one call of ``uploads``.

No automatic retry: a failed import shows its reason in the back-office, and the animator
queues it again once the cause is fixed; the run then resumes after its last committed batch.
"""

from huey.contrib.djhuey import db_task


@db_task()
def import_upload_run_task(upload_id: int) -> str | None:
    # Imported here: ``uploads`` imports this module to queue the task.
    from maillage.imports import uploads

    return uploads.import_upload_run(upload_id=upload_id)
