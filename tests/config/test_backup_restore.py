"""scripts/backup and scripts/restore: a dump of a database with attempts and certificates, restored into a
scratch database, holds every attempt and answer as it was, and every certificate still verifies.

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
    """An empty database next to the test database, dropped afterwards."""
    name = f"{connection.settings_dict['NAME']}_restore_{uuid.uuid4().hex[:8]}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
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
    assert made.stdout.strip() == str(dump) and dump.stat().st_size > 0

    # The original is lost; the backup is restored into an empty database.
    restored = run("restore", str(dump), database_url=scratch_database)
    assert restored.returncode == 0, restored.stderr
    assert fingerprint_of(scratch_database) == before

    # A restore never mixes a backup into a database that has data.
    again = run("restore", str(dump), database_url=scratch_database)
    assert again.returncode == 1
    assert "restore into an empty one" in again.stderr


def test_the_scripts_refuse_a_database_that_is_not_postgresql(tmp_path):
    for script, args in (("backup", []), ("restore", [str(tmp_path / "missing.dump")])):
        refused = run(script, *args, database_url="sqlite:///db.sqlite3")
        assert refused.returncode == 2
