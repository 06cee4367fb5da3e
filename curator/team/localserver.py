"""A throw-away PostgreSQL server in a temporary folder, for the test suite and ``bench sync``.

Debian's ``postgresql`` package provides ``initdb`` and ``pg_ctl``. PostgreSQL refuses to run as root, so as root
the server runs as the ``postgres`` system user. It listens only on a Unix socket inside the folder (no TCP port,
nothing reachable from outside) with trust authentication, and ``stop()`` removes everything.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import uuid
from pathlib import Path

from ..errors import CuratorError


def pg_bindir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    if found:
        return Path(found[-1]).parent
    which = shutil.which("pg_ctl")
    return Path(which).parent if which else None


class LocalServer:
    def __init__(self) -> None:
        bindir = pg_bindir()
        if bindir is None:
            raise CuratorError("PostgreSQL is not installed here (Debian: apt-get install postgresql)")
        self.bindir = bindir
        self.base = Path(tempfile.mkdtemp(prefix="curator-pg-"))
        self.data, self.sock = self.base / "data", self.base / "sock"
        self.sock.mkdir()
        if os.geteuid() == 0:
            try:
                pw = pwd.getpwnam("postgres")
            except KeyError as err:
                raise CuratorError("running as root and there is no 'postgres' user to run the server as") from err
            for path in (self.base, self.sock):
                os.chown(path, pw.pw_uid, pw.pw_gid)
            self.user = "postgres"
        else:
            self.user = pwd.getpwuid(os.geteuid()).pw_name

    def _cmd(self, *args: str) -> list[str]:
        cmd = [str(self.bindir / args[0]), *args[1:]]
        return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd

    def start(self) -> LocalServer:
        subprocess.run(self._cmd("initdb", "-D", str(self.data), "-A", "trust", "-U", self.user, "--no-sync",
                                 "-E", "UTF8", "--locale=C"), check=True, capture_output=True, timeout=120)
        options = f"-k {self.sock} -c listen_addresses='' -c fsync=off -c max_connections=40"
        subprocess.run(self._cmd("pg_ctl", "-D", str(self.data), "-o", options, "-w", "-t", "60",
                                 "-l", str(self.base / "server.log"), "start"),
                       check=True, capture_output=True, timeout=120)
        return self

    def stop(self) -> None:
        subprocess.run(self._cmd("pg_ctl", "-D", str(self.data), "-m", "immediate", "stop"),
                       capture_output=True, timeout=60)
        shutil.rmtree(self.base, ignore_errors=True)

    def new_database(self) -> str:
        """Create an empty database; returns its ``postgresql://`` address."""
        import psycopg

        name = f"team_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def url(self, database: str) -> str:
        return f"postgresql://{self.user}@/{database}?host={self.sock}"
