"""Error handlers: the site's French pages, JSON for the API (a client parses, a person reads)."""

from django.http import JsonResponse
from django.views.defaults import page_not_found


def not_found(request, exception):
    # The 404 page carries the header of the visitor's role; an API answer must not vary by role.
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not Found"}, status=404)
    return page_not_found(request, exception)
