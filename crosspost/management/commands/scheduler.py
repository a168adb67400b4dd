import gc

from django.core.management.base import BaseCommand

from crosspost.scheduler import scheduler_run


class Command(BaseCommand):
    help = "Enqueue periodic jobs (feed polling, the daily digest, counters) for the task workers."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--once", action="store_true", help="Enqueue what is due now and exit.")
        parser.add_argument("--interval", type=float, default=30.0, help="Seconds between checks.")

    def handle(self, *args, once: bool, interval: float, **options) -> None:
        gc.freeze()  # what is loaded now lives as long as the process
        scheduler_run(interval=interval, once=once)
