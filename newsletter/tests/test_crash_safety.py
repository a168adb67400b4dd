"""`crosspost newsletter send` as operators run it: real processes, a real database, SIGKILL."""

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from newsletter.tests.conftest import SCRATCH_DATE, SCRATCH_SUBSCRIBERS, start_sink

# The database mark only makes pytest-django create the test database the scratch copies come from.
pytestmark = pytest.mark.django_db

BATCH = 10
WORKERS = 2


ROUNDUP_DATE = "2030-01-07"  # the Monday after the seeded issue: its round-up holds that article


def send_command(*extra: str, date: str = SCRATCH_DATE) -> list[str]:
    return [sys.executable, "-m", "crosspost.cli", "newsletter", "send", "--date", date, "--json",
            "--batch-size", str(BATCH), "--workers", str(WORKERS), *extra]


def run_send(env: dict, command: list[str] | None = None) -> dict:
    done = subprocess.run(command or send_command(), env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def statuses(db) -> dict[str, int]:
    return dict(db.query("SELECT status, COUNT(*) FROM newsletter_delivery GROUP BY status"))


@pytest.fixture
def sink():
    sink, controller = start_sink()
    yield sink
    controller.stop()


def test_running_the_send_again_for_the_same_date_sends_nothing_new(scratch_db, sink, tmp_path):
    env = scratch_db.env(sink.port, tmp_path)
    first = run_send(env)
    assert (first["sent"], first["failed"], first["skipped"]) == (SCRATCH_SUBSCRIBERS, 0, 0)
    second = run_send(env)
    assert (second["sent"], second["failed"], second["skipped"]) == (0, 0, SCRATCH_SUBSCRIBERS)
    assert len(sink.messages) == SCRATCH_SUBSCRIBERS
    assert set(sink.counts().values()) == {1}


def kill_a_quarter_in(command: list[str], env: dict, sink, db) -> dict[str, int]:
    """Start the send, SIGKILL it once a quarter of the readers have their copy; the statuses left."""
    sink.delay = 0.004
    sender = subprocess.Popen(command, env=env, start_new_session=True, stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while len(sink.messages) < SCRATCH_SUBSCRIBERS // 4 and time.monotonic() < deadline:
        time.sleep(0.01)
    os.killpg(sender.pid, signal.SIGKILL)
    sender.wait()
    time.sleep(0.2)  # let the sink finish the messages already handed over
    killed_mid_send = statuses(db)
    assert killed_mid_send.get("pending", 0) > 0, "the kill should land mid-send"
    return killed_mid_send


def test_a_send_killed_with_sigkill_resumes_at_once_and_loses_nobody(scratch_db, sink, tmp_path):
    env = scratch_db.env(sink.port, tmp_path)
    killed_mid_send = kill_a_quarter_in(send_command(), env, sink, scratch_db)

    resumed = run_send(env)

    assert resumed["reclaimed"] == killed_mid_send.get("sending", 0)
    assert statuses(scratch_db) == {"sent": SCRATCH_SUBSCRIBERS}
    counts = sink.counts()
    assert len(counts) == SCRATCH_SUBSCRIBERS, "every reader got the digest"
    duplicates = sum(n - 1 for n in counts.values())
    assert duplicates <= WORKERS, "only the one message in flight on each connection may go out twice"


def test_two_senders_started_together_never_send_twice(scratch_db, sink, tmp_path):
    env = scratch_db.env(sink.port, tmp_path)
    senders = [subprocess.Popen(send_command(), env=env, stdout=subprocess.PIPE, text=True) for _ in range(2)]
    results = [json.loads(s.communicate(timeout=120)[0]) for s in senders]
    assert all(s.returncode == 0 for s in senders)
    assert sum(r["sent"] for r in results) == SCRATCH_SUBSCRIBERS
    assert len(sink.messages) == SCRATCH_SUBSCRIBERS
    assert set(sink.counts().values()) == {1}


def roundup_command() -> list[str]:
    return send_command("--roundup", date=ROUNDUP_DATE)


def everyone_chooses_the_weekly_roundup(db) -> None:
    db.execute("UPDATE newsletter_subscription SET frequency = 'weekly'")


def test_a_roundup_killed_with_sigkill_resumes_and_sends_nobody_twice(scratch_db, sink, tmp_path):
    everyone_chooses_the_weekly_roundup(scratch_db)
    env = scratch_db.env(sink.port, tmp_path)
    kill_a_quarter_in(roundup_command(), env, sink, scratch_db)

    resumed = run_send(env, roundup_command())

    assert list(resumed["lists"]) == ["daily round-up"]
    assert scratch_db.query("SELECT kind, COUNT(*) FROM newsletter_digest GROUP BY kind ORDER BY kind") == [
        ("issue", 1), ("roundup", 1)]
    assert statuses(scratch_db) == {"sent": SCRATCH_SUBSCRIBERS}
    counts = sink.counts()
    assert len(counts) == SCRATCH_SUBSCRIBERS, "every weekly reader got the round-up"
    assert sum(n - 1 for n in counts.values()) <= WORKERS
    assert {m["Subject"].strip() for m in sink.parsed()} == {"Crosspost weekly round-up of Daily digest — 7 January 2030"}


def test_two_schedulers_building_and_sending_one_roundup_together_send_it_once(scratch_db, sink, tmp_path):
    everyone_chooses_the_weekly_roundup(scratch_db)
    env = scratch_db.env(sink.port, tmp_path)
    senders = [subprocess.Popen(roundup_command(), env=env, stdout=subprocess.PIPE, text=True) for _ in range(2)]
    results = [json.loads(s.communicate(timeout=120)[0]) for s in senders]
    assert all(s.returncode == 0 for s in senders)
    assert scratch_db.query("SELECT COUNT(*) FROM newsletter_digest WHERE kind = 'roundup'") == [(1,)]
    assert sum(r["sent"] for r in results) == SCRATCH_SUBSCRIBERS
    assert set(sink.counts().values()) == {1} and len(sink.messages) == SCRATCH_SUBSCRIBERS
