"""What scripts/backup and scripts/restore share: the PostgreSQL database that DATABASE_URL names, given to
PostgreSQL's own client programs (pg_dump, pg_restore, psql) through libpq's environment variables, so a
password never appears on a command line. Standard library only: the scripts run without the virtualenv."""

import os
import subprocess
import sys
from dataclasses import dataclass
from urllib.parse import parse_qsl, unquote, urlsplit

# The schemes dj-database-url reads as PostgreSQL (config/settings.py): the scripts accept what the app does.
POSTGRES_SCHEMES = {"postgres", "postgresql", "pgsql", "postgis"}
# Query parameters of a DATABASE_URL that libpq understands, and the variables that carry them.
LIBPQ_PARAMETERS = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "application_name": "PGAPPNAME",
}


class Refused(Exception):
    """Why a script will not go on; printed as the script's error, exit status 2."""


@dataclass(frozen=True)
class Database:
    name: str
    environment: dict[str, str]  # PGHOST, PGPORT, PGUSER, PGPASSWORD, … for the client programs

    @classmethod
    def from_url(cls, url: str) -> "Database":
        parts = urlsplit(url)
        if parts.scheme not in POSTGRES_SCHEMES:
            raise Refused(
                f"DATABASE_URL must name a PostgreSQL database (postgres://…), not {parts.scheme or url!r}. "
                "The embedded SQLite database is backed up by copying db.sqlite3 while the app is stopped."
            )
        name = unquote(parts.path.lstrip("/"))
        if not name:
            raise Refused("DATABASE_URL names no database (postgres://user@host:5432/NAME).")
        environment = {
            variable: value
            for variable, value in {
                "PGHOST": unquote(parts.hostname or ""),
                "PGPORT": str(parts.port or ""),
                "PGUSER": unquote(parts.username or ""),
                "PGPASSWORD": unquote(parts.password or ""),
            }.items()
            if value
        }
        for key, value in parse_qsl(parts.query):
            if key in LIBPQ_PARAMETERS:
                environment[LIBPQ_PARAMETERS[key]] = value
        return cls(name, environment)

    @classmethod
    def from_environment(cls) -> "Database":
        url = os.environ.get("DATABASE_URL", "")
        if not url:
            raise Refused("Set DATABASE_URL to the PostgreSQL database (as the app's own setting).")
        return cls.from_url(url)

    def run(self, program: list[str], **kwargs) -> subprocess.CompletedProcess:
        """Run a PostgreSQL client program against this server; a failure raises Refused with its message."""
        environment = {**os.environ, **self.environment}
        environment.pop("PGDATABASE", None)
        try:
            completed = subprocess.run(program, env=environment, capture_output=True, text=True, **kwargs)
        except FileNotFoundError:
            raise Refused(f"{program[0]} is not installed: install PostgreSQL's client programs.") from None
        if completed.returncode != 0:
            raise Refused(f"{program[0]} failed: {completed.stderr.strip() or completed.stdout.strip()}")
        return completed

    def query(self, sql: str, database: str | None = None, **variables: str) -> str:
        """One psql query's output (unaligned, tuples only); `variables` are passed as psql :'variables'."""
        settings = [f"--set={name}={value}" for name, value in variables.items()]
        program = ["psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", *settings, "-d", database or self.name]
        return self.run(program, input=sql).stdout.strip()

    def exists(self) -> bool:
        found = self.query("SELECT 1 FROM pg_database WHERE datname = :'name';", "postgres", name=self.name)
        return found == "1"

    def table_count(self) -> int:
        sql = "SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema');"
        return int(self.query(sql))


def main(action, arguments: list[str]) -> int:
    try:
        action(arguments)
    except Refused as refusal:
        print(f"{os.path.basename(sys.argv[0])}: {refusal}", file=sys.stderr)
        return 2
    return 0
