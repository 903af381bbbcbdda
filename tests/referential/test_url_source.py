"""``--source https://…``: files fetched from a mirror of the layout, cached, then reused."""

import functools
import socket
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from maillage.referential.services import referential_load

pytestmark = pytest.mark.django_db


class RecordingHandler(SimpleHTTPRequestHandler):
    requests: list[str]

    def do_GET(self):
        self.requests.append(self.path)
        super().do_GET()

    def log_message(self, format, *args):
        pass


@pytest.fixture
def mirror(data_dir):
    """A local HTTP server on 127.0.0.1 serving shared/data, stopped after the test."""
    requests: list[str] = []
    handler = type("Handler", (RecordingHandler,), {"requests": requests})
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(data_dir)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.requests = requests
    server.url = f"http://127.0.0.1:{server.server_address[1]}/"
    yield server
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def test_url_source_downloads_into_the_cache_and_gives_the_same_rows(loaded, mirror, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    report = referential_load(source=mirror.url, wet_run=True)
    assert len(report.downloaded) == 11
    assert len(mirror.requests) == 11
    # The same rows as the local load: nothing to change.
    assert not report.changed
    cached = list((tmp_path / "cache" / "referential").rglob("*.json"))
    assert {path.name for path in cached} == {
        "regions.json",
        "departements.json",
        "epci.json",
        "communes.json",
    }


def test_second_url_run_reuses_the_cache_without_requests(loaded, mirror, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    referential_load(source=mirror.url, only=["naf", "cpv"], wet_run=True)
    assert len(mirror.requests) == 2
    out = StringIO()
    call_command("load_referential", "--source", mirror.url, "--only", "naf,cpv", stdout=out)
    assert len(mirror.requests) == 2
    assert "repris du cache : 2" in out.getvalue()
    referential_load(source=mirror.url, only=["naf"], refresh=True)
    assert len(mirror.requests) == 3


def test_file_missing_from_the_mirror_names_its_url(loaded, mirror, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    with pytest.raises(CommandError) as error:
        call_command("load_referential", "--source", mirror.url + "naf/", "--only", "naf", stdout=StringIO())
    assert "naf/naf/int_courts_naf_rev_2_utf8.csv" in str(error.value)
    assert "404" in str(error.value)
    assert not list((tmp_path / "cache").rglob("*.csv"))  # nothing half-written is cached


def test_unreachable_mirror_is_reported(loaded, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    with socket.socket() as probe:  # a loopback port that was free a moment ago: connection refused
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(CommandError, match="téléchargement impossible"):
        call_command(
            "load_referential", "--source", f"http://127.0.0.1:{port}/", "--only", "naf", stdout=StringIO()
        )
