"""Hostile files are read in a child process: its peak memory and time, under a 2 GB address-space cap.

The cap (``ulimit -v 2000000``) turns a memory bomb into a ``MemoryError`` of the child instead
of a machine brought down; the timeout turns a hang into a failure. ``run_child`` returns the
child's last printed line (JSON), with ``seconds`` and ``peak_mb`` measured by the child itself
(``resource.getrusage``).
"""

import json
import resource
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ADDRESS_SPACE_CAP = 2_000_000 * 1024  # bytes, as ulimit -v 2000000
# Generous bounds (the machine is shared): the figures measured are in the commit messages.
MAX_SECONDS = 30
MAX_PEAK_MB = 500

PRELUDE = """
import json, os, resource, sys, time
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
import django
django.setup()
started = time.perf_counter()
outcome = {}
try:
{body}
except Exception as exc:
    outcome["error"] = f"{type(exc).__name__}: {exc}"
outcome["seconds"] = round(time.perf_counter() - started, 2)
outcome["peak_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
print(json.dumps(outcome, ensure_ascii=False))
"""


def _cap():
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE_CAP, ADDRESS_SPACE_CAP))


def run_child(body: str, *, timeout: int = 120) -> dict:
    """Run ``body`` (it may set ``outcome[...]``) in a capped child; raise if it died or hung."""
    script = PRELUDE.replace("{body}", textwrap.indent(textwrap.dedent(body), "    "))
    try:
        done = subprocess.run(
            [sys.executable, "-c", script],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=timeout,
            preexec_fn=_cap,  # only sets the child's address-space limit
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise AssertionError(f"hung: more than {timeout} s") from exc
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def assert_bounded(outcome: dict) -> None:
    assert outcome["seconds"] < MAX_SECONDS, outcome
    assert outcome["peak_mb"] < MAX_PEAK_MB, outcome
