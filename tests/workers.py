"""Real Celery worker processes for the `services` tests (PostgreSQL + Redis).

``start_worker`` runs ``celery -A creditsite worker`` as a subprocess against the test
database pytest-django created (DATABASE_URL rewritten to it) and REDIS_URL as broker,
consuming only a queue of the test's own, so parallel test processes (xdist) or a stray
worker on the same Redis database never take each other's messages.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.db import connection
from kombu import Exchange, Queue

from creditsite.celery import app

ROOT = Path(__file__).resolve().parent.parent
READY_TIMEOUT = 60  # seconds for a worker to start


@dataclass
class Worker:
    process: subprocess.Popen[bytes]
    queue: str
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def alive(self) -> bool:
        return self.process.poll() is None

    def kill(self) -> None:
        """SIGKILL: no warm shutdown, no acknowledgement, the current task dies."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)


def test_database_url() -> str:
    """The URL of the database this test process uses: pytest-django has renamed it
    to test_<name> (test_<name>_gw<n> under xdist) by now."""
    db = settings.DATABASES["default"]
    assert db["ENGINE"] == "django.db.backends.postgresql", "worker tests need PostgreSQL"
    user = quote(db.get("USER") or "", safe="")
    password = quote(db.get("PASSWORD") or "", safe="")
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    return f"postgres://{auth}{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"


def new_queue() -> str:
    queue = f"test-{uuid.uuid4().hex[:12]}"
    with app.connection_for_write() as conn:
        conn.default_channel.queue_purge(queue)
    return queue


def drop_queue(queue: str) -> None:
    """Leave no per-test queue bindings behind in Redis."""
    with app.connection_for_write() as conn:
        bound = Queue(queue, Exchange(queue), routing_key=queue)(conn.default_channel)
        bound.declare()  # makes the binding known to this channel, so delete drops it
        bound.delete()


@contextmanager
def start_worker(
    log_path: Path,
    *,
    queue: str,
    name: str = "w1",
    extra_env: dict[str, str] | None = None,
) -> Iterator[Worker]:
    """A worker process (solo pool, one task at a time) consuming ``queue``; stopped with
    SIGTERM (warm shutdown) at the end unless the test killed it."""
    assert settings.REDIS_URL, "worker tests need REDIS_URL"
    # This process must really send through the broker, not run tasks inline.
    assert settings.CELERY_TASK_ALWAYS_EAGER is False
    assert app.conf.task_always_eager is False
    env = {
        **os.environ,
        "DATABASE_URL": test_database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "DJANGO_SETTINGS_MODULE": "creditsite.settings",
        "PYTHONUNBUFFERED": "1",
        **(extra_env or {}),
    }
    with log_path.open("wb") as log_file:
        process = subprocess.Popen(
            [
                sys.executable,  # the virtualenv's python: same as .venv/bin/celery
                "-m",
                "celery",
                "-A",
                "creditsite",
                "worker",
                "--pool=solo",
                "--concurrency=1",
                "--loglevel=INFO",
                "--queues",
                queue,
                "--hostname",
                f"{name}-{queue}@%h",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    worker = Worker(process=process, queue=queue, log_path=log_path)
    try:
        deadline = time.monotonic() + READY_TIMEOUT
        while " ready." not in worker.log():
            assert process.poll() is None, f"worker exited early:\n{worker.log()}"
            assert time.monotonic() < deadline, f"worker not ready in time:\n{worker.log()}"
            time.sleep(0.2)
        yield worker
    finally:
        if process.poll() is None:
            process.terminate()  # SIGTERM: warm shutdown, finishes the current task
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)


def lock_waiters(query_prefix: str = "") -> int:
    """Backends of the test database blocked on a lock, optionally only those running a
    statement that starts with ``query_prefix``."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock' AND query LIKE %s",
            [query_prefix + "%"],
        )
        return int(cursor.fetchone()[0])
