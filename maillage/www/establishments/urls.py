from django.urls import path, register_converter

from maillage.www.establishments import views


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

app_name = "establishments"
urlpatterns = [
    path("etablissements/<siret:siret>/", views.establishment_detail, name="detail"),
    path("etablissements/<siret:siret>/contact/", views.establishment_contact, name="contact"),
    path("entreprises/<siren:siren>/", views.organisation_detail, name="organisation"),
]
