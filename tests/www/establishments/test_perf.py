"""The establishment page's reads: few queries, and the cheaper nearby ranking ranks as before."""

import pytest

from maillage.profiles import services
from maillage.profiles.display import distance_km, profile_shown, similar_nearby
from maillage.profiles.models import ChangeSource
from tests.directory.factories import EstablishmentFactory
from tests.www.establishments.test_pages import (  # noqa: F401
    _shipped_taxonomy_loaded,
    kieffer,
    network,
    taxonomy,
    url,
)

pytestmark = pytest.mark.django_db
SPREADSHEET = ChangeSource.SPREADSHEET


def located(name, lat, lon, *codes):
    establishment = EstablishmentFactory(name=name, latitude=lat, longitude=lon)
    for code in codes:
        services.profile_capability_set(
            establishment=establishment, code=code, actor=None, source=SPREADSHEET
        )
    return establishment


def test_nearby_ranks_by_shared_capabilities_then_distance_and_keeps_the_limit(kieffer):  # noqa: F811
    both = "proc.machining.milling", "proc.joining.welding.tig"
    two_far = located("Deux en commun, loin", 48.95, 7.95, *both)
    two_near = located("Deux en commun, près", 48.82, 7.80, *both)
    ones = [located(f"Un en commun {i}", 48.81 + 0.01 * i, 7.79, both[0]) for i in range(1, 4)]
    located("Hors rayon", 49.5, 7.79, *both)  # about 77 km north
    neighbours = similar_nearby(kieffer, limit=4)
    assert [n.establishment for n in neighbours] == [two_near, two_far, ones[0], ones[1]]
    assert [n.shared for n in neighbours] == [2, 2, 1, 1]
    assert neighbours[1].distance_km == pytest.approx(distance_km(48.81, 7.79, 48.95, 7.95))
    # Given the page's profile, the same neighbours without reading the capabilities again.
    shown = profile_shown(kieffer, members_only=False)
    assert similar_nearby(kieffer, limit=4, shown=shown) == neighbours


def test_full_profile_page_reads_the_database_a_dozen_times_at_most(
    client,
    kieffer,  # noqa: F811
    django_assert_max_num_queries,
):
    located("Usinage Voisin", 48.85, 7.85, "proc.machining.milling")
    # 15: the header's network identity (1) and, the company having no account, whether its
    # network's team can take a visitor's message (1) came with issues 14 and 15.
    with django_assert_max_num_queries(15):
        response = client.get(url(kieffer))
    html = response.content.decode()
    assert "Usinage Voisin" in html and "Presse 300" in html and "Airbus" in html
