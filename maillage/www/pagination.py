"""One way to paginate a list page: the ``page`` GET parameter, out-of-range numbers clamped.
Templates show it with ``includes/pagination.html`` (links keep the other GET parameters)."""

from django.core.paginator import Page, Paginator


def paginate(request, items, per_page: int) -> Page:
    return Paginator(items, per_page).get_page(request.GET.get("page"))
