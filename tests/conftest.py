import os

import pytest
from django.conf import settings
from django.db import connection
from django.utils import translation


def pytest_report_header(config):
    return f"database: {os.environ.get('DATABASE_URL', 'sqlite (in memory)').split('@')[-1]}"


@pytest.fixture
def on_postgres():
    return connection.vendor == "postgresql"


@pytest.fixture(autouse=True)
def _default_language():
    """The test client leaves the last request's language active in this thread: reset it."""
    yield
    translation.activate(settings.LANGUAGE_CODE)
