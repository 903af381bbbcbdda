# The fixtures live in one module; each package gets its own package-scoped demo index.
from tests.search_fixtures import demo_index, private_index  # noqa: F401
