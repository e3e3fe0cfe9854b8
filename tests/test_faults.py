"""Faults with real processes: the database and the broker go away.

* PostgreSQL unavailable during a request: a throwaway PostgreSQL cluster (initdb in a
  temp dir, own port) serves a real gunicorn; ``pg_ctl stop -m immediate`` → 503 page
  and JSON with Retry-After, /readyz 503, a one-line log and no traceback; started
  again → 200 with no restart of the app. A second test, run in every pass, points the
  app's connection at a port where nothing listens.
* Redis restarted while tasks are queued, with a redis-server of the test's own:
  without persistence the queued tasks are lost, and the sweep
  ``enterprises.rescore_pending`` (every 10 minutes) serves the requests they carried;
  with the append-only file they survive and a worker runs them.
* Late acknowledgement: a worker SIGKILLed in the middle of a task leaves the message
  unacknowledged; after the visibility timeout another worker runs it.

Each fault test prints ``FAULT-TIMING`` lines (``pytest -s`` shows them).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest
import redis
from celery import Celery
from django.db import connection, connections
from django.db.utils import ConnectionHandler
from django.utils import timezone

from enterprises.models import Evaluation, JobRun, Subject
from enterprises.services import rescore_pending_job
from tests import workers as real_workers
from tests.factories import SubjectFactory
from tests.workers import Worker, lock_waiters

ROOT = Path(__file__).resolve().parent.parent
PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
READY_TIMEOUT = 60


def timing(what: str, seconds: float) -> None:
    print(f"FAULT-TIMING {what}: {seconds:.2f} s")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until(
    check: Callable[[], Any], *, timeout: float, what: str, log: Callable[[], str] = str
) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        assert time.monotonic() < deadline, f"{what} within {timeout} s\n{log()}"
        time.sleep(0.1)


# --- PostgreSQL unavailable: in process, a port where nothing listens (every pass) ----------


@pytest.fixture
def database_down():
    """The app's default connection points at a PostgreSQL port nobody listens on: each
    query really tries to connect and is refused. Restored afterwards."""
    port = free_port()  # bound and released: nothing listens there now
    dead = ConnectionHandler(
        {
            "default": {
                "ENGINE": "django.db.backends.postgresql",
                "HOST": "127.0.0.1",
                "PORT": str(port),
                "NAME": "nowhere",
                "USER": "postgres",
                "OPTIONS": {"connect_timeout": 2},
            }
        }
    )["default"]
    saved = connections["default"]
    connections["default"] = dead
    try:
        yield port
    finally:
        dead.close()
        connections["default"] = saved


@pytest.mark.django_db
def test_refused_database_connection_gives_a_503_page(client, database_down, caplog):
    with caplog.at_level(logging.ERROR, logger="creditsite.middleware"):
        response = client.get("/search/", {"q": "杭州"})

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert '<html lang="zh-hans">' in page  # the site's template, Chinese by default
    assert "Traceback" not in page and "OperationalError" not in page
    (record,) = [r for r in caplog.records if r.getMessage().startswith("database.unavailable")]
    assert "path=/search/" in record.getMessage() and "OperationalError" in record.getMessage()
    assert record.exc_info is None  # one line in the log, no stack


@pytest.mark.django_db
def test_refused_database_connection_page_in_english(client, database_down):
    client.cookies["django_language"] = "en"
    response = client.get("/search/", {"q": "杭州"})
    assert response.status_code == 503
    assert "Service temporarily unavailable" in response.content.decode()


@pytest.mark.django_db
def test_refused_database_connection_gives_json_503_under_api(client, database_down):
    response = client.get("/api/v1/departments/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert set(body) == {"detail", "errors"}
    assert body["errors"][0]["code"] == "database_unavailable"
    assert "temporarily unavailable" in body["detail"]


@pytest.mark.django_db
def test_refused_database_connection_makes_readyz_503(client, database_down):
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["database"]["ok"] is False


# --- PostgreSQL unavailable: a real cluster stopped under a real server (services) ----------


def _as_postgres(command: list[str]) -> list[str]:
    # initdb and postgres refuse to run as root (CI runs as root).
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return command


@dataclass
class TempPostgres:
    directory: Path
    port: int

    @property
    def data(self) -> Path:
        return self.directory / "data"

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/creditsite"

    def ctl(self, *args: str) -> None:
        subprocess.run(
            _as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(self.data), *args]),
            check=True,
            capture_output=True,
            timeout=60,
        )

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        self.ctl("-o", options, "-l", str(self.directory / "server.log"), "-w", "start")

    def stop_immediately(self) -> None:
        # No shutdown checkpoint, every backend killed: what a crash looks like to clients.
        self.ctl("-m", "immediate", "-w", "stop")


@pytest.fixture
def temp_postgres() -> Iterator[TempPostgres]:
    if not (PG_BIN / "initdb").exists():
        pytest.fail(f"PostgreSQL server binaries not found in {PG_BIN} (set PG_BIN)")
    directory = Path(tempfile.mkdtemp(prefix="faults-pg-"))
    if os.geteuid() == 0:
        shutil.chown(directory, "postgres", "postgres")
    cluster = TempPostgres(directory=directory, port=free_port())
    subprocess.run(
        _as_postgres(
            [
                str(PG_BIN / "initdb"),
                "-D",
                str(cluster.data),
                "-U",
                "postgres",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
                "--no-sync",
            ]
        ),
        check=True,
        capture_output=True,
        timeout=120,
    )
    cluster.start()
    try:
        subprocess.run(
            [
                str(PG_BIN / "createdb"),
                "-h",
                "127.0.0.1",
                "-p",
                str(cluster.port),
                "-U",
                "postgres",
                "creditsite",
            ],
            check=True,
            capture_output=True,
            timeout=60,
        )
        yield cluster
    finally:
        subprocess.run(
            _as_postgres(
                [str(PG_BIN / "pg_ctl"), "-D", str(cluster.data), "-m", "immediate", "stop"]
            ),
            capture_output=True,
            timeout=60,
        )
        shutil.rmtree(directory, ignore_errors=True)


def _app_env(**overrides: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "DATABASE_REPLICA_URL"}
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "creditsite.settings",
            "DEBUG": "false",
            "THROTTLE_ENABLED": "false",
            "PYTHONUNBUFFERED": "1",
        }
    )
    env.update(overrides)
    return env


def _get(url: str, **headers: str) -> tuple[int, dict[str, str], bytes, float]:
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 (loopback http)
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return (
                response.status,
                dict(response.headers),
                response.read(),
                time.perf_counter() - started,
            )
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read(), time.perf_counter() - started


@pytest.mark.services
def test_postgres_stopped_under_a_running_server_gives_503_then_recovers(temp_postgres, tmp_path):
    env = _app_env(DATABASE_URL=temp_postgres.url, CONN_MAX_AGE="60")
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        timeout=300,
    )
    timing("migrate the throwaway cluster", time.perf_counter() - started)

    port = free_port()
    log_path = tmp_path / "gunicorn.log"
    with log_path.open("wb") as log_file:
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "creditsite.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "1",
                "--timeout",
                "60",
                "--no-control-socket",  # none shared with another gunicorn on the machine
            ],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"

    def log() -> str:
        return log_path.read_text(errors="replace")

    try:
        wait_until(
            lambda: _try(lambda: _get(f"{base}/healthz")[0] == 200),
            timeout=READY_TIMEOUT,
            what="gunicorn answering",
            log=log,
        )
        # Up: a page, the API and readiness (persistent connections are now open).
        assert _get(f"{base}/")[0] == 200
        assert _get(f"{base}/api/v1/departments/")[0] == 200
        assert _get(f"{base}/readyz")[0] == 200

        stopped = time.perf_counter()
        temp_postgres.stop_immediately()
        timing("pg_ctl stop -m immediate", time.perf_counter() - stopped)

        status, headers, body, took = _get(f"{base}/")
        assert status == 503, body[:500]
        timing("503 page after the stop", took)
        assert headers["Retry-After"] == "30"
        assert headers["Content-Type"].startswith("text/html")
        page = body.decode()
        assert '<html lang="zh-hans">' in page and "Traceback" not in page

        status, headers, body, took = _get(f"{base}/", Cookie="django_language=en")
        assert status == 503 and "Service temporarily unavailable" in body.decode()

        status, headers, body, took = _get(f"{base}/api/v1/departments/")
        timing("503 JSON after the stop", took)
        assert status == 503 and headers["Content-Type"] == "application/json"
        assert headers["Retry-After"] == "30"
        assert json.loads(body)["errors"][0]["code"] == "database_unavailable"

        status, _headers, body, _took = _get(f"{base}/readyz")
        assert status == 503 and json.loads(body)["checks"]["database"]["ok"] is False

        restarted = time.perf_counter()
        temp_postgres.start()
        timing("pg_ctl start", time.perf_counter() - restarted)
        # The same gunicorn worker, no restart: the next request reconnects.
        status, _headers, body, took = _get(f"{base}/")
        assert status == 200, body[:500]
        timing("first page after the start", took)
        assert _get(f"{base}/api/v1/departments/")[0] == 200
        assert _get(f"{base}/readyz")[0] == 200
        timing("outage to recovery (stop → 200 again)", time.perf_counter() - stopped)
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=5)

    output = log()
    # One line per failed page or API request (/readyz reports its own failure).
    assert output.count("database.unavailable") == 3, output
    assert "Traceback" not in output, output


def _try(check: Callable[[], bool]) -> bool:
    try:
        return check()
    except (OSError, redis.RedisError):
        return False


# --- Redis and workers -----------------------------------------------------------------------


class RedisServer:
    """A redis-server of the test's own on a free port; kill and start it at will."""

    def __init__(self, directory: Path, *, append_only: bool) -> None:
        self.directory = directory
        self.port = free_port()
        self.append_only = append_only
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        args = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
        args += ["--dir", str(self.directory)]
        if self.append_only:
            # fsync every write: a SIGKILL loses nothing that was acknowledged.
            args += ["--appendonly", "yes", "--appendfsync", "always"]
        else:
            args += ["--appendonly", "no"]
        self.process = subprocess.Popen(
            args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL
        )
        wait_until(lambda: _try(self._pings), timeout=20, what="redis-server answering")

    def _pings(self) -> bool:
        return bool(self.client().ping())

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)
        self.process = None

    def client(self) -> redis.Redis:
        return redis.Redis.from_url(self.url, socket_timeout=5, socket_connect_timeout=2)


@pytest.fixture
def redis_factory(tmp_path) -> Iterator[Callable[..., RedisServer]]:
    servers: list[RedisServer] = []

    def make(*, append_only: bool) -> RedisServer:
        directory = tmp_path / f"redis-{len(servers)}"
        directory.mkdir()
        server = RedisServer(directory, append_only=append_only)
        servers.append(server)
        server.start()
        return server

    yield make
    for server in servers:
        if server.process is not None:
            server.kill()


@pytest.fixture
def workers(tmp_path) -> Iterator[Callable[..., Worker]]:
    """Start real worker processes (tests/workers.py) on the test's own Redis; each is
    stopped at the end unless the test killed it."""
    with contextlib.ExitStack() as stack:
        count = 0

        def start(broker_url: str, queue: str, **env: str) -> Worker:
            nonlocal count
            count += 1
            return stack.enter_context(
                real_workers.start_worker(
                    tmp_path / f"worker-{count}.log",
                    queue=queue,
                    name=f"w{count}",
                    extra_env={"REDIS_URL": broker_url, **env},
                )
            )

        yield start


def producer(broker_url: str) -> Celery:
    """What the web process does when it queues a task, against the test's own Redis."""
    app = Celery("faults-producer", broker=broker_url, set_as_current=False)
    app.conf.broker_connection_retry_on_startup = True
    return app


def _requested_subjects(count: int, *, minutes_ago: float = 0) -> list[Subject]:
    subjects = [SubjectFactory() for _ in range(count)]
    Subject.objects.filter(pk__in=[s.pk for s in subjects]).update(
        rescore_requested_at=timezone.now() - dt.timedelta(minutes=minutes_ago)
    )
    return subjects


def _scored(ids: list[int]) -> int:
    return Evaluation.objects.filter(subject_id__in=ids).count()


def _pending(ids: list[int]) -> int:
    return Subject.objects.filter(pk__in=ids, rescore_requested_at__isnull=False).count()


services_db = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.mark.services
@services_db
def test_redis_restart_without_persistence_loses_queued_tasks_and_the_sweep_recovers(
    redis_factory, workers
):
    broker = redis_factory(append_only=False)
    queue = f"faults-{uuid.uuid4().hex[:8]}"
    subjects = _requested_subjects(3)
    ids = [s.pk for s in subjects]
    app = producer(broker.url)
    for subject_id in ids:
        app.send_task("enterprises.rescore_subject", args=[subject_id], queue=queue)
    assert broker.client().llen(queue) == 3  # queued, no worker yet

    restarted = time.perf_counter()
    broker.kill()
    broker.start()
    timing("redis kill + start (no persistence)", time.perf_counter() - restarted)

    assert broker.client().llen(queue) == 0  # the three messages are gone
    worker = workers(broker.url, queue)
    time.sleep(3)  # a worker that had anything to do would have done it by now
    assert _scored(ids) == 0 and _pending(ids) == 3, worker.log()
    assert "enterprises.rescore_subject[" not in worker.log()  # no task received

    # What the requests look like ten minutes on: the sweep's threshold has passed.
    # (A fresh request, whose task may still arrive, is left alone.)
    Subject.objects.filter(pk__in=ids).update(
        rescore_requested_at=timezone.now() - dt.timedelta(minutes=11)
    )
    (fresh,) = _requested_subjects(1, minutes_ago=1)

    swept = time.perf_counter()
    app.send_task("enterprises.rescore_pending", queue=queue)  # as beat does every 10 min
    wait_until(
        lambda: _scored(ids) == 3 and _pending(ids) == 0,
        timeout=30,
        what="the sweep rescoring the subjects whose tasks were lost",
        log=worker.log,
    )
    timing("sweep serving 3 lost requests", time.perf_counter() - swept)
    assert _pending([fresh.pk]) == 1 and _scored([fresh.pk]) == 0
    run = wait_until(
        lambda: JobRun.objects.filter(
            name="rescore_pending", status=JobRun.Status.SUCCEEDED
        ).first(),
        timeout=10,
        what="the sweep's job-run row finished",
        log=worker.log,
    )
    assert run.counts["rescored"] == 3


@pytest.mark.services
@services_db
def test_redis_restart_with_append_only_file_keeps_queued_tasks(redis_factory, workers):
    broker = redis_factory(append_only=True)
    queue = f"faults-{uuid.uuid4().hex[:8]}"
    ids = [s.pk for s in _requested_subjects(3)]
    app = producer(broker.url)
    for subject_id in ids:
        app.send_task("enterprises.rescore_subject", args=[subject_id], queue=queue)
    assert broker.client().llen(queue) == 3

    restarted = time.perf_counter()
    broker.kill()  # SIGKILL: no shutdown save; only the append-only file remains
    broker.start()
    timing("redis kill + start (appendonly, fsync always)", time.perf_counter() - restarted)
    assert broker.client().llen(queue) == 3  # all three survived

    running = time.perf_counter()
    worker = workers(broker.url, queue)
    wait_until(
        lambda: _scored(ids) == 3 and _pending(ids) == 0,
        timeout=30,
        what="the worker running the tasks that survived",
        log=worker.log,
    )
    timing("worker start + 3 surviving tasks run", time.perf_counter() - running)
    assert worker.log().count("enterprises.rescore_subject[") >= 3


@pytest.mark.services
@services_db
def test_task_of_a_killed_worker_is_redelivered_after_the_visibility_timeout(
    redis_factory, workers
):
    visibility = 4  # seconds (CELERY_VISIBILITY_TIMEOUT; 7200 by default)
    broker = redis_factory(append_only=False)
    queue = f"faults-{uuid.uuid4().hex[:8]}"
    (subject,) = _requested_subjects(1)
    env = {"CELERY_VISIBILITY_TIMEOUT": str(visibility)}
    first = workers(broker.url, queue, **env)

    db = connection.settings_dict
    holder = psycopg.connect(
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
        user=db["USER"],
        dbname=db["NAME"],
    )
    try:
        # Hold the subject row: the task blocks at its last step, clearing the request.
        holder.execute("SELECT id FROM enterprises_subject WHERE id = %s FOR UPDATE", [subject.pk])
        result = producer(broker.url).send_task(
            "enterprises.rescore_subject", args=[subject.pk], queue=queue
        )
        wait_until(
            lambda: lock_waiters('UPDATE "enterprises_subject"') == 1,
            timeout=30,
            what="the task blocked mid-way",
            log=first.log,
        )
        delivered = time.monotonic()
        first.kill()  # SIGKILL: no warm shutdown, no acknowledgement
        killed = time.monotonic()
        # The message is neither queued nor gone: it waits, unacknowledged, in Redis.
        client = broker.client()
        assert client.llen(queue) == 0
        assert client.hlen("unacked") == 1
        holder.rollback()  # the dead worker's transaction is rolled back, nothing stored
    finally:
        holder.close()
    wait_until(lambda: lock_waiters("") == 0, timeout=10, what="the killed worker's backend gone")
    assert _pending([subject.pk]) == 1 and _scored([subject.pk]) == 0

    # A worker started after the timeout restores the message at once (a running one
    # sweeps every ~100 s: unacked_restore_interval × unacked_restore_throttle).
    time.sleep(max(0.0, delivered + visibility + 0.5 - time.monotonic()))
    second = workers(broker.url, queue, **env)
    wait_until(
        lambda: _pending([subject.pk]) == 0 and _scored([subject.pk]) == 1,
        timeout=30,
        what="the redelivered task run by the second worker",
        log=second.log,
    )
    timing("SIGKILL to task done by the second worker", time.monotonic() - killed)
    assert f"enterprises.rescore_subject[{result.id}]" in first.log()
    assert f"enterprises.rescore_subject[{result.id}] succeeded" in second.log()
    # The acknowledgement follows the "succeeded" log line (late acks): wait for it.
    wait_until(
        lambda: client.hlen("unacked") == 0,
        timeout=10,
        what="the second worker's acknowledgement",
        log=second.log,
    )


# --- The sweep itself (every pass) ----------------------------------------------------------


@pytest.mark.django_db
def test_sweep_serves_old_requests_only_and_records_a_run():
    old = _requested_subjects(2, minutes_ago=15)
    fresh = _requested_subjects(1, minutes_ago=2)

    assert rescore_pending_job() == 2  # RESCORE_PENDING_AFTER_MINUTES = 10

    assert _scored([s.pk for s in old]) == 2 and _pending([s.pk for s in old]) == 0
    assert _pending([fresh[0].pk]) == 1
    run = JobRun.objects.get(name="rescore_pending")
    assert run.counts["rescored"] == 2 and run.counts["older_than_minutes"] == 10


@pytest.mark.django_db
def test_sweep_with_nothing_pending_leaves_no_run():
    _requested_subjects(1, minutes_ago=1)
    assert rescore_pending_job() == 0
    assert not JobRun.objects.filter(name="rescore_pending").exists()


@pytest.mark.django_db
def test_sweep_command_takes_a_threshold():
    from io import StringIO

    from django.core.management import call_command

    subjects = _requested_subjects(2, minutes_ago=3)
    out = StringIO()
    call_command("rescore_pending", "--older-than-minutes", "2", stdout=out)
    assert "Rescored 2 subjects" in out.getvalue()
    assert _pending([s.pk for s in subjects]) == 0
