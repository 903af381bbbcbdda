"""A network's identity: its accent colour (AA contrast checked) and its logo (checked image),
set by its animators, worn by every page's header; the theme and logo URLs."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from maillage.directory.branding import contrast_ratio
from maillage.directory.errors import DirectoryError
from maillage.directory.services import network_branding_update
from tests.accounts.factories import UserFactory
from tests.directory.factories import NetworkFactory

pytestmark = pytest.mark.django_db


def _image(image_format="PNG", size=(120, 40), name="logo.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (11, 92, 122)).save(buffer, format=image_format)
    return SimpleUploadedFile(name, buffer.getvalue())


@pytest.fixture
def network(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    network = NetworkFactory(slug="plasturgie", name="Pôle Plasturgie de l’Est")
    network.animators.add(UserFactory(email="animatrice@example.org"))
    return network


def test_contrast_ratio_follows_wcag():
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast_ratio("#ffffff", "#ffffff") == pytest.approx(1.0)
    assert contrast_ratio("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)  # the AA grey


def test_the_header_wears_the_only_networks_name_logo_and_colour(client, network):
    network_branding_update(network=network, actor=None, accent_colour="#7A1F5C", logo=_image())
    html = client.get("/").content.decode()
    header = html[html.index('<header class="site-header">') : html.index("</header>")]
    assert "Pôle Plasturgie de l’Est" in header and "avec Maillage" in header
    logo_url = reverse("home:network_logo", kwargs={"slug": "plasturgie"})
    assert f'src="{logo_url}?v=' in header
    theme = html[html.index('href="/theme.css?v=') :].split('"')[1]
    css = client.get(theme)
    assert css["Content-Type"].startswith("text/css")
    assert css.content.decode() == ":root { --accent: #7a1f5c; }\n"
    logo = client.get(logo_url)
    assert logo.status_code == 200 and logo["Content-Type"] == "image/png"
    assert b"".join(logo.streaming_content).startswith(b"\x89PNG")


def test_with_several_networks_the_site_keeps_maillages_identity(client, network):
    network_branding_update(network=network, actor=None, accent_colour="#7a1f5c")
    NetworkFactory(slug="autre", name="Autre réseau")
    html = client.get("/").content.decode()
    assert "/theme.css" not in html and '<span class="brand__name">Maillage</span>' in html
    assert client.get("/theme.css").content == b""


@pytest.mark.parametrize(
    "colour,code", [("#9ec5fe", "colour_contrast"), ("#ffcc00", "colour_contrast"), ("bleu", "colour_format")]
)
def test_a_colour_white_text_cannot_be_read_on_is_refused(network, colour, code):
    with pytest.raises(DirectoryError) as refused:
        network_branding_update(network=network, actor=None, accent_colour=colour)
    assert refused.value.field == "accent_colour"
    network.refresh_from_db()
    assert network.accent_colour == ""


def test_the_refusal_names_the_ratio_in_french(client, network):
    client.force_login(network.animators.get())
    response = client.post(reverse("backoffice:branding", args=["plasturgie"]), {"accent_colour": "#9ec5fe"})
    assert response.status_code == 400
    assert "contraste de 1,8:1 avec le blanc" in response.content.decode()


@pytest.mark.parametrize(
    "upload,message",
    [
        (SimpleUploadedFile("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>x()</script></svg>'),
         "pas une image lisible"),
        (_image("GIF", name="logo.gif"), "Format GIF refusé"),
        (_image(size=(2400, 300)), "2 400 × 300 pixels"),
    ],
    ids=["svg", "gif", "too-large"],
)  # fmt: skip
def test_a_logo_that_is_no_safe_small_image_is_refused(client, network, upload, message):
    client.force_login(network.animators.get())
    response = client.post(reverse("backoffice:branding", args=["plasturgie"]), {"logo": upload})
    assert response.status_code == 400
    assert message in response.content.decode().replace("\u202f", " ").replace("\u00a0", " ")
    network.refresh_from_db()
    assert not network.logo


def test_a_new_logo_replaces_the_old_file_and_removing_it_deletes_it(
    client, network, settings, django_capture_on_commit_callbacks
):
    client.force_login(network.animators.get())
    url = reverse("backoffice:branding", args=["plasturgie"])
    assert client.get(reverse("home:network_logo", args=["plasturgie"])).status_code == 404
    client.post(url, {"accent_colour": "", "logo": _image()})
    network.refresh_from_db()
    first = settings.MEDIA_ROOT / network.logo.name
    assert first.exists()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"accent_colour": "", "logo": _image(name="nouveau.png")})
    network.refresh_from_db()
    assert not first.exists() and (settings.MEDIA_ROOT / network.logo.name).exists()
    second = settings.MEDIA_ROOT / network.logo.name
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"accent_colour": "", "remove_logo": "on"})
    network.refresh_from_db()
    assert not network.logo and not second.exists()
    assert client.get(reverse("home:network_logo", args=["plasturgie"])).status_code == 404


def test_another_networks_animator_cannot_change_the_identity(client, network):
    other = NetworkFactory(slug="autre")
    intruder = UserFactory()
    other.animators.add(intruder)
    client.force_login(intruder)
    response = client.post(reverse("backoffice:branding", args=["plasturgie"]), {"accent_colour": "#000000"})
    assert response.status_code == 403
    network.refresh_from_db()
    assert network.accent_colour == ""
