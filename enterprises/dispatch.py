"""The Celery tasks that the services queue, looked up by name.

``enterprises.tasks`` wraps the services (it imports them); so that the services need not
import the tasks back, ``EnterprisesConfig.ready()`` registers each task here and the
services queue it through :func:`task` (docs/architecture.md, registries).
"""

from __future__ import annotations

from typing import Any

_tasks: dict[str, Any] = {}


def register_task(name: str, task_object: Any) -> None:
    _tasks[name] = task_object


def task(name: str) -> Any:
    """The registered Celery task ``name`` (``.delay`` / ``.apply_async`` as usual)."""
    try:
        return _tasks[name]
    except KeyError:
        raise LookupError(f"No task {name!r} registered (is enterprises installed?)") from None
