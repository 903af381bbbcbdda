import os

import pytest
from django.db import connection


def pytest_report_header(config):
    return f"database: {os.environ.get('DATABASE_URL', 'sqlite (in memory)').split('@')[-1]}"


@pytest.fixture
def on_postgres():
    return connection.vendor == "postgresql"
