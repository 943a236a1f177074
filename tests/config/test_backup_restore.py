"""scripts/backup and scripts/restore: a dump of a database with attempts and certificates, restored into a
scratch database that does not exist yet and again (--replace) over one that lost data, holds every attempt
and answer as it was, and every certificate still verifies; what is not a PostgreSQL backup touches nothing.

PostgreSQL only (the scripts are pg_dump/pg_restore): skipped on the embedded SQLite run."""

import json
import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.db import connection
from django.test import Client

from certificates.models import Certificate
from exams.models import Attempt
from tests.workers import database_url_for_workers

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def postgres():
    if connection.vendor != "postgresql":
        pytest.skip("backups are PostgreSQL dumps (set DATABASE_URL to a PostgreSQL database)")
    for tool in ("pg_dump", "pg_restore", "psql"):
        if shutil.which(tool) is None:
            pytest.fail(f"{tool} is not installed (the PostgreSQL client tools)")


@pytest.fixture
def scratch_database(postgres):
    """The URL of a database next to the test database that does not exist yet, dropped afterwards."""
    name = f"{connection.settings_dict['NAME']}_restore_{uuid.uuid4().hex[:8]}"
    yield urlunsplit(urlsplit(database_url_for_workers())._replace(path=f"/{name}"))
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def fingerprint() -> dict:
    """Every attempt with its answers and scores, and every certificate as its verification shows it."""
    client = Client()
    attempts = {
        str(attempt.pk): {
            "learner": attempt.learner.email,
            "status": attempt.status,
            "score": attempt.score,
            "passed": attempt.passed,
            "graded_at": attempt.graded_at.isoformat() if attempt.graded_at else None,
            "answers": [
                [item.position, item.response.answer, item.response.score, item.response.verdict]
                for item in attempt.questions.select_related("response").order_by("position")
                if hasattr(item, "response")
            ],
        }
        for attempt in Attempt.objects.all()
    }
    certificates = {}
    for certificate in Certificate.objects.all():
        page = client.get(f"/verify/{certificate.code}")
        api = client.get(f"/api/v1/certificates/verify/{certificate.code}")
        certificates[certificate.reference] = {
            "page": page.status_code,
            "names_the_holder": certificate.name in page.content.decode(),
            "api": api.status_code,
            "verified": api.json(),
        }
    return {"attempts": attempts, "certificates": certificates}


def fingerprint_of(database_url: str) -> dict:
    """fingerprint() computed by another process on another database."""
    code = (
        "import django, json; django.setup(); "
        "from tests.config.test_backup_restore import fingerprint; print(json.dumps(fingerprint()))"
    )
    env = {**os.environ, "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "config.settings"}
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


def run(script: str, *args: str, database_url: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": database_url}
    return subprocess.run(
        [ROOT / "scripts" / script, *args], cwd=ROOT, env=env, capture_output=True, text=True
    )


def test_a_backup_restores_every_attempt_and_certificate(
    certifying_exam, learner, author, take, scratch_database, tmp_path
):
    passed = take(certifying_exam, learner, correct=2)
    take(certifying_exam, author, correct=1)
    take(certifying_exam, author, correct=2)
    passed.learner.certificates.get().revoke("Issued in error.")  # a revoked one verifies as revoked
    take(certifying_exam, learner, correct=2)
    before = fingerprint()
    assert len(before["attempts"]) == 4 and len(before["certificates"]) == 2
    assert all(certificate["api"] == 200 for certificate in before["certificates"].values())

    dump = tmp_path / "dxam.dump"
    made = run("backup", str(dump), database_url=database_url_for_workers())
    assert made.returncode == 0, made.stderr
    assert str(dump) in made.stdout and dump.stat().st_size > 0
    assert not dump.with_name("dxam.dump.partial").exists()

    # The original is lost; the backup is restored where no database exists (the script creates it).
    restored = run("restore", str(dump), database_url=scratch_database)
    assert restored.returncode == 0, restored.stderr
    assert fingerprint_of(scratch_database) == before

    # A restore never mixes a backup into a database that has data...
    psql(scratch_database, "DELETE FROM certificates_certificate")
    assert fingerprint_of(scratch_database)["certificates"] == {}
    again = run("restore", str(dump), database_url=scratch_database)
    assert again.returncode == 2 and "--replace" in again.stderr
    # ...unless told to replace it.
    replaced = run("restore", str(dump), "--replace", database_url=scratch_database)
    assert replaced.returncode == 0, replaced.stderr
    assert fingerprint_of(scratch_database) == before


def psql(database_url: str, sql: str) -> str:
    done = subprocess.run(
        ["psql", "-X", "-q", "-At", "-c", sql, database_url], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_what_is_not_a_postgresql_backup_touches_nothing(scratch_database, tmp_path):
    garbage = tmp_path / "garbage.dump"
    garbage.write_bytes(b"not a dump")
    for script, args in (("backup", []), ("restore", [str(garbage)])):
        refused = run(script, *args, database_url="sqlite:///db.sqlite3")
        assert refused.returncode == 2 and "PostgreSQL" in refused.stderr
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{urlsplit(scratch_database).path[1:]}"')
    psql(scratch_database, "CREATE TABLE kept (id int); INSERT INTO kept VALUES (1)")
    # The file is checked before anything is dropped, even with --replace.
    unreadable = run("restore", str(garbage), "--replace", database_url=scratch_database)
    assert unreadable.returncode == 2 and "pg_restore failed" in unreadable.stderr
    assert psql(scratch_database, "SELECT id FROM kept") == "1"
    missing = run("restore", str(tmp_path / "missing.dump"), database_url=scratch_database)
    assert missing.returncode == 2 and "no backup file" in missing.stderr


def test_the_scripts_take_every_database_url_form_and_keep_the_password_off_the_command_line():
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        from pgtools import Database
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    database = Database.from_url("postgresql://dxam:p%40ss@db.internal:6543/dxam?sslmode=require&x=1")
    assert database.name == "dxam"
    assert database.environment == {
        "PGHOST": "db.internal",
        "PGPORT": "6543",
        "PGUSER": "dxam",
        "PGPASSWORD": "p@ss",
        "PGSSLMODE": "require",
    }
