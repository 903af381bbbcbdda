"""Which queue the settings choose: SQLite beside the data by default, Redis with REDIS_URL."""

import json
import os
import subprocess
import sys

SCRIPT = (
    "import json; from config.settings import base; "
    "print(json.dumps({k: v for k, v in base.HUEY.items() if k != 'consumer'}))"
)


def _huey_settings(**env) -> dict:
    environment = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "HUEY_IMMEDIATE"}}
    environment |= {"DEBUG": "true", **env}
    output = subprocess.run(
        [sys.executable, "-c", SCRIPT], env=environment, capture_output=True, text=True, check=True
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def test_embedded_sqlite_queue_by_default(tmp_path):
    huey = _huey_settings(MAILLAGE_DATA_DIR=str(tmp_path))
    assert huey["huey_class"] == "huey.SqliteHuey"
    assert huey["filename"] == str(tmp_path / "huey.sqlite3")
    assert huey["immediate"] is False


def test_redis_queue_when_redis_url_is_set(tmp_path):
    huey = _huey_settings(MAILLAGE_DATA_DIR=str(tmp_path), REDIS_URL="redis://queue.internal:6379/2")
    assert huey["huey_class"] == "huey.RedisHuey"
    assert huey["url"] == "redis://queue.internal:6379/2"
    assert "filename" not in huey
