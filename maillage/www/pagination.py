"""One way to paginate a list page: the ``page`` GET parameter, out-of-range numbers clamped.
Templates show it with ``includes/pagination.html`` (links keep the other GET parameters)."""

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet


def paginate(request, items, per_page: int) -> Page:
    return Paginator(items, per_page).get_page(request.GET.get("page"))


def paginate_deferred(request, rows: QuerySet, per_page: int) -> Page:
    """``paginate`` for long, wide lists: the page's ids are picked first (OFFSET over the ids
    only, which an index can serve), then only those rows are read, joined and prefetched.
    Reading whole rows to skip them made page 400 of a 50,000-entry journal take 110 ms of
    SQLite instead of a few (bench/web.py --scale backoffice)."""
    page = paginate(request, rows.values_list("pk", flat=True), per_page)
    ids = list(page.object_list)
    by_id = {row.pk: row for row in rows.filter(pk__in=ids)}
    page.object_list = [by_id[pk] for pk in ids if pk in by_id]
    return page
