"""Load test: wrk on loopback against gunicorn serving a PostgreSQL database.

    .venv/bin/python -m tests.bench.load --database-url postgres://…/cs_bench \\
        [--duration 30 --connections 32 --threads 2 --workers 2]

Starts gunicorn (``--workers 2``, sync workers) with production settings
(``DJANGO_ENV=production``, DEBUG off, ``ALLOWED_HOSTS=127.0.0.1``, ``SECRET_KEY`` from the
environment or a random one for this run) except three things a loopback test needs:
``SECURE_SSL_REDIRECT=false`` (no TLS proxy in front: every request would be a 301),
``THROTTLE_ENABLED=false`` (the throttle answers one client's 32 connections with 429 by
design: 60 searches and 20 checks a minute per address) and no ``REDIS_URL`` (nothing of
these endpoints uses the broker). Production refuses a per-process cache, so the cache is
the database cache (``CACHE_URL=dbcache://creditsite_cache``; with the throttle off only
``/readyz`` and the admin login touch it). It runs ``collectstatic`` as production does (the
hashed static files storage needs the manifest) and ``createcachetable``, waits for
``/readyz``, checks one request per endpoint by hand (status 200 and the expected content),
then runs wrk for each endpoint in turn:

- ``file``: the credit file page ``/enterprises/<USCC>/``, rotating over 2,000 organisations
  (and the ones with the most records first, so heavy files are in the mix);
- ``search``: ``/search/?q=<term>`` rotating over 1,000 terms from real names (2-, 3- and
  4-character Chinese substrings, whole names, pinyin initials);
- ``check``: ``POST /api/v1/check/`` with a JSON body of 20 codes (listed, unlisted, unknown
  and one invalid), rotating over 200 bodies.

It prints a table (requests/s, p50/p99 latency, socket errors, non-2xx responses) and exits
non-zero if any request failed. The database is only read: no migration, no writes but
the cache table (created if missing).
wrk counts a request as an error when the socket fails (connect/read/write/timeout) or
the status is >= 400; 3xx would not count, so the hand check requires 200 and the
endpoints here answer 200. The wrk timeout is 10 s (its default, 2 s, would count slow
answers queued behind 32 connections on 2 workers as socket errors; p99 shows the wait).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
ENDPOINTS = ("file", "search", "check")
CHECK_BATCH = 20
WRK_TIMEOUT = "10s"


@dataclass
class Result:
    endpoint: str
    requests: int
    duration_s: float
    rps: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    socket_errors: int
    non_2xx: int

    @property
    def errors(self) -> int:
        return self.socket_errors + self.non_2xx


# --- sample data ------------------------------------------------------------------------------


def sample(database_url: str, *, seed: int = 1) -> dict[str, Any]:
    """USCCs, search terms and check bodies drawn from the database (read only)."""
    import psycopg

    from enterprises.uscc import build_uscc

    rng = random.Random(seed)
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("SET default_transaction_read_only = on")
        # A deterministic spread over the table (hash order), public organisations only.
        rows = conn.execute(
            "SELECT uscc, name, search_initials FROM enterprises_subject "
            "WHERE subject_type <> 'natural_person' AND uscc IS NOT NULL "
            "ORDER BY hashtext(uscc) LIMIT 3000"
        ).fetchall()
        # The organisations with the most records (on the province seed: 200 each) —
        # among the lowest ids, where the seeder puts them.
        heavy = [
            r[0]
            for r in conn.execute(
                "SELECT s.uscc FROM enterprises_subject s JOIN LATERAL (SELECT count(*) AS n "
                "FROM enterprises_creditrecord c WHERE c.subject_id = s.id) c ON true "
                "WHERE s.id IN (SELECT id FROM enterprises_subject "
                "WHERE subject_type <> 'natural_person' AND uscc IS NOT NULL ORDER BY id "
                "LIMIT 1000) ORDER BY c.n DESC LIMIT 20"
            ).fetchall()
        ]
        listed = [
            r[0]
            for r in conn.execute(
                "SELECT DISTINCT s.uscc FROM lists_listentry e "
                "JOIN enterprises_subject s ON s.id = e.subject_id "
                "WHERE e.status = 'listed' AND s.uscc IS NOT NULL LIMIT 500"
            ).fetchall()
        ]
        known = {r[0] for r in rows} | set(listed) | set(heavy)
    if not rows:
        raise SystemExit("The database has no organisations: seed it first (seed_demo).")
    codes = [r[0] for r in rows]
    files = heavy + codes[:2000]
    terms: list[str] = []
    for _uscc, name, initials in rows[:1000]:
        pick = rng.random()
        body = name[2:] if len(name) > 6 else name
        if pick < 0.4:
            terms.append(body[:2])
        elif pick < 0.6:
            terms.append(body[:3])
        elif pick < 0.8:
            terms.append(body[:4])
        elif pick < 0.9 or not initials:
            terms.append(name)
        else:
            terms.append(initials.split()[0][:4])
    unknown: list[str] = []
    while len(unknown) < 200:
        code = build_uscc("91", "330100", f"{rng.randrange(10**7, 10**8)}")
        if code not in known:
            unknown.append(code)
    bodies = []
    for index in range(200):
        batch = rng.sample(codes, 12) + rng.sample(listed or codes, 4)
        batch += [unknown[index], unknown[(index + 1) % len(unknown)], unknown[(index + 2) % 200]]
        batch.append("91330100ABC")  # invalid: reported on its own item
        rng.shuffle(batch)
        bodies.append(json.dumps({"subjects": batch[:CHECK_BATCH]}, ensure_ascii=False))
    return {"files": files, "terms": terms, "bodies": bodies}


# --- wrk scripts --------------------------------------------------------------------------------

_ROTATE = """
local counter = 0
function setup(thread)
  thread:set("offset", counter * 7919)
  counter = counter + 1
end
local i = 0
function init(args)
  i = offset or 0
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'JSON:{"requests":%d,"duration_us":%d,"connect":%d,"read":%d,"write":%d,' ..
    '"status":%d,"timeout":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d}\\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
"""


def _lua_list(name: str, values: list[str]) -> str:
    def quote(value: str) -> str:
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'

    return f"local {name} = {{\n" + ",\n".join(quote(v) for v in values) + "\n}\n"


def scripts(data: dict[str, Any], directory: Path) -> dict[str, Path]:
    files = [f"/enterprises/{code}/" for code in data["files"]]
    searches = ["/search/?q=" + urllib.parse.quote(term) for term in data["terms"]]
    get = (
        "function request()\n  i = i + 1\n"
        "  return wrk.format('GET', paths[(i % #paths) + 1])\nend\n"
    )
    post = (
        "local headers = {['Content-Type'] = 'application/json'}\n"
        "function request()\n  i = i + 1\n"
        "  return wrk.format('POST', '/api/v1/check/', headers, bodies[(i % #bodies) + 1])\n"
        "end\n"
    )
    out = {
        "file": _lua_list("paths", files) + _ROTATE + get,
        "search": _lua_list("paths", searches) + _ROTATE + get,
        "check": _lua_list("bodies", data["bodies"]) + _ROTATE + post,
    }
    paths = {}
    for name, text in out.items():
        path = directory / f"{name}.lua"
        path.write_text(text, encoding="utf-8")
        paths[name] = path
    return paths


# --- gunicorn ---------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def server_env(database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "DATABASE_REPLICA_URL"}}
    env.update(
        DJANGO_ENV="production",
        DJANGO_SETTINGS_MODULE="creditsite.settings",
        DATABASE_URL=database_url,
        SECRET_KEY=os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="false",
        THROTTLE_ENABLED="false",
        CACHE_URL="dbcache://creditsite_cache",
        LOG_LEVEL="WARNING",
    )
    return env


def collectstatic(env: dict[str, str]) -> None:
    """``collectstatic`` and ``createcachetable``, as a production deployment runs them."""
    for command in (["collectstatic", "--noinput"], ["createcachetable"]):
        subprocess.run(
            [sys.executable, "manage.py", *command, "-v0"],
            cwd=ROOT,
            env=env,
            check=True,
        )


class Gunicorn:
    def __init__(self, env: dict[str, str], *, workers: int, log: Path) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = log
        self._log_file = log.open("wb")
        self.process = subprocess.Popen(
            [
                str(VENV_BIN / "gunicorn"),
                "creditsite.wsgi",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(workers),
                "--graceful-timeout",
                "10",
            ],
            cwd=ROOT,
            env=env,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
        )

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn exited ({self.process.returncode}):\n{self.tail()}")
            try:
                with urllib.request.urlopen(self.base + "/readyz", timeout=5) as answer:  # noqa: S310
                    if answer.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if time.monotonic() > deadline:
                raise SystemExit(f"gunicorn not ready after {timeout:.0f} s:\n{self.tail()}")
            time.sleep(0.3)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # graceful: finish requests, then exit
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log_file.close()

    def tail(self, lines: int = 30) -> str:
        if not self._log_file.closed:
            self._log_file.flush()
        text = self.log.read_text(encoding="utf-8", errors="replace")
        return "\n".join(text.splitlines()[-lines:])


def hand_check(base: str, data: dict[str, Any]) -> None:
    """One request per endpoint: 200 and the content a user would expect."""
    code = data["files"][0]
    with urllib.request.urlopen(f"{base}/enterprises/{code}/", timeout=30) as answer:  # noqa: S310
        page = answer.read().decode()
        assert answer.status == 200 and code in page, f"file page of {code}: {answer.status}"
    term = data["terms"][0]
    url = f"{base}/search/?q={urllib.parse.quote(term)}"
    with urllib.request.urlopen(url, timeout=30) as answer:  # noqa: S310
        assert answer.status == 200 and answer.url == url, f"search {term}: {answer.status}"
    request = urllib.request.Request(  # noqa: S310
        f"{base}/api/v1/check/",
        data=data["bodies"][0].encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310
        body = json.loads(answer.read())
        assert answer.status == 200 and body["count"] == CHECK_BATCH, f"check: {answer.status}"
        assert 0 < body["found"] < CHECK_BATCH, f"check found {body['found']} of {CHECK_BATCH}"


# --- wrk ----------------------------------------------------------------------------------------


def run_wrk(
    base: str, script: Path, *, endpoint: str, duration: int, connections: int, threads: int
) -> Result:
    command = [
        shutil.which("wrk") or "/usr/bin/wrk",
        f"--threads={threads}",
        f"--connections={connections}",
        f"--duration={duration}s",
        f"--timeout={WRK_TIMEOUT}",
        "--latency",
        f"--script={script}",
        base + "/",
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"wrk failed ({done.returncode}): {done.stderr}")
    return parse_wrk(done.stdout, endpoint=endpoint)


def parse_wrk(output: str, *, endpoint: str) -> Result:
    """The JSON line our ``done()`` hook prints, cross-checked with wrk's own summary
    ("Non-2xx or 3xx responses: N" appears only when N > 0)."""
    line = next((x for x in output.splitlines() if x.startswith("JSON:")), None)
    if line is None:
        raise SystemExit(f"no summary in wrk output:\n{output}")
    data = json.loads(line[len("JSON:") :])
    non_2xx = data["status"]
    for text in output.splitlines():
        if "Non-2xx or 3xx responses:" in text:
            non_2xx = max(non_2xx, int(text.split(":")[1]))
    duration = data["duration_us"] / 1e6
    return Result(
        endpoint=endpoint,
        requests=data["requests"],
        duration_s=duration,
        rps=data["requests"] / duration if duration else 0.0,
        p50_ms=data["p50_us"] / 1000,
        p90_ms=data["p90_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
        max_ms=data["max_us"] / 1000,
        socket_errors=data["connect"] + data["read"] + data["write"] + data["timeout"],
        non_2xx=non_2xx,
    )


def table(results: list[Result]) -> str:
    lines = [
        f"{'endpoint':<8}{'requests':>10}{'req/s':>9}{'p50 ms':>9}{'p90 ms':>9}"
        f"{'p99 ms':>9}{'max ms':>9}{'sock err':>10}{'non-2xx':>9}"
    ]
    for r in results:
        lines.append(
            f"{r.endpoint:<8}{r.requests:>10,}{r.rps:>9.1f}{r.p50_ms:>9.1f}{r.p90_ms:>9.1f}"
            f"{r.p99_ms:>9.1f}{r.max_ms:>9.1f}{r.socket_errors:>10}{r.non_2xx:>9}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="wrk against gunicorn on PostgreSQL data")
    parser.add_argument("--database-url", required=True, help="postgres://… (only read)")
    parser.add_argument("--duration", type=int, default=30, help="seconds per endpoint")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--endpoints", default=",".join(ENDPOINTS))
    parser.add_argument("--json", action="store_true", help="also print the results as JSON")
    args = parser.parse_args(argv)
    if not args.database_url.startswith(("postgres://", "postgresql://")):
        parser.error("--database-url: a PostgreSQL URL is required (the load test is about it)")
    endpoints = [e.strip() for e in args.endpoints.split(",") if e.strip()]
    unknown = sorted(set(endpoints) - set(ENDPOINTS))
    if unknown:
        parser.error(f"--endpoints: unknown {', '.join(unknown)} (choose from {ENDPOINTS})")

    sys.path.insert(0, str(ROOT))
    started = time.strftime("%Y-%m-%d %H:%M:%S %Z")
    load_before = os.getloadavg()
    data = sample(args.database_url)
    env = server_env(args.database_url)
    collectstatic(env)
    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="creditsite-load-") as tmp:
        paths = scripts(data, Path(tmp))
        server = Gunicorn(env, workers=args.workers, log=Path(tmp) / "gunicorn.log")
        try:
            server.wait_ready()
            try:
                hand_check(server.base, data)
            except (AssertionError, urllib.error.URLError) as error:
                raise SystemExit(
                    f"hand check failed: {error}\ngunicorn log:\n{server.tail(40)}"
                ) from None
            for endpoint in endpoints:
                results.append(
                    run_wrk(
                        server.base,
                        paths[endpoint],
                        endpoint=endpoint,
                        duration=args.duration,
                        connections=args.connections,
                        threads=args.threads,
                    )
                )
                print(table(results[-1:]).splitlines()[-1], flush=True)
        finally:
            server.stop()
        log_tail = server.tail(15)
    load_after = os.getloadavg()
    print(
        f"\n{started}: wrk {args.threads} threads, {args.connections} connections, "
        f"{args.duration} s per endpoint; gunicorn {args.workers} sync workers; "
        f"{os.cpu_count()} CPUs shared by all; load average before {load_before[0]:.1f}, "
        f"after {load_after[0]:.1f} (1 min)"
    )
    print(table(results))
    if args.json:
        print(json.dumps([r.__dict__ for r in results]))
    failed = sum(r.errors for r in results)
    if failed:
        print(f"\nFAILED: {failed} requests failed. gunicorn log:\n{log_tail}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
