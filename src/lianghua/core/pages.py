"""Small pieces every list page shares: the page of a long list and its sort order."""

from django.core.paginator import Page, Paginator
from django.db.models import F

PAGE_SIZE = 50


def page_of(request, queryset, size: int = PAGE_SIZE) -> Page:
    """The requested page (?page=N), the last one when N is past the end, the first when unreadable."""
    return Paginator(queryset, size).get_page(request.GET.get("page"))


def list_order(sort: str, sorts: dict) -> list:
    """Order expressions for a sort key ("name", "-revenue"); empty values last on SQLite and PostgreSQL
    alike (they disagree by default)."""
    field = sorts[sort.lstrip("-")][0]
    expression = F(field).desc(nulls_last=True) if sort.startswith("-") else F(field).asc(nulls_last=True)
    return [expression] if field == "name" else [expression, "name"]
