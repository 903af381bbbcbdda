"""What the search journeys share: the shipped taxonomy, an index of the test's own, Haguenau."""

from maillage.matching.index import reader
from maillage.taxonomy.loader import read_taxonomy
from maillage.taxonomy.services import taxonomy_load
from tests.referential.factories import CommuneFactory

HAGUENAU = (48.8156, 7.7906)


def search_ready(settings, tmp_path) -> None:
    """The shipped taxonomy, no tile server (markers on a blank map), the index under tmp_path."""
    taxonomy_load(data=read_taxonomy(), dry_run=False)
    settings.MAILLAGE_TILE_URL = ""
    settings.SEARCH_INDEX_DIR = tmp_path / "index"
    reader.reset()


def haguenau_commune():
    return CommuneFactory(
        insee_code="67180",
        name="Haguenau",
        search_name="haguenau",
        latitude=HAGUENAU[0],
        longitude=HAGUENAU[1],
        postal_codes=["67500"],
    )
