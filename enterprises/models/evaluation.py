"""The indicator catalogue and public credit evaluations (evaluation issue)."""

__all__: list[str] = []
