"""Tasks the tests hand to real worker processes (a worker imports them by their dotted path)."""

import time

from django_tasks import task


@task()
def take_a_while(seconds: float) -> str:
    time.sleep(seconds)
    return "done"
