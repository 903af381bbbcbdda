"""The one application error: a refusal that names the field at fault, with a translated message.

Every service raises a subclass (``NeedValidationError``, ``ProfileValidationError``…); one
helper puts it on a form (``maillage.www.forms.attach_error``), the API maps it to a 422 with
``{"detail": [{"loc": [...], "msg": ...}]}``. The message is translated when it is raised
(``gettext``) or lazily (``gettext_lazy``); ``str(error.message)`` renders it in the active
language. This module imports nothing from Maillage so that every layer, the parsers included,
may raise it.
"""


class MaillageError(ValueError):
    """A value or an action refused by a service; ``field`` names it (``"capabilities[1].quantity"``)."""

    def __init__(self, field: str, message):
        super().__init__(f"{field} : {message}")
        self.field = field
        self.message = str(message)
