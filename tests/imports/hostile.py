"""Hostile files generated on the fly (never committed), and a bounded subprocess to read them.

``deflate_zip`` writes a zip whose member repeats a chunk many times without compressing it
many times: after a full flush the deflate stream of a chunk is always the same bytes, so it
is computed once and written N times (1.26 GB of empty lines take a second, not a minute).
``run_bounded`` reads a file in a child process under ``ulimit -v`` and reports its exit
status, output, wall time and peak RSS (``wait4``), so a memory bomb cannot take the machine
down and its cost is measured.
"""

from __future__ import annotations

import os
import re
import struct
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
import zlib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ADDRESS_SPACE_KB = 2_000_000


def deflate_zip(path: Path, member: str, parts: list[tuple[bytes, int]]) -> Path:
    """A one-member deflated zip of the concatenation of ``chunk * repeat`` for each part."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    crc, size, compressed = 0, 0, 0
    name = member.encode()
    with open(path, "wb") as out:
        out.write(b"\0" * (30 + len(name)))  # local header, rewritten at the end
        for chunk, repeat in parts:
            block = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
            for _ in range(repeat):
                out.write(block)
                crc = zlib.crc32(chunk, crc)
            size += len(chunk) * repeat
            compressed += len(block) * repeat
        tail = compressor.flush(zlib.Z_FINISH)
        out.write(tail)
        compressed += len(tail)
        assert size < 0xFFFFFFFF and compressed < 0xFFFFFFFF, "no zip64 here"
        common = struct.pack("<HHHHHIII", 20, 0, 8, 0, 0, crc, compressed, size)
        directory_at = out.tell()
        central = (
            struct.pack("<IH", 0x02014B50, 20)
            + common
            + struct.pack("<HHHHHII", len(name), 0, 0, 0, 0, 0, 0)
            + name
        )
        out.write(central)
        out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 1, 1, len(central), directory_at, 0))
        out.seek(0)
        out.write(struct.pack("<I", 0x04034B50) + common + struct.pack("<HH", len(name), 0) + name)
    return path


# Django's start-up alone takes seconds on a loaded machine: the child times its own work.
PRELUDE = """\
import atexit, sys, time
import django
django.setup()
_started = time.perf_counter()
atexit.register(lambda: print(f"@work_seconds={time.perf_counter() - _started:.3f}", file=sys.stderr))
# The child's own peak (VmHWM, reset at exec): wait4's ru_maxrss starts from the RSS of the
# process that forked it, so a pytest that has grown to 500 MB would report 500 MB for any child.
atexit.register(lambda: print(
    "@peak_kb=" + next(l.split()[1] for l in open("/proc/self/status") if l.startswith("VmHWM")),
    file=sys.stderr,
))
"""


@dataclass
class Bounded:
    returncode: int
    stdout: str
    stderr: str
    seconds: float  # the child's work after django.setup() (wall time with start-up if it died)
    peak_mb: float

    def __str__(self) -> str:
        figures = f"exit {self.returncode}, {self.seconds:.1f} s, {self.peak_mb:.0f} MB"
        return f"{figures}: {self.stdout}{self.stderr[-2000:]}"


def run_bounded(code: str, *args: str, timeout: float = 120) -> Bounded:
    """Run ``code`` (after ``django.setup()``) in a child limited to 2 GB of address space."""
    script = PRELUDE + textwrap.dedent(code)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", "PYTHONPATH": str(ROOT)}
    command = f'ulimit -v {ADDRESS_SPACE_KB}; exec "$0" -c "$1" "${{@:2}}"'
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        process = subprocess.Popen(
            ["bash", "-c", command, sys.executable, script, *args], stdout=out, stderr=err, cwd=ROOT, env=env
        )
        timer = threading.Timer(timeout, process.kill)
        timer.start()
        try:
            _, status, usage = os.wait4(process.pid, 0)
        finally:
            timer.cancel()
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stderr = err.read()
        timed = re.search(r"@work_seconds=([0-9.]+)", stderr)
        if timed:
            seconds = float(timed[1])
        peak = re.search(r"@peak_kb=([0-9]+)", stderr)
        peak_kb = int(peak[1]) if peak else usage.ru_maxrss  # a child killed before atexit
        return Bounded(process.returncode, out.read(), stderr, seconds, peak_kb / 1024)
