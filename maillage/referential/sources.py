"""Where the reference files come from: a local folder or an http(s) base mirroring its layout.

Downloaded files are kept under ``DATA_DIR/cache/referential/<host>/<path>/`` and reused on
the next run (``refresh=True`` fetches them again). A download goes to a temporary file that
is renamed only once complete, so an interrupted transfer never leaves a truncated file in
the cache.
"""

import hashlib
import os
import re
import tempfile
from pathlib import Path
from urllib.parse import quote, urlsplit

import httpx
from django.conf import settings
from django.utils.translation import gettext as _

from maillage.referential.loaders.base import ReferentialFileError, SourceFile

# Relative paths inside the source, as in shared/data.
COG_DIR = "communes/decoupage_administratif_2026"
REGIONS = f"{COG_DIR}/regions.json"
DEPARTMENTS = f"{COG_DIR}/departements.json"
EPCIS = f"{COG_DIR}/epci.json"
COMMUNES = f"{COG_DIR}/communes.json"
LAPOSTE = "communes/laposte_hexasmal_2020_brut.csv"
NAF = "naf/int_courts_naf_rev_2_utf8.csv"
HEADCOUNT_BANDS = "sirene/tranches_effectifs_sirene.csv"
LEGAL_CATEGORIES = "sirene/categories_juridiques.tsv"
ROME_FICHES = "rome/unix_referentiel_code_rome_v460_utf8.csv"
ROME_DOMAINS = "rome/unix_cr_gd_dp_v460_utf8.csv"
CPV = "commande_publique/cpv_2008_fr.csv"

TIMEOUT = httpx.Timeout(30.0, connect=10.0)


def is_url(source: str) -> bool:
    return source.startswith(("http://", "https://"))


class Source:
    """Gives a local ``SourceFile`` for a relative path, downloading it first for a URL source."""

    def __init__(self, location: str | Path, *, refresh: bool = False, cache_dir: Path | None = None):
        self.location = str(location)
        self.refresh = refresh
        self.downloaded: list[str] = []
        self.reused: list[str] = []
        self._client: httpx.Client | None = None
        if is_url(self.location):
            self.base = self.location.rstrip("/") + "/"
            parts = urlsplit(self.base)
            slug = re.sub(r"[^A-Za-z0-9._-]+", "_", f"{parts.netloc}{parts.path}").strip("_")
            # The digest tells apart two bases that the slug would confuse.
            digest = hashlib.sha256(self.base.encode()).hexdigest()[:8]
            root = cache_dir or Path(settings.DATA_DIR) / "cache" / "referential"
            self.cache = root / f"{slug[:80]}-{digest}"
        else:
            self.root = Path(self.location).expanduser()
            if not self.root.is_dir():
                raise ReferentialFileError(self.location, _("dossier source introuvable"))

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        if self._client is not None:
            self._client.close()

    def file(self, relative: str) -> SourceFile:
        if not is_url(self.location):
            return SourceFile(self.root / relative, str(self.root / relative))
        url = self.base + quote(relative)
        target = self.cache / relative
        if target.exists() and not self.refresh:
            self.reused.append(relative)
        else:
            self._download(url, target)
            self.downloaded.append(relative)
        return SourceFile(target, url)

    def _download(self, url: str, target: Path) -> None:
        if self._client is None:
            self._client = httpx.Client(timeout=TIMEOUT, follow_redirects=True)
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".download-")
        try:
            with os.fdopen(handle, "wb") as out, self._client.stream("GET", url) as response:
                if response.status_code == 404:
                    raise ReferentialFileError(url, _("fichier introuvable (HTTP 404)"))
                if response.status_code != 200:
                    raise ReferentialFileError(
                        url, _("téléchargement refusé (HTTP %(status)d)") % {"status": response.status_code}
                    )
                for chunk in response.iter_bytes():
                    out.write(chunk)
            os.replace(temporary, target)
        except httpx.HTTPError as exc:
            raise ReferentialFileError(
                url, _("téléchargement impossible (%(error)s)") % {"error": exc}
            ) from None
        finally:
            if os.path.exists(temporary):
                os.unlink(temporary)
