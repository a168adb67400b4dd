import gc
import threading

from django.core.management import call_command
from django.core.management.base import BaseCommand

from crosspost.workers import tasks_recover_orphans, worker_id_for_this_process


class Command(BaseCommand):
    help = "Run a background task worker (django-tasks' db_worker) that first requeues dead workers' tasks."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--queue-name", default="default")
        parser.add_argument("--batch", action="store_true", help="Exit when the queue is empty.")
        parser.add_argument("--scheduler", action="store_true",
                            help="Also run the scheduler, as a thread of this process (what `crosspost serve` does).")

    def handle(self, *args, queue_name: str, batch: bool, scheduler: bool, **options) -> None:
        recovered = tasks_recover_orphans()
        if recovered:
            self.stderr.write(f"Requeued {recovered} task(s) left by workers that died.")
        if scheduler:
            from crosspost.scheduler import scheduler_run

            # A thread, not a process: it only enqueues now and then, and a second Django process
            # would cost as much memory as this one. It dies with the worker.
            threading.Thread(target=scheduler_run, name="scheduler", daemon=True).start()
        # What is loaded now lives as long as the process: keep it out of every full collection.
        gc.freeze()
        call_command("db_worker", queue_name=queue_name, batch=batch, worker_id=worker_id_for_this_process(),
                     verbosity=options.get("verbosity", 1))
