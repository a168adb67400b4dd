"""Background tasks; each only calls a service and is safe to run twice."""

from __future__ import annotations

from django_tasks import task


@task()
def import_run_task(run_id: int) -> bool:
    """Run an import uploaded in the admin (claimed through crosspost/lib/leases)."""
    from imports.services import import_run_process  # services imports this module to queue runs

    return import_run_process(run_id=run_id)
