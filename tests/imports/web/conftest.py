# The CPV nomenclature and the shipped taxonomy, loaded once for this package (as in tests/relations).
from tests.relations.conftest import _cpv_and_taxonomy, taxonomy  # noqa: F401
