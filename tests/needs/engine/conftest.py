# The demo territory and its search index, built once for this sub-package only (its flush
# afterwards keeps the other need tests on an empty database).
from tests.search_fixtures import demo_index, private_index  # noqa: F401
