"""The interface language: the cookie Django's LocaleMiddleware reads, and the header's switch —
Django's ``set_language`` (cookie, redirect back) plus, for a logged-in user, the stored
preference, so that the next login and the e-mails they get follow the language they last
chose, not only the one on the preferences page."""

from django.conf import settings
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from maillage.accounts.account_services import account_language_set


def set_language_cookie(response, language: str) -> None:
    """The cookie Django's LocaleMiddleware reads (the same the language switcher sets)."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


@require_POST
def language(request):
    response = set_language(request)
    if request.user.is_authenticated:
        account_language_set(user=request.user, language=request.POST.get("language", ""))
    return response
