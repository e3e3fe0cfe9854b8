"""Public reads from a read replica.

With ``DATABASE_REPLICA_URL`` set, settings add ``DATABASES["replica"]`` (in production a
physical streaming replica of the primary), this router and ``ReplicaRoutingMiddleware``.
Without it nothing here is installed and every query goes to ``default``.

What reads the replica: ORM reads made while serving an anonymous GET or HEAD request of
the public site or the public API, and nothing else. The primary (``default``) serves:

- every write, and every read after the request's first write (its own writes must be
  visible to it) or inside a transaction (``select_for_update``, services);
- requests of signed-in users (officials, the admin) and of department tokens;
- POST and every other unsafe method;
- paths where a visitor reads what they have just written, which the replica may not have
  yet (replication lag): case tracking (``/track/`` and its API under
  ``/api/v1/objections/`` and ``/api/v1/repair-applications/``: an objection submitted
  a second ago must be visible to its applicant), report verification
  (``/reports/verify/``: a report issued a second ago), the admin and the workbench;
- sessions and users (``django.contrib.sessions`` / ``auth``) always, so a sign-in is
  never lost to lag;
- code outside requests: Celery tasks, commands, the shell.

Raw SQL through ``django.db.connection`` always runs on the primary. Migrations run only
on ``default``: the replica gets the schema by replication.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.http import HttpRequest, HttpResponse

REPLICA_DB_ALIAS = "replica"

# Paths whose anonymous GETs still read the primary: a visitor reads there what was just
# written (by them or for them).
PRIMARY_PATHS = (
    "/admin/",
    "/track/",
    "/api/v1/objections/",
    "/api/v1/repair-applications/",
    "/reports/verify/",
    "/repair/workbench/",
)
# Apps whose rows are read right after being written by another request.
PRIMARY_APPS = frozenset({"sessions", "auth"})
SAFE_METHODS = frozenset({"GET", "HEAD"})


@dataclass
class RequestReads:
    """Per request: may reads go to the replica, and has the request written yet."""

    replica: bool
    wrote: bool = False


_current: ContextVar[RequestReads | None] = ContextVar("creditsite_request_reads", default=None)


def replica_allowed(request: HttpRequest) -> bool:
    """An anonymous GET/HEAD of a public page or of the public API (see the module doc)."""
    if request.method not in SAFE_METHODS:
        return False
    if request.path.startswith(PRIMARY_PATHS):
        return False
    if request.META.get("HTTP_AUTHORIZATION"):
        return False  # a department token: its own writes must be readable at once
    user = getattr(request, "user", None)
    # A request without a session cookie is anonymous without a query; with one, the
    # session and user are read from the primary (PRIMARY_APPS).
    return not (user is not None and user.is_authenticated)


class ReplicaRoutingMiddleware:
    """Decide once per request whether its reads may use the replica (after
    AuthenticationMiddleware, which it needs to tell officials from the public)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _current.set(RequestReads(replica=replica_allowed(request)))
        try:
            return self.get_response(request)
        finally:
            _current.reset(token)


class ReplicaRouter:
    """Reads to ``replica`` when the current request allows it; writes and migrations to
    ``default``."""

    def db_for_read(self, model: Any, **hints: Any) -> str:
        reads = _current.get()
        if (
            reads is None
            or not reads.replica
            or reads.wrote
            or model._meta.app_label in PRIMARY_APPS
            or connections[DEFAULT_DB_ALIAS].in_atomic_block
        ):
            return DEFAULT_DB_ALIAS
        return REPLICA_DB_ALIAS

    def db_for_write(self, model: Any, **hints: Any) -> str:
        reads = _current.get()
        if reads is not None:
            reads.wrote = True  # from now on this request reads its own writes
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        # The replica holds the primary's rows: objects read from either may be related.
        both = {obj1._state.db, obj2._state.db}
        if both <= {DEFAULT_DB_ALIAS, REPLICA_DB_ALIAS}:
            return True
        return None

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == DEFAULT_DB_ALIAS
