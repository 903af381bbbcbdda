#!/usr/bin/env python3
"""Run a command against a private, throwaway PostgreSQL cluster.

    python scripts/throwaway_postgres.py -- pytest

creates a cluster with ``initdb`` in a temporary directory, starts it with ``pg_ctl`` on a
free loopback port, exports ``DATABASE_URL`` for the command, then stops the cluster and
deletes it whatever the command's outcome. The command's exit status is returned.
PostgreSQL refuses to run as root, so as root the cluster runs as the ``postgres`` system
user that Debian's package creates.
"""

import glob
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path


def find_bindir() -> Path:
    for candidate in [os.environ.get("PG_BINDIR"), shutil.which("pg_config")]:
        if candidate and candidate.endswith("pg_config"):
            out = subprocess.run([candidate, "--bindir"], capture_output=True, text=True, check=False)
            candidate = out.stdout.strip()
        if candidate and (Path(candidate) / "initdb").exists():
            return Path(candidate)
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True)
    if found:
        return Path(found[0]).parent
    sys.exit("throwaway_postgres: PostgreSQL server binaries not found (apt-get install postgresql).")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def main() -> int:
    args = sys.argv[1:]
    if args[:1] == ["--"]:
        args = args[1:]
    if not args:
        sys.exit("usage: throwaway_postgres.py -- COMMAND [ARG...]")
    bindir = find_bindir()
    run_as: list[str] = []
    tmp = Path(tempfile.mkdtemp(prefix="maillage-pg-"))
    if os.geteuid() == 0:
        run_as = ["runuser", "-u", "postgres", "--"]
        pg_user = pwd.getpwnam("postgres")
        os.chown(tmp, pg_user.pw_uid, pg_user.pw_gid)
    datadir, port = tmp / "data", free_port()
    log = tmp / "server.log"

    def pg(*cmd: str, **kwargs) -> subprocess.CompletedProcess:
        return subprocess.run([*run_as, *cmd], check=True, **kwargs)

    try:
        pg(
            str(bindir / "initdb"),
            "-D",
            str(datadir),
            "-U",
            "postgres",
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C.UTF-8",
            stdout=subprocess.DEVNULL,
        )
        options = f"-p {port} -k {tmp} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off"
        pg(
            str(bindir / "pg_ctl"),
            "-D",
            str(datadir),
            "-l",
            str(log),
            "-o",
            options,
            "-w",
            "start",
            stdout=subprocess.DEVNULL,
        )
        pg(str(bindir / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "maillage")
        env = dict(os.environ, DATABASE_URL=f"postgres://postgres@127.0.0.1:{port}/maillage")
        print(f"throwaway_postgres: PostgreSQL on 127.0.0.1:{port}", file=sys.stderr, flush=True)
        return subprocess.run(args, env=env, check=False).returncode
    except subprocess.CalledProcessError as exc:
        if log.exists():
            sys.stderr.write(log.read_text(errors="replace"))
        print(f"throwaway_postgres: {exc}", file=sys.stderr)
        return 3
    finally:
        if (datadir / "postmaster.pid").exists():
            subprocess.run(
                [*run_as, str(bindir / "pg_ctl"), "-D", str(datadir), "-m", "immediate", "stop"],
                check=False,
                stdout=subprocess.DEVNULL,
            )
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
