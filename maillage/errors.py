"""The one application error: a refusal that names the field at fault, with a translated message.

Every service raises a subclass (``NeedValidationError``, ``ProfileValidationError``,
``RelationError``, ``AccountError``, ``TaxonomyError``, ``DirectoryError``,
``SearchQueryError``…); one helper puts it on a form (``maillage.www.forms.attach_error``),
the API maps it to a 422 with ``{"detail": [{"loc": [...], "msg": ...}]}``. The message is
translated when it is raised (``gettext``) or lazily (``gettext_lazy``); ``str(error.message)``
renders it in the active language. This module imports nothing from Maillage so that every
layer, the parsers included, may raise it (the engine, which imports nothing outside itself,
keeps its own ``QueryError``; ``maillage.matching`` turns it into a ``SearchQueryError``).
"""


class MaillageError(ValueError):
    """A value or an action refused by a service; ``field`` names it (``"capabilities[1].quantity"``).

    ``field`` is empty when the refusal concerns no field in particular (a claim already
    decided): forms show it among their non-field errors."""

    def __init__(self, field: str, message):
        super().__init__(f"{field} : {message}" if field else str(message))
        self.field = field
        self.message = str(message)

    @classmethod
    def from_validation(cls, error, field: str = ""):
        """This error from a Django ``ValidationError`` (a model's ``full_clean``, a field
        validator): its first field and that field's messages; ``field`` when it names none."""
        if hasattr(error, "error_dict"):
            name, messages = next(iter(error.message_dict.items()))
            return cls(field if name == "__all__" else name, " ".join(messages))
        return cls(field, " ".join(error.messages))
