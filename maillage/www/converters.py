"""URL converters of the identifiers, registered on import by the areas' urls modules."""

from django.urls import register_converter


class DigitsConverter:
    """Exactly ``length`` digits, kept as a string (identifiers keep their leading zeros)."""

    length = 0

    @property
    def regex(self):
        return f"[0-9]{{{self.length}}}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


class SiretConverter(DigitsConverter):
    length = 14


class SirenConverter(DigitsConverter):
    length = 9


register_converter(SiretConverter, "siret")
register_converter(SirenConverter, "siren")
