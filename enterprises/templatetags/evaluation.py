"""Tags for templates/enterprises/_evaluation.html: the partial works with only
``evaluation`` (and optionally ``history``) in its context."""

from __future__ import annotations

from typing import Any

from django import template

from enterprises import charts, queries

register = template.Library()


@register.simple_tag
def evaluation_history(evaluation: Any, history: Any = None) -> list[Any]:
    """``history`` if the page passed it, else the subject's history (one query)."""
    if history is not None and history != "":
        return list(history)
    if evaluation is None:
        return []
    return queries.score_history(evaluation.subject)


@register.simple_tag
def evaluation_chart(history: list[Any], evaluation: Any) -> dict[str, Any] | None:
    return charts.score_chart(history, edition=getattr(evaluation, "edition", None))


@register.simple_tag
def evaluation_explain(evaluation: Any, explained: Any = None) -> Any:
    """The per-indicator explanation (three queries), unless the page computed it."""
    if explained:
        return explained
    if evaluation is None:
        return None
    return queries.evaluation_explained(evaluation.subject, evaluation)


@register.simple_tag
def evaluation_status(evaluation: Any, history: list[Any]) -> dict[str, Any]:
    """What the page may say about the last change of the score (from the history)."""
    return charts.score_status(evaluation, history)


@register.simple_tag
def evaluation_bands(evaluation: Any) -> list[dict[str, str]]:
    """The five grades and their ranges as the evaluation's edition sets them."""
    return charts.grade_bands(getattr(evaluation, "edition", None))


@register.simple_tag
def evaluation_indicator_chart(explanation: Any) -> dict[str, Any] | None:
    return charts.indicator_chart(explanation)


@register.filter
def signed(value: int) -> str:
    return f"+{value}" if value > 0 else str(value)
