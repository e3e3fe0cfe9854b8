"""Page-number pagination of the JSON API: ``?page=N`` and, where a view allows it,
``?page_size=N`` up to the view's maximum. Past the last page the answer is a 404 with
the error body of ``core.api.handlers``."""

from __future__ import annotations

from rest_framework.pagination import PageNumberPagination


class ClientSizedPagination(PageNumberPagination):
    """Pages whose size the client may choose (``page_size``) up to ``max_page_size``;
    subclasses set ``page_size`` and ``max_page_size``."""

    page_size_query_param = "page_size"
