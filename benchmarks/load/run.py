"""dxam's load and fault test: a production-like stack on scratch resources, simulated learners, a report.

    make loadtest                                  # 20 learners, 60 s (see benchmarks/load/README.md)
    make loadtest LEARNERS=200 DURATION=180        # the issue 18 scenario
    make loadtest FAULT=redis-restart              # or kill-worker, kill-web, deadline-worker-down
    make loadtest SCENARIO=signin LEARNERS=200     # a class signing in through the proxy within a minute
    make loadtest SCENARIO=profile                 # one worker, one learner, cProfile per request type

Every setting is an environment variable (or the matching --option); the exit code is 0 only when every
check passed. The stack is torn down (processes stopped, scratch database dropped) on every exit path.
"""

import argparse
import asyncio
import json
import math
import os
import random
import shutil
import signal
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

import aiohttp  # noqa: E402
from aiohttp import web  # noqa: E402

from benchmarks.load import checks, drain, faults  # noqa: E402
from benchmarks.load.learner import Learner, Ledger, Pace  # noqa: E402
from benchmarks.load.metrics import CpuMeter, Recorder, percentile, read_server_log, request_table  # noqa: E402
from benchmarks.load.stack import Stack, StackError, StackOptions  # noqa: E402

SCENARIOS = ("exam", "signin", "profile")


@dataclass
class Config:
    scenario: str = "exam"
    learners: int = 20
    duration: float = 60.0
    ramp: float | None = None
    fault: str = "none"
    fault_at: float = 30.0
    kills: int = 2
    fault_every: float = 20.0
    restart_after: float = 5.0
    down: float = 10.0
    drain: float = 150.0
    web_workers: int = 4
    web_class: str = "sync"
    web_threads: int = 1
    worker_concurrency: int = 2
    worker_nice: int = 10
    postgres: str = "private"
    exam: str = ""  # an exam slug, or empty for the run's own copy of the full practice exam
    time_limit: int = 60  # minutes, of the run's exam
    pass_mark: int = 5
    questions: int = 5
    proxy: bool = True
    signin_window: float = 60.0
    seed: int = 1
    keep: bool = False
    pace: Pace = field(default_factory=Pace)


def config_from_arguments(argv=None) -> Config:
    env = os.environ
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )

    def option(name, kind, default, help_text, dest=None):
        variable = name.upper().replace("-", "_")
        value = env.get(variable, "") or default
        parser.add_argument(
            f"--{name}",
            dest=dest or name.replace("-", "_"),
            type=kind,
            default=kind(value) if value != "" else None,
            help=f"{help_text} (env {variable}, default {default!r})",
        )

    option("scenario", str, "exam", f"one of {', '.join(SCENARIOS)}")
    option("learners", int, 20, "simulated learners")
    option("duration", float, 60, "seconds the learners work")
    option(
        "ramp", float, "", "seconds over which the learners arrive (default: a quarter of the duration, ≤ 30)"
    )
    option("fault", str, "none", f"one of {', '.join(faults.FAULTS)}")
    option("fault-at", float, 30, "seconds into the run when the fault starts")
    option("kills", int, 2, "kill-worker/kill-web: how many kills")
    option("fault-every", float, 20, "seconds between two kills")
    option("restart-after", float, 5, "kill-worker: seconds before the 'supervisor' restarts the worker")
    option(
        "down",
        float,
        10,
        "redis-restart: seconds Redis is down; deadline-worker-down: seconds the worker "
        "stays down after the last deadline and grace period",
    )
    option("drain", float, 150, "seconds to wait after the run for grading and webhooks to finish")
    option("web-workers", int, 4, "gunicorn workers (4: the recommended setting on two cores)")
    option("web-class", str, "sync", "gunicorn worker class (sync, gthread)")
    option("web-threads", int, 1, "threads per gunicorn worker (gthread)")
    option("worker-concurrency", int, 2, "Celery worker processes")
    option(
        "worker-nice",
        int,
        10,
        "niceness of the Celery worker and beat (10: grading yields the CPU to page requests)",
    )
    option(
        "load-postgres",
        str,
        "private",
        "private (a cluster of the run's own) or shared (127.0.0.1:5432)",
        dest="postgres",
    )
    option("exam", str, "", "exam slug (default: the run's certifying copy of the full practice exam)")
    option("time-limit", int, 60, "minutes, of the run's exam")
    option("pass-mark", int, 5, "percent, of the run's exam (low: a learner answers only a few questions)")
    option("questions", int, 5, "questions a learner answers before submitting")
    option("proxy", int, 1, "1: requests come through a TLS proxy (X-Forwarded-Proto/-For); 0: plain HTTP")
    option("signin-window", float, 60, "signin: seconds over which the learners sign in")
    option("seed", int, 1, "random seed of the learners' behaviour")
    option("keep", int, 0, "1: keep the run directory (logs, request logs) after the run")
    args = parser.parse_args(argv)
    config = Config(**vars(args))
    config.proxy, config.keep = bool(config.proxy), bool(config.keep)
    if config.scenario not in SCENARIOS:
        parser.error(f"SCENARIO must be one of {SCENARIOS}")
    if config.fault not in faults.FAULTS:
        parser.error(f"FAULT must be one of {faults.FAULTS}")
    return adjust_for_scenario(config)


def adjust_for_scenario(config: Config) -> Config:
    config.pace.questions = config.questions
    if config.scenario == "profile":
        config.learners, config.web_workers, config.web_class, config.web_threads = 1, 1, "sync", 1
    if config.fault == "deadline-worker-down":
        # A short timed exam: half the class closes the tab before the deadline, the rest work until the
        # time is up; nobody retakes.
        config.time_limit = min(config.time_limit, 1)
        config.pace.retake = False
        config.pace.questions = 40
        config.fault_at = min(config.fault_at, 10.0)
    if config.ramp is None:
        config.ramp = min(30.0, config.duration / 4)
    if config.fault == "deadline-worker-down":
        # Long enough for the last learner's deadline and grace period to pass while the learners wait.
        grace = float(os.environ.get("EXAM_GRACE_SECONDS", "30"))
        config.duration = max(config.duration, config.ramp + config.time_limit * 60 + grace + 10)
    return config


# --- The webhook receiver ------------------------------------------------------------------------------


class Receiver:
    """Accepts the app's webhook deliveries, checks their signatures and counts them by delivery id."""

    def __init__(self):
        self.ids: list[str] = []
        self.bad_signatures = 0
        self.secret = ""
        self.port = 0
        self.runner: web.AppRunner | None = None

    async def handle(self, request: web.Request) -> web.Response:
        from integrations.webhooks import verify_signature

        body = await request.read()
        if self.secret and not verify_signature(
            self.secret, body, request.headers.get("X-Dxam-Signature", "")
        ):
            self.bad_signatures += 1
        self.ids.append(request.headers.get("X-Dxam-Delivery", ""))
        return web.Response(text="ok")

    async def start(self) -> str:
        from benchmarks.load.stack import free_port

        app = web.Application()
        app.router.add_post("/hook", self.handle)
        self.runner = web.AppRunner(app, access_log=None)
        await self.runner.setup()
        self.port = free_port()
        await web.TCPSite(self.runner, "127.0.0.1", self.port).start()
        return f"http://127.0.0.1:{self.port}/hook"

    async def stop(self):
        if self.runner:
            await self.runner.cleanup()


# --- Running ------------------------------------------------------------------------------------------


@dataclass
class Report:
    config: Config
    lines: list[str] = field(default_factory=list)
    checks: list = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return all(check.passed for check in self.checks)

    def out(self, text: str = ""):
        self.lines.append(text)
        print(text, flush=True)


def run(config: Config) -> Report:
    """Start the stack, run the scenario, check, report; the stack is always torn down."""
    report = Report(config)
    directory = Path(tempfile.mkdtemp(prefix="dxam-load-"))
    directory.chmod(0o755)  # a private PostgreSQL runs as the postgres user inside it
    options = StackOptions(
        web_workers=config.web_workers,
        web_class=config.web_class,
        web_threads=config.web_threads,
        worker_concurrency=config.worker_concurrency,
        worker_nice=config.worker_nice,
        postgres=config.postgres,
        extra_env={"EXAM_GRACE_SECONDS": os.environ.get("EXAM_GRACE_SECONDS", "30")},
        profile_dir=(directory / "profile") if config.scenario == "profile" else None,
    )
    if options.profile_dir:
        options.profile_dir.mkdir()
    stack = Stack(directory, options)
    previous_term = signal.signal(signal.SIGTERM, _interrupt)
    try:
        report.out(
            f"== dxam load test: scenario {config.scenario}, fault {config.fault}, "
            f"{config.learners} learners, "
            f"{config.duration:.0f} s (run directory {directory}) =="
        )
        report.out("Starting the stack:")
        stack.start(say=report.out)
        os.environ.update(stack.env)
        _setup_django()
        asyncio.run(_drive(config, stack, report))
    except KeyboardInterrupt:
        report.out("Interrupted: tearing the stack down.")
        report.checks.append(checks.Check("the run completed", False, "interrupted"))
    except StackError as error:
        report.out(f"The stack could not start: {error}")
        report.checks.append(checks.Check("the stack started", False, str(error)))
    finally:
        signal.signal(signal.SIGTERM, previous_term)
        _close_django()
        stack.close()
        if config.keep:
            report.out(f"Logs kept in {directory}")
        else:
            shutil.rmtree(directory, ignore_errors=True)
    return report


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def _setup_django():
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()


def _close_django():
    try:
        from django.db import connections

        connections.close_all()
    except Exception:  # Django was never set up: nothing to close
        pass


async def _drive(config: Config, stack: Stack, report: Report):
    from benchmarks.load import seed

    receiver = Receiver()
    receiver_url = await receiver.start()
    try:
        data = await asyncio.to_thread(
            seed.create_accounts, config.learners + 2, receiver_url, config.scenario != "signin"
        )
        receiver.secret = data.webhook_secret
        if config.exam:
            exam_slug = config.exam
        else:
            exam_slug = await asyncio.to_thread(seed.create_run_exam, config.time_limit, config.pass_mark)
        data.exam_slug = exam_slug
        report.out(
            f"  {config.learners} learners (+2 for probes), exam {exam_slug!r}, webhooks to {receiver_url}"
        )
        if config.scenario == "signin":
            await _run_signin(config, stack, data, report)
        else:
            await _run_exam(config, stack, data, receiver, report)
            if config.scenario == "profile":
                await asyncio.to_thread(_profile_report, stack, report)
    finally:
        await receiver.stop()


def _http_session() -> aiohttp.ClientSession:
    return aiohttp.ClientSession(
        cookie_jar=aiohttp.DummyCookieJar(),
        connector=aiohttp.TCPConnector(limit=0, force_close=False),
        timeout=aiohttp.ClientTimeout(total=60),
    )


async def _run_exam(config: Config, stack: Stack, data, receiver: Receiver, report: Report):
    from benchmarks.load.seed import answer_key

    recorder, ledger = Recorder(), Ledger()
    stop = asyncio.Event()
    cpu = CpuMeter(stack.cpu_roots)
    fault_log = faults.FaultLog(config.fault)
    learner_accounts = data.accounts[: config.learners]
    probe_accounts = data.accounts[config.learners :]

    async def oracle(attempt_id, position):
        try:
            return await asyncio.to_thread(answer_key, attempt_id, position)
        except Exception as error:  # the app changed shape: learners then answer without knowing keys
            recorder.notes.append(f"answer keys unavailable: {error!r}")
            return {}

    async with _http_session() as http:
        learners = []
        rng = random.Random(config.seed)
        for account in learner_accounts:
            pace = Pace(**{**config.pace.__dict__})
            if config.fault == "deadline-worker-down" and account.index % 2 == 0:
                pace.abandon_after = rng.uniform(15, 45)
            learners.append(
                Learner(
                    account.index,
                    http,
                    stack.base_url,
                    recorder,
                    ledger,
                    pace,
                    oracle,
                    data.exam_slug,
                    session_key=account.session_key,
                    proxy=config.proxy,
                    rng=random.Random(config.seed * 100003 + account.index),
                )
            )

        async def one(learner: Learner, delay: float):
            await asyncio.sleep(delay)
            try:
                if learner.pace.abandon_after is not None:
                    await asyncio.wait_for(learner.run(stop), learner.pace.abandon_after)
                else:
                    await learner.run(stop)
            except TimeoutError:
                pass  # closed the tab
            finally:
                learner.close()

        async def sample_cpu():
            while True:
                await asyncio.sleep(1.0)
                cpu.sample()

        async def probe():
            return await _outage_probe(http, stack, probe_accounts[0], data.api_key, config.proxy)

        async def deadline_passed():
            grace = float(stack.env.get("EXAM_GRACE_SECONDS", "30"))
            await asyncio.sleep(max(0.0, config.ramp + config.time_limit * 60 + grace + 5 - config.fault_at))

        start_wall = time.time()
        cpu.start()
        sampler = asyncio.create_task(sample_cpu())
        tasks = [
            asyncio.create_task(one(learner, config.ramp * i / max(1, len(learners))))
            for i, learner in enumerate(learners)
        ]
        fault_task = None
        if config.fault != "none":
            fault_task = asyncio.create_task(
                _start_fault(config, stack, fault_log, cpu, probe, deadline_passed), name="fault"
            )
        report.out(
            f"Running {config.learners} learners for {config.duration:.0f} s (ramp {config.ramp:.0f} s)…"
        )
        await asyncio.wait(tasks, timeout=config.duration)
        stop.set()
        end_wall = time.time()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        cpu_result = cpu.stop()
        sampler.cancel()
        if fault_task is not None:
            try:
                await asyncio.wait_for(fault_task, timeout=config.drain + 600)
            except TimeoutError:
                fault_log.say("the fault scenario did not finish in time")
            except Exception as error:  # reported, and the checks still run
                fault_log.say(f"the fault scenario failed: {error!r}")

    # Outside the session: every connection of the harness is closed, so a connection still open at the web
    # server is a request the server has not finished (see drain.py).
    report.out(
        f"Load stopped; waiting up to {config.drain:.0f} s for the requests in flight, grading and webhooks "
        "to finish…"
    )
    drained = await asyncio.to_thread(_drain, [a.email for a in learner_accounts], config.drain, stack)
    report.out(f"  {drained}")
    consuming = await asyncio.to_thread(_worker_consumes, stack)

    server = read_server_log(stack.request_logs, start_wall, end_wall)
    seconds = end_wall - start_wall
    rows = request_table(recorder.window(start_wall, end_wall), server, seconds)
    _print_requests(report, rows, seconds, config)
    _print_cpu(report, cpu_result, rows, config, stack)
    emails = [a.email for a in learner_accounts]
    grading, shown = await asyncio.to_thread(checks.grading_latencies, emails, recorder.result_seen)
    _print_latency(report, "grading (submit → graded, from the database)", grading)
    _print_latency(report, "result shown (graded → the results page showing it arrived)", shown)
    verdicts = await asyncio.to_thread(checks.verdict_counts, emails)
    report.out(
        "Verdicts of graded answers: " + (", ".join(f"{v or 'none'} {n}" for v, n in verdicts) or "none")
    )
    if recorder.notes:
        report.out("Notes: " + "; ".join(sorted(set(recorder.notes))))
    # Read after the drain: grading runs set off by requests that finished after the load stopped are in it.
    worker_log = checks.worker_log(stack.worker.log_path)
    results = [await asyncio.to_thread(checks.check_answers, ledger)]
    results += await asyncio.to_thread(checks.check_grading, emails, worker_log)
    results += await asyncio.to_thread(
        checks.check_certificates_and_webhooks,
        emails,
        {"ids": receiver.ids, "bad_signatures": receiver.bad_signatures},
    )
    _, deadline_check = await asyncio.to_thread(checks.deadline_report, emails)
    if deadline_check is not None:
        results.append(deadline_check)
    results.append(_request_check(rows, config))
    results.append(consuming)
    if config.fault != "none":
        report.out("")
        report.out(f"Fault {config.fault}:")
        for line in fault_log.events + fault_log.probes:
            report.out(f"  {line}")
        results += fault_log.checks
    _print_checks(report, results)


def _request_check(rows: list[dict], config: Config) -> checks.Check:
    """No request failed; with FAULT=kill-web, requests cut off by the killed worker are expected (the
    page's journal sends a cut-off save again), so they are counted but do not fail the check."""
    errors = sum(row["errors"] for row in rows)
    if config.fault != "kill-web":
        return checks.Check("no request failed", errors == 0, f"{errors} errors")
    cut = sum(
        count for row in rows for reason, count in row["reasons"].items() if reason.startswith("no answer")
    )
    return checks.Check(
        "no request failed but those the killed web workers were serving",
        errors == cut,
        f"{cut} cut off by the kills, {errors - cut} other errors",
    )


async def _start_fault(config, stack, fault_log, cpu, probe, deadline_passed):
    await asyncio.sleep(config.fault_at)
    fault_log.started = time.monotonic() - config.fault_at
    if config.fault == "kill-worker":
        await faults.kill_worker(stack, fault_log, cpu, config)
    elif config.fault == "redis-restart":
        await faults.redis_restart(stack, fault_log, cpu, config, probe)
    elif config.fault == "kill-web":
        await faults.kill_web(stack, fault_log, cpu, config)
    elif config.fault == "deadline-worker-down":
        await faults.deadline_worker_down(stack, fault_log, cpu, config, deadline_passed)


async def _outage_probe(http, stack: Stack, account, api_key: str, proxy: bool) -> list[str]:
    """What a sign-in, an API call and /healthz answer right now (during an outage)."""
    from benchmarks.load.seed import PASSWORD

    results = []
    probe = Learner(account.index, http, stack.base_url, Recorder(), Ledger(), Pace(), None, "", proxy=proxy)
    page = await probe.load_page("/accounts/login/")
    if page is None:
        results.append("sign-in page: no answer")
    else:
        reply = await probe.fetch(
            "POST",
            "/accounts/login/",
            data={
                "csrfmiddlewaretoken": page.csrf,
                "username": account.email,
                "password": PASSWORD,
                "next": "/",
            },
            expect=(302,),
        )
        results.append(f"correct sign-in POST → {reply[0] if reply else 'no answer'}")
    reply = await probe.fetch("GET", "/api/v1/exams/", headers={"Authorization": f"Bearer {api_key}"})
    results.append(f"GET /api/v1/exams/ with an API key → {reply[0] if reply else 'no answer'}")
    reply = await probe.fetch("GET", "/healthz")
    results.append(
        f"/healthz → {reply[0] if reply else 'no answer'} {reply[1].strip()[:120] if reply else ''}"
    )
    return results


def _drain(emails: list[str], timeout: float, stack: Stack) -> str:
    """Wait until the web server has finished every request, no attempt waits for grading and no webhook
    delivery is pending, and this has held for a settle period (or the time is up)."""
    from django.db import close_old_connections

    from exams.models import Attempt
    from integrations.models import WebhookDelivery

    def observe() -> drain.Backlog:
        close_old_connections()
        return drain.Backlog(
            requests=drain.server_connections(stack.web_port),
            submitted=Attempt.objects.filter(
                learner__email__in=emails, status=Attempt.Status.SUBMITTED
            ).count(),
            deliveries=WebhookDelivery.objects.filter(status=WebhookDelivery.Status.PENDING).count(),
        )

    return drain.wait_until_quiet(observe, stack.worker, timeout)


def _worker_consumes(stack: Stack, timeout: float = 30.0) -> checks.Check:
    """Send a sweep to the grading queue and watch the worker's log for it: the worker is consuming."""
    from config.celery import app

    name = "a worker consumes the grading queue at the end, with no manual step"
    started = time.monotonic()
    try:
        task_id = app.send_task("grading.tasks.sweep_attempts", queue="grading").id
    except Exception as error:  # the broker is unreachable
        return checks.Check(name, False, f"could not send a probe task: {error!r}")
    done = f"sweep_attempts[{task_id}] succeeded"
    while time.monotonic() - started < timeout:
        if done in stack.worker.log_text():
            return checks.Check(
                name, True, f"a probe task ran {time.monotonic() - started:.2f} s after it was sent"
            )
        if not stack.worker.running():
            break
        time.sleep(0.2)
    alive = "running" if stack.worker.running() else f"exited with code {stack.worker.exit_code()}"
    return checks.Check(
        name, False, f"no worker ran a probe task within {timeout:.0f} s (worker process {alive})"
    )


# --- Sign-in scenario ----------------------------------------------------------------------------------


async def _run_signin(config: Config, stack: Stack, data, report: Report):
    """LEARNERS learners sign in through the real form within SIGNIN_WINDOW seconds, all through the same
    proxy address (each with its own X-Forwarded-For), as a class starting an exam together does."""
    from benchmarks.load.seed import PASSWORD

    recorder = Recorder()
    outcomes: dict[str, int] = {}
    cpu = CpuMeter(stack.cpu_roots)
    async with _http_session() as http:

        async def sign_in(account, delay):
            await asyncio.sleep(delay)
            learner = Learner(
                account.index, http, stack.base_url, recorder, Ledger(), Pace(), None, "", proxy=config.proxy
            )
            page = await learner.load_page("/accounts/login/")
            if page is None:
                outcomes["no sign-in page"] = outcomes.get("no sign-in page", 0) + 1
                return
            fields = {
                "csrfmiddlewaretoken": page.csrf,
                "username": account.email,
                "password": PASSWORD,
                "next": "/",
            }
            reply = await learner.fetch("POST", "/accounts/login/", data=fields, expect=(302,))
            status = reply[0] if reply else None
            signed_in = status == 302 and "sessionid" in learner.cookies
            label = (
                "signed in"
                if signed_in
                else {429: "refused: 429 too many attempts"}.get(status, f"failed: {status or 'no answer'}")
            )
            outcomes[label] = outcomes.get(label, 0) + 1

        accounts = data.accounts[: config.learners]
        start_wall = time.time()
        cpu.start()
        await asyncio.gather(
            *(
                sign_in(a, random.Random(config.seed + a.index).uniform(0, config.signin_window))
                for a in accounts
            )
        )
        end_wall = time.time()
        cpu_result = cpu.stop()
    server = read_server_log(stack.request_logs, start_wall, end_wall)
    rows = request_table(recorder.window(start_wall, end_wall), server, end_wall - start_wall)
    _print_requests(report, rows, end_wall - start_wall, config)
    _print_cpu(report, cpu_result, rows, config, stack)
    report.out(
        "Sign-in outcomes: " + ", ".join(f"{label}: {count}" for label, count in sorted(outcomes.items()))
    )
    proxy = (
        "through one proxy address, each learner with its own X-Forwarded-For" if config.proxy else "direct"
    )
    signed_in = outcomes.get("signed in", 0)
    _print_checks(
        report,
        [
            checks.Check(
                f"{config.learners} learners sign in within {config.signin_window:.0f} s ({proxy})",
                signed_in == config.learners,
                f"{signed_in}/{config.learners} signed in",
            )
        ],
    )


# --- Profile scenario ----------------------------------------------------------------------------------


def _profile_report(stack: Stack, report: Report, top: int = 10):
    """Stop gunicorn (its worker dumps the profiles as it exits) and print the top costs per request type:
    CPU self time grouped by area, and the heaviest functions by cumulative CPU time."""
    import pstats

    stack.web.stop()
    directory = stack.options.profile_dir
    summaries = [json.loads(path.read_text()) for path in directory.glob("summary-*.json")]
    if not summaries:
        report.out("No profile was written (did the gunicorn worker exit cleanly?)")
        return
    report.out("")
    report.out(
        "Profile of the web worker's CPU time per request type (cProfile on the thread's CPU clock; the"
    )
    report.out("absolute figures are inflated by profiling, the shares are what to read)")
    for kind, entry in sorted(summaries[0].items(), key=lambda item: -item[1]["cpu_ms"] / item[1]["count"]):
        stats = pstats.Stats(str(directory / entry["file"]))
        total = stats.total_tt or 1e-9
        areas: dict[str, float] = {}
        functions = []
        for (filename, line, function), (_, _, tottime, cumtime, _) in stats.stats.items():
            area = _area(filename, function)
            areas[area] = areas.get(area, 0.0) + tottime
            name = _short(filename, line, function)
            if _is_interesting(name):
                functions.append((cumtime / total * 100, name))
        report.out("")
        report.out(
            f"## {kind}: {entry['count']} requests, "
            f"{entry['cpu_ms'] / entry['count']:.1f} ms CPU each (profiled)"
        )
        report.out(
            "   by area (self time): "
            + ", ".join(f"{area} {seconds / total * 100:.0f}%" for area, seconds in _largest(areas, 8))
        )
        report.out("   heaviest functions (cumulative):")
        for share, name in sorted(functions, reverse=True)[:top]:
            report.out(f"     {share:5.1f}%  {name}")
    report.out("")
    report.out(f"Profiles (.prof, for snakeviz or pstats) are in {directory} (kept with KEEP=1)")


_AREAS = [
    ("_connect", "", "opening a PostgreSQL connection"),
    ("", "psycopg2", "psycopg2 (execute, fetch, commit)"),
    ("", "django/db/models/sql", "ORM: compiling SQL"),
    ("", "django/db/backends", "ORM: database backend"),
    ("", "django/db", "ORM: models and querysets"),
    ("", "django/template", "templates"),
    ("", "markdown/", "Markdown"),
    ("", "exams/markdown", "Markdown"),
    ("", "nh3", "Markdown (sanitising)"),
    ("", "grading/engine", "grading engine (preview)"),
    ("", "lark", "grading engine (preview)"),
    ("", "sympy", "sympy"),
    ("", "django/contrib/sessions", "sessions and signing"),
    ("", "django/core/signing", "sessions and signing"),
    ("", "hmac", "sessions and signing"),
    ("", "hashlib", "sessions and signing"),
    ("", "django/contrib/auth", "authentication"),
    ("", "django/middleware", "middleware"),
    ("", "whitenoise", "middleware"),
    ("", "django/core/handlers", "request handling"),
    ("", "django/http", "request handling"),
    ("", "django/urls", "URL resolving"),
    ("", "json", "JSON"),
    ("", "gunicorn", "gunicorn"),
    ("", "socket", "sending the response"),
    ("", "exams/", "dxam: exams"),
    ("", "accounts/", "dxam: accounts"),
    ("", "config/", "dxam: config"),
]


def _area(filename: str, function: str) -> str:
    for name_part, path_part, area in _AREAS:
        if name_part and name_part in function:
            return area
        if path_part and (path_part in filename or (filename == "~" and path_part in function)):
            return area
    return "other (Python, Django utilities)"


def _largest(values: dict[str, float], count: int) -> list[tuple[str, float]]:
    return sorted(values.items(), key=lambda item: -item[1])[:count]


def _short(filename: str, line: int, function: str) -> str:
    path = filename
    for marker in ("site-packages/", str(REPO) + "/", "python3.12/"):
        if marker in path:
            path = path.split(marker, 1)[1]
            break
    return f"{path}:{line}({function})" if line else function


def _is_interesting(name: str) -> bool:
    """Leave out the layers every request passes through (handler, middleware chain, decorators)."""
    wrappers = (
        "gunicorn/",
        "benchmarks/load/",
        "contextlib",
        "threading",
        "functools",
        "<frozen",
        "asgiref/",
        "django/core/handlers/",
        "django/utils/deprecation",
        "whitenoise/middleware",
        "auth/decorators",
        "views/decorators",
        "django/utils/functional",
        "builtins.len",
        "query.py:454(__len__)",
        "query.py:2285(_fetch_all)",
        "query.py:124(__iter__)",
    )
    return not any(part in name for part in wrappers)


# --- Printing ------------------------------------------------------------------------------------------


def _fmt(value: float, digits: int = 0) -> str:
    return "–" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{value:.{digits}f}"


def _print_requests(report: Report, rows: list[dict], seconds: float, config: Config):
    report.out("")
    report.out(
        f"Requests over {seconds:.0f} s (client-side latency; CPU ms and SQL queries per request measured "
        f"inside the web worker)"
    )
    header = (
        f"{'request type':<22}{'count':>7}{'/s':>7}{'errors':>7}{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}"
        f"{'max ms':>8}{'CPU ms':>8}{'queries':>8}"
    )
    report.out(header)
    report.out("-" * len(header))
    for row in rows:
        report.out(
            f"{row['kind']:<22}{row['count']:>7}{_fmt(row['per_second'], 1):>7}{row['errors']:>7}"
            f"{_fmt(row['p50']):>8}{_fmt(row['p95']):>8}{_fmt(row['p99']):>8}{_fmt(row['max']):>8}"
            f"{_fmt(row['cpu_ms'], 1):>8}{_fmt(row['queries'], 1):>8}"
        )
    total = sum(row["count"] for row in rows)
    errors = sum(row["errors"] for row in rows)
    report.out("-" * len(header))
    report.out(f"{'all':<22}{total:>7}{_fmt(total / seconds if seconds else math.nan, 1):>7}{errors:>7}")
    reasons: dict[str, int] = {}
    for row in rows:
        for reason, count in row["reasons"].items():
            reasons[f"{row['kind']}: {reason}"] = count
    if reasons:
        report.out("Errors: " + "; ".join(f"{reason} ×{count}" for reason, count in sorted(reasons.items())))
    report.out(f"Throughput: {_fmt(total / seconds if seconds else math.nan, 1)} requests/s")


def _print_cpu(report: Report, cpu: dict, rows: list[dict], config: Config, stack: Stack):
    elapsed = cpu["elapsed"]
    total_requests = sum(row["count"] for row in rows) or 1
    report.out("")
    report.out(f"CPU seconds over {elapsed:.0f} s (from /proc; 2 cores = {2 * elapsed:.0f} CPU s available)")
    roots = stack.cpu_roots()
    for role, seconds in cpu["roles"].items():
        measured = roots.get(role) is not None or seconds > 0
        share = f"{seconds / elapsed * 100:5.1f}% of a core" if measured else "not measured (shared server)"
        report.out(f"  {role:<32}{seconds:8.1f} s  {share}")
    for role in (
        "harness (load generator)",
        "everything else on the machine",
        "machine",
        "stolen by the hypervisor",
    ):
        report.out(f"  {role:<32}{cpu[role]:8.1f} s  {cpu[role] / elapsed * 100:5.1f}% of a core")
    if cpu["stolen by the hypervisor"] > 0.05 * elapsed:
        report.out(
            "  (stolen: time this virtual machine's cores ran other guests; the run had that much less than "
            "2 cores, and its latencies are not comparable with a run that had them)"
        )
    web = cpu["roles"].get("web (gunicorn)", 0.0)
    report.out(
        f"Web CPU per request: {web / total_requests * 1000:.1f} ms "
        f"({web / max(1, config.learners) / elapsed * 1000:.1f} ms per learner-second); "
        f"stack: gunicorn {config.web_workers} × {config.web_class}"
        f"{f' ({config.web_threads} threads)' if config.web_class == 'gthread' else ''}, "
        f"Celery concurrency {config.worker_concurrency} (nice {config.worker_nice}), "
        f"PostgreSQL {config.postgres}, "
        f"DATABASE_CONN_MAX_AGE={stack.env.get('DATABASE_CONN_MAX_AGE', '60 (default)')}"
    )


def _print_latency(report: Report, label: str, values: list[float]):
    if not values:
        report.out(f"{label}: none measured")
        return
    report.out(
        f"{label}: n={len(values)}, p50 {percentile(values, 50):.2f} s, p95 {percentile(values, 95):.2f} s, "
        f"max {max(values):.2f} s"
    )


def _print_checks(report: Report, results: list):
    report.checks.extend(results)
    report.out("")
    report.out("Checks:")
    for check in results:
        report.out(f"  {'PASS' if check.passed else 'FAIL'}  {check.name}: {check.detail}")
        for problem in check.problems[:10]:
            report.out(f"          {problem}")
        if len(check.problems) > 10:
            report.out(f"          … and {len(check.problems) - 10} more")
    report.out("")
    report.out("RESULT: " + ("every check passed" if report.passed else "SOME CHECKS FAILED"))


def main(argv=None) -> int:
    config = config_from_arguments(argv)
    report = run(config)
    return 0 if report.passed else 1


if __name__ == "__main__":
    sys.exit(main())
