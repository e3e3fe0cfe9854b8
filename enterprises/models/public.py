"""Models of the public site: policies, credit commitments, issued reports."""

__all__: list[str] = []
