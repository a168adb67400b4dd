"""Work that outlives a request: who holds it, whether the holder still lives, when to retry.

Every background job in Crosspost (task workers, newsletter deliveries, translation jobs,
webhook and federation deliveries, feed polling, source watch, imports) follows one protocol:

1. A row is *claimed* by a conditional UPDATE that names the claimer (`holder()`); if the UPDATE
   touches nothing, someone else has it. Never read-then-act.
2. The claim is a *lease*: it lapses when its holder is dead. On the same host we know at once
   (the kernel's start time of the pid no longer matches: pids are reused); a holder on another
   host is presumed dead after `CROSSPOST_LEASE_SECONDS` without finishing.
3. A failed attempt is retried after `backoff(attempt)`: exponential, capped, with jitter so a
   thousand deliveries that failed together do not all come back in the same second.

Holders are written `host:pid:start`, the format django-tasks' worker ids already use here.
"""

from __future__ import annotations

import datetime
import os
import random
import socket
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.db import connections, transaction
from django.db.models import Min, Model, QuerySet
from django.utils import timezone

_HOST = socket.gethostname()[:40]


def _process_start(pid: int) -> str | None:
    """The kernel's start time of `pid` (clock ticks since boot), or None if it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError, IndexError, PermissionError):
        return None
    if fields[0] in ("Z", "X"):  # a zombie has finished, whatever its parent thinks
        return None
    return fields[19]


def holder() -> str:
    """This process's name as a claimer: `host:pid:start-time`."""
    pid = os.getpid()
    return f"{_HOST}:{pid}:{_process_start(pid) or 0}"


def holder_alive(name: str) -> bool | None:
    """True or False for a holder on this host; None when it runs elsewhere and we cannot tell."""
    host, _, rest = name.partition(":")
    pid, _, start = rest.partition(":")
    if host != _HOST or not pid.isdigit():
        return None
    return _process_start(int(pid)) == start


def lease_seconds() -> int:
    return settings.CROSSPOST_LEASE_SECONDS


def lease_lapsed(name: str, claimed_at: datetime.datetime | None, *, now: datetime.datetime | None = None) -> bool:
    """Whether a claim by `name` made at `claimed_at` may be taken over."""
    if not name:
        return True
    alive = holder_alive(name)
    if alive is not None:
        return not alive
    now = now or timezone.now()
    return claimed_at is None or now - claimed_at > datetime.timedelta(seconds=lease_seconds())


def backoff(attempt: int, *, base: float = 30, cap: float = 3600, jitter: float = 0.2) -> datetime.timedelta:
    """Delay before attempt number `attempt + 1` (attempt counts from 1): base·2^(n-1), capped."""
    delay = min(cap, base * 2 ** max(0, attempt - 1))
    if jitter:
        delay *= 1 + random.uniform(-jitter, jitter)
    return datetime.timedelta(seconds=max(0.0, delay))


def claim_one(queryset: QuerySet, **changes: Any) -> bool:
    """Claim the rows of `queryset` (usually one, filtered on its current state) for this process.

    Sets `claimed_by` and `claimed_at` besides `changes`; returns whether anything was claimed.
    """
    return queryset.update(claimed_by=holder(), claimed_at=timezone.now(), **changes) > 0


def claim_batch(
    queryset: QuerySet,
    *,
    size: int,
    changes: dict[str, Any],
    increment: Iterable[str] = (),
    order_by: str = "pk",
) -> list[int]:
    """Claim up to `size` rows of `queryset` in one statement; returns the primary keys claimed.

    `UPDATE … WHERE pk IN (SELECT … LIMIT n) RETURNING pk`: on PostgreSQL the inner SELECT takes
    `FOR UPDATE SKIP LOCKED`, so concurrent claimers pick disjoint rows instead of queueing; on
    SQLite one writer runs at a time, so the statement alone is the claim. `changes` are column
    values (by field name); `increment` names integer fields to add one to.
    """
    model: type[Model] = queryset.model
    connection = connections[queryset.db]
    table = connection.ops.quote_name(model._meta.db_table)
    pk_column = connection.ops.quote_name(model._meta.pk.column)
    picked = queryset.order_by(order_by).values("pk")[:size]
    assignments, params = [], []
    for name, value in changes.items():
        field = model._meta.get_field(name)
        assignments.append(f"{connection.ops.quote_name(field.column)} = %s")
        params.append(field.get_db_prep_save(value, connection))
    for name in increment:
        column = connection.ops.quote_name(model._meta.get_field(name).column)
        assignments.append(f"{column} = {column} + 1")
    with transaction.atomic(using=queryset.db):
        if connection.vendor == "postgresql":
            inner, inner_params = picked.select_for_update(skip_locked=True).query.sql_with_params()
            # A CTE, so the planner cannot re-run the subquery per row and claim more than `size`.
            sql = (f"WITH picked(picked_pk) AS ({inner}) UPDATE {table} SET {', '.join(assignments)} "
                   f"FROM picked WHERE {table}.{pk_column} = picked.picked_pk RETURNING {table}.{pk_column}")
            all_params = [*inner_params, *params]
        else:
            inner, inner_params = picked.query.sql_with_params()
            sql = f"UPDATE {table} SET {', '.join(assignments)} WHERE {pk_column} IN ({inner}) RETURNING {pk_column}"
            all_params = [*params, *inner_params]
        with connection.cursor() as cursor:
            cursor.execute(sql, all_params)
            return [row[0] for row in cursor.fetchall()]


def claims_reclaim(
    queryset: QuerySet,
    *,
    holder_field: str = "claimed_by",
    at_field: str = "claimed_at",
    reset: dict[str, Any],
    now: datetime.datetime | None = None,
    holder_of: Callable[[Any], str] | None = None,
) -> int:
    """Hand back the rows of `queryset` whose holder's lease lapsed, setting `reset` on them.

    Conditional on the holder still being the same, so a row finished or re-claimed meanwhile is
    left alone. `holder_of` reads the holder's name from the stored value when that is not the
    name itself (django-tasks keeps a list of worker ids, the last one the holder). Returns how
    many rows were handed back.
    """
    now = now or timezone.now()
    returned = 0
    holders = queryset.order_by().values_list(holder_field).annotate(oldest=Min(at_field))
    for stored, oldest in holders:
        name = holder_of(stored) if holder_of else stored
        if lease_lapsed(name, oldest, now=now):
            returned += queryset.filter(**{holder_field: stored}).update(**reset)
    return returned


def claim_free(queryset: QuerySet, *, now: datetime.datetime | None = None, **changes: Any) -> bool:
    """Claim the row of `queryset` if nobody holds it or its holder's lease lapsed.

    For one row at a time (a job, a delivery, a feed): first the common case, a free row, in one
    conditional UPDATE; then a held one, taken over only if its holder is dead, conditional on
    the same holder and claim time so two claimers cannot both take it over.
    """
    now = now or timezone.now()
    if claim_one(queryset.filter(claimed_by=""), **changes):
        return True
    for name, claimed_at in queryset.exclude(claimed_by="").values_list("claimed_by", "claimed_at")[:1]:
        if lease_lapsed(name, claimed_at, now=now):
            return claim_one(queryset.filter(claimed_by=name, claimed_at=claimed_at), **changes)
    return False


def release(queryset: QuerySet, **changes: Any) -> bool:
    """Give back this process's claim on the rows of `queryset`, setting `changes` with it.

    Conditional on still holding it: if our lease lapsed and another process took the row over,
    its state is left alone. Returns whether we still held it.
    """
    return queryset.filter(claimed_by=holder()).update(claimed_by="", claimed_at=None, **changes) > 0
