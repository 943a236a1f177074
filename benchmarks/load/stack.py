"""A production-like dxam stack on scratch resources: PostgreSQL, Redis, gunicorn, a Celery worker and beat.

Everything is started by this process, on free ports, with its own database and its own `redis-server`,
and everything is stopped (and the database dropped) by `Stack.close()`, which `run.py` calls on every
exit path. The shared PostgreSQL and Redis of the machine are never stopped, flushed or written to,
except for creating and dropping a `dxam_load_*` database when `LOAD_POSTGRES=shared`.
"""

import hashlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
BIN = Path(PYTHON).parent
CACHE_DIR = REPO / "benchmarks" / "load" / ".cache"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until(condition, what: str, timeout: float = 60.0, interval: float = 0.1):
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            raise StackError(f"gave up after {timeout:.0f} s waiting for {what}")
        time.sleep(interval)


class StackError(RuntimeError):
    """The stack could not be started (the message says which part and where its log is)."""


class Service:
    """One long-running process (and its children) in a session of its own, logging to a file."""

    def __init__(self, name: str, command: list[str], env: dict, log_path: Path, cwd: Path = REPO, user=None):
        self.name, self.command, self.env, self.log_path, self.cwd, self.user = (
            name,
            command,
            env,
            log_path,
            cwd,
            user,
        )
        self.process: subprocess.Popen | None = None
        self.starts = 0

    def start(self):
        with self.log_path.open("a") as log:
            log.write(
                f"\n=== start {self.starts + 1} at {time.strftime('%H:%M:%S')}: {' '.join(self.command)}\n"
            )
            log.flush()
            self.process = subprocess.Popen(
                self.command,
                cwd=self.cwd,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                user=self.user,
            )
        self.starts += 1
        return self

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process else None

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def exit_code(self) -> int | None:
        return None if self.process is None else self.process.poll()

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def log_tail(self, lines: int = 15) -> str:
        return "\n".join(self.log_text().splitlines()[-lines:])

    def signal_group(self, signum: int):
        if self.running():
            try:
                os.killpg(self.process.pid, signum)
            except ProcessLookupError:
                pass

    def kill(self):
        """SIGKILL the process and everything it started: no shutdown, nothing handed back."""
        self.signal_group(signal.SIGKILL)
        if self.process is not None:
            self.process.wait(timeout=30)

    def stop(self, timeout: float = 15.0):
        if not self.running():
            return
        self.signal_group(signal.SIGTERM)
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
        # Children that outlived their parent (a gunicorn or Celery pool process).
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass


# --- PostgreSQL -----------------------------------------------------------------------------------------


class PrivatePostgres:
    """A PostgreSQL cluster of this run's own (initdb in the run directory, a free port): its CPU can be
    measured exactly (every backend is its child) and nothing else runs in it."""

    kind = "private"

    def __init__(self, directory: Path, database: str):
        self.directory = directory / "postgres"
        self.database = database
        self.port = free_port()
        self.user = "postgres" if os.geteuid() == 0 else None  # PostgreSQL refuses to run as root
        self.service: Service | None = None

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{self.database}"

    def admin_url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/postgres"

    def _binary(self, name: str) -> str:
        found = shutil.which(name)
        if found is None:
            candidates = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))
            if not candidates:
                raise StackError(f"{name} was not found: install PostgreSQL or use LOAD_POSTGRES=shared")
            found = str(candidates[-1])
        return found

    def start(self, log_dir: Path):
        self.directory.mkdir(parents=True)
        if self.user:
            shutil.chown(self.directory, self.user)
        data = self.directory / "data"
        subprocess.run(
            [
                self._binary("initdb"),
                "-D",
                str(data),
                "-A",
                "trust",
                "-U",
                "postgres",
                "-E",
                "UTF8",
                "--no-sync",
            ],
            check=True,
            stdout=subprocess.DEVNULL,
            user=self.user,
        )
        command = [
            self._binary("postgres"),
            "-D",
            str(data),
            "-p",
            str(self.port),
            "-c",
            "listen_addresses=127.0.0.1",
            "-k",
            str(self.directory),
            "-c",
            "max_connections=300",
            "-c",
            "shared_buffers=256MB",
        ]
        self.service = Service(
            "postgres", command, os.environ.copy(), log_dir / "postgres.log", user=self.user
        )
        if self.user:
            (log_dir / "postgres.log").touch()
            shutil.chown(log_dir / "postgres.log", self.user)
        self.service.start()
        wait_until(self._ready, f"PostgreSQL on port {self.port} (log: {self.service.log_path})", timeout=30)
        _psql(self.admin_url(), f'CREATE DATABASE "{self.database}"')

    def _ready(self):
        if not self.service.running():
            raise StackError(f"PostgreSQL exited:\n{self.service.log_tail()}")
        return subprocess.run(["pg_isready", "-h", "127.0.0.1", "-p", str(self.port), "-q"]).returncode == 0

    def cpu_root(self) -> int | None:
        return self.service.pid if self.service else None

    def close(self):
        if self.service is not None:
            self.service.stop(timeout=20)
        shutil.rmtree(self.directory, ignore_errors=True)


class SharedPostgres:
    """A scratch database on the machine's shared server (its CPU cannot be told apart from others')."""

    kind = "shared"

    def __init__(self, directory: Path, database: str):
        self.database = database
        self.server = os.environ.get("LOAD_POSTGRES_SERVER", "postgres://postgres@127.0.0.1:5432")
        self.created = False

    @property
    def url(self) -> str:
        return f"{self.server}/{self.database}"

    def admin_url(self) -> str:
        return f"{self.server}/postgres"

    def start(self, log_dir: Path):
        _psql(self.admin_url(), f'CREATE DATABASE "{self.database}"')
        self.created = True

    def cpu_root(self) -> int | None:
        return None

    def close(self):
        if self.created:
            _psql(self.admin_url(), f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')


def _psql(url: str, sql: str, **kwargs):
    return subprocess.run(
        ["psql", url, "-v", "ON_ERROR_STOP=1", "-qAt", "-c", sql],
        check=True,
        capture_output=True,
        text=True,
        **kwargs,
    )


# --- Redis ----------------------------------------------------------------------------------------------


class PrivateRedis:
    """A `redis-server` of this run's own, without persistence: a restart loses every queued message, as a
    broker restart without persistence does."""

    def __init__(self, directory: Path):
        self.port = free_port()
        self.directory = directory
        binary = shutil.which("redis-server")
        if binary is None:
            raise StackError("redis-server is not installed (apt-get install redis-server)")
        command = [
            binary,
            "--port",
            str(self.port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--daemonize",
            "no",
            "--dir",
            str(directory),
        ]
        self.service = Service("redis", command, os.environ.copy(), directory / "logs" / "redis.log")

    def url(self, db: int) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self):
        self.service.start()
        wait_until(self._answers, f"redis-server on port {self.port}", timeout=20)

    def _answers(self):
        if not self.service.running():
            raise StackError(f"redis-server exited:\n{self.service.log_tail()}")
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as connection:
                connection.sendall(b"PING\r\n")
                return connection.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self):
        self.service.stop()

    def close(self):
        self.service.stop()


# --- The stack ------------------------------------------------------------------------------------------


@dataclass
class StackOptions:
    web_workers: int = 2
    web_class: str = "sync"
    web_threads: int = 1
    worker_concurrency: int = 2
    worker_nice: int = 10  # grading and beat yield the CPU to page requests
    postgres: str = "private"  # or "shared"
    extra_env: dict = field(default_factory=dict)
    profile_dir: Path | None = None


class Stack:
    def __init__(self, directory: Path, options: StackOptions):
        self.directory = directory
        self.options = options
        self.logs = directory / "logs"
        self.logs.mkdir(parents=True, exist_ok=True)
        self.request_logs = directory / "requests"
        self.request_logs.mkdir(exist_ok=True)
        self.database = "dxam_load_" + directory.name.removeprefix("dxam-load-").lower()
        postgres_class = SharedPostgres if options.postgres == "shared" else PrivatePostgres
        self.postgres = postgres_class(directory, self.database)
        self.redis = PrivateRedis(directory)
        self.web_port = free_port()
        self.web: Service | None = None
        self.worker: Service | None = None
        self.beat: Service | None = None
        self.env: dict = {}

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.web_port}"

    def app_env(self) -> dict:
        env = {
            **os.environ,
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_SSL_REDIRECT": "0",
            "SITE_URL": self.base_url,
            "DATABASE_URL": self.postgres.url,
            "CELERY_BROKER_URL": self.redis.url(0),
            "CELERY_RESULT_BACKEND": self.redis.url(0),
            "CACHE_URL": self.redis.url(1),
            "LOG_LEVEL": "INFO",
            "PYTHONUNBUFFERED": "1",
            "LOAD_REQUEST_LOG_DIR": str(self.request_logs),
            # One BLAS thread per process, as in a container limited to its cores.
            "OPENBLAS_NUM_THREADS": "1",
            "OMP_NUM_THREADS": "1",
            **self.options.extra_env,
        }
        # The harness is the TLS proxy in front of the app (PROXY=1 adds X-Forwarded-For per learner).
        env.setdefault("TRUSTED_PROXIES", "127.0.0.1")
        # The harness's webhook receiver runs here, which the outbound URL policy refuses by default.
        env.setdefault("ALLOW_PRIVATE_OUTBOUND", "1")
        if self.options.profile_dir:
            env["LOAD_PROFILE_DIR"] = str(self.options.profile_dir)
        return env

    # -- bring-up --

    def start(self, say=print):
        say(f"  PostgreSQL ({self.postgres.kind}) database {self.database}")
        self.postgres.start(self.logs)
        say(f"  redis-server on port {self.redis.port}")
        self.redis.start()
        self.env = self.app_env()
        self.prepare_database(say)
        self.collect_static(say)
        self.web = Service("web", self.web_command(), self.env, self.logs / "gunicorn.log").start()
        self.worker = Service("worker", self.worker_command(), self.env, self.logs / "worker.log").start()
        self.beat = Service("beat", self.beat_command(), self.env, self.logs / "beat.log").start()
        wait_until(self.web_ready, f"gunicorn on port {self.web_port} (log: {self.web.log_path})", timeout=60)
        wait_until(self.worker_ready, f"the Celery worker (log: {self.worker.log_path})", timeout=90)
        say(
            f"  gunicorn {self.options.web_workers} × {self.options.web_class} on {self.base_url}, "
            "worker, beat"
        )

    def manage(self, *args: str, timeout: float = 900):
        result = subprocess.run(
            [PYTHON, "manage.py", *args],
            cwd=REPO,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if result.returncode != 0:
            raise StackError(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
        return result.stdout

    def prepare_database(self, say):
        """Migrate and import the shipped bank, or restore both from a dump made by an earlier run with the
        same migrations and bank (importing validates every question: minutes on two busy cores)."""
        dump = CACHE_DIR / f"seed-{_seed_fingerprint()}.dump"
        if dump.exists():
            say(f"  restoring the migrated database and imported bank from {dump.name}")
            subprocess.run(
                ["pg_restore", "--no-owner", "-d", self.postgres.url, str(dump)],
                check=True,
                capture_output=True,
            )
            return
        say("  migrating and importing the shipped bank (cached for the next run)")
        self.manage("migrate", "--noinput")
        self.manage("import_bank", "exams/bank")
        CACHE_DIR.mkdir(parents=True, exist_ok=True)
        partial = dump.with_suffix(".partial")
        subprocess.run(
            ["pg_dump", "-Fc", "-f", str(partial), self.postgres.url], check=True, capture_output=True
        )
        partial.rename(dump)

    def collect_static(self, say):
        """The hashed, compressed static files DEBUG=0 serves; rebuilt only when a static file changed."""
        manifest = REPO / "staticfiles" / "staticfiles.json"
        newest = max(path.stat().st_mtime for path in (REPO / "static").rglob("*") if path.is_file())
        if manifest.exists() and manifest.stat().st_mtime > newest:
            return
        say("  collecting static files")
        self.manage("collectstatic", "--noinput")

    def web_command(self) -> list[str]:
        options = self.options
        return [
            str(BIN / "gunicorn"),
            "config.wsgi:application",
            "-c",
            str(REPO / "benchmarks/load/gunicorn_hooks.py"),
            "--bind",
            f"127.0.0.1:{self.web_port}",
            "--workers",
            str(options.web_workers),
            "--worker-class",
            options.web_class,
            "--threads",
            str(options.web_threads),
            "--log-level",
            "warning",
        ]

    def worker_command(self) -> list[str]:
        return self._niced() + _celery(
            "worker",
            "-Q",
            "grading,celery",
            "--loglevel=INFO",
            f"--concurrency={self.options.worker_concurrency}",
            "--hostname",
            f"load-{self.directory.name}@%h",
        )

    def beat_command(self) -> list[str]:
        return self._niced() + _celery(
            "beat", "--loglevel=INFO", "--schedule", str(self.directory / "celerybeat-schedule")
        )

    def _niced(self) -> list[str]:
        return ["nice", "-n", str(self.options.worker_nice)] if self.options.worker_nice else []

    def web_ready(self) -> bool:
        if not self.web.running():
            raise StackError(f"gunicorn exited:\n{self.web.log_tail()}")
        try:
            with socket.create_connection(("127.0.0.1", self.web_port), timeout=1) as connection:
                connection.sendall(b"GET /healthz HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
                status_line = connection.recv(64).split(b"\r\n", 1)[0].split()
                return status_line[1:2] == [b"200"]
        except OSError:
            return False

    def worker_ready(self) -> bool:
        if not self.worker.running():
            raise StackError(f"the Celery worker exited:\n{self.worker.log_tail()}")
        return self.worker.log_text().count(" ready.") >= self.worker.starts

    def restart_worker(self):
        """What a supervisor (systemd, Docker's restart policy) does after the worker died."""
        if self.worker.running():
            self.worker.stop()
        self.worker.start()
        wait_until(
            self.worker_ready, f"the restarted Celery worker (log: {self.worker.log_path})", timeout=90
        )

    def web_worker_pids(self) -> list[int]:
        return _children(self.web.pid) if self.web and self.web.running() else []

    def cpu_roots(self) -> dict[str, int | None]:
        return {
            "web (gunicorn)": self.web.pid if self.web else None,
            "celery worker": self.worker.pid if self.worker else None,
            "celery beat": self.beat.pid if self.beat else None,
            "postgres": self.postgres.cpu_root(),
            "redis": self.redis.service.pid,
        }

    def close(self):
        for service in (self.web, self.worker, self.beat):
            if service is not None:
                service.stop()
        self.redis.close()
        try:
            self.postgres.close()
        except subprocess.CalledProcessError as error:
            print(f"warning: could not drop {self.database}: {error.stderr}", file=sys.stderr)


def _celery(*arguments: str) -> list[str]:
    return [str(BIN / "celery"), "-A", "config", *arguments]


def _children(pid: int) -> list[int]:
    try:
        return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except (FileNotFoundError, ProcessLookupError):
        return []


def _seed_fingerprint() -> str:
    """Changes whenever a migration or a bank file changes (or another PostgreSQL version dumps)."""
    digest = hashlib.sha256()
    paths = sorted(REPO.glob("*/migrations/*.py")) + sorted((REPO / "exams" / "bank").glob("*.yaml"))
    for path in paths:
        digest.update(str(path.relative_to(REPO)).encode())
        digest.update(path.read_bytes())
    digest.update(subprocess.run(["pg_dump", "--version"], capture_output=True, text=True).stdout.encode())
    return digest.hexdigest()[:16]
