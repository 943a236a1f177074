"""Faults injected while the learners work (FAULT=…). Each is a coroutine started at FAULT_AT seconds into
the run; it records what it did and saw in a `FaultLog`, and the run's end checks then say whether
anything was lost or duplicated. None of them waits without a time limit: a worker that dies for good is
reported, not waited for."""

import asyncio
import os
import random
import re
import signal
import time
from dataclasses import dataclass, field

from benchmarks.load.checks import Check
from benchmarks.load.stack import Stack

FAULTS = ("none", "kill-worker", "redis-restart", "kill-web", "deadline-worker-down")


@dataclass
class FaultLog:
    name: str
    events: list[str] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    probes: list[str] = field(default_factory=list)
    started: float = field(default_factory=time.monotonic)
    # Set by the scenario: the worker should be back (restarted, or never stopped) from here on.
    worker_expected_back: bool = True

    def say(self, text: str):
        stamp = time.monotonic() - self.started
        self.events.append(f"[{stamp:6.1f} s] {text}")


class WorkerLogWatch:
    """Counts grading tasks the worker received and finished, from its log (read incrementally)."""

    def __init__(self, stack: Stack):
        self.stack = stack
        self.offset = 0
        self.received = 0
        self.finished = 0

    def update(self):
        path = self.stack.worker.log_path
        with path.open(errors="replace") as log:
            log.seek(self.offset)
            text = log.read()
            self.offset = log.tell()
        self.received += len(re.findall(r"grade_attempt\[[0-9a-f-]+\] received", text))
        self.finished += len(re.findall(r"grade_attempt\[[0-9a-f-]+\] (?:succeeded|retry|raised)", text))

    def grading_in_progress(self) -> bool:
        self.update()
        return self.received > self.finished


async def kill_worker(stack: Stack, log: FaultLog, cpu, options):
    """kill -9 the Celery worker (its whole process group, as an OOM kill of its container would) while it
    grades, then start it again after RESTART_AFTER seconds, as a supervisor would; KILLS times."""
    watch = WorkerLogWatch(stack)
    for number in range(1, options.kills + 1):
        deadline = time.monotonic() + 60
        while not watch.grading_in_progress() and time.monotonic() < deadline:
            await asyncio.sleep(0.02)
        mid = watch.received > watch.finished
        cpu.sample()
        stack.worker.kill()
        log.say(
            f"kill -9 of the worker ({number}/{options.kills}) "
            + ("while it was grading" if mid else "(no grading task was running within 60 s)")
        )
        await asyncio.sleep(options.restart_after)
        await asyncio.to_thread(stack.restart_worker)
        watch.offset = 0
        watch.received = watch.finished = 0
        log.say("worker restarted (as a supervisor would) and ready")
        await asyncio.sleep(options.fault_every)


async def redis_restart(stack: Stack, log: FaultLog, cpu, options, probe):
    """Stop Redis (broker and cache; nothing persisted) while learners save and submit, start it again
    after DOWN seconds, then see whether the worker is still there — with no supervisor restarting it."""
    await _wait_for_eta_tasks(stack, log)
    stack.redis.stop()
    stopped = time.monotonic()
    log.say(f"redis-server stopped ({log.probes[-1] if log.probes else ''})")
    exited_at = None
    probed = False
    while time.monotonic() - stopped < options.down:
        if exited_at is None and not stack.worker.running():
            exited_at = time.monotonic()
            log.say(f"the worker process exited (code {stack.worker.exit_code()}) while Redis was down")
        if not probed and time.monotonic() - stopped > min(2.0, options.down / 2):
            probed = True
            log.probes.extend(f"during the outage: {line}" for line in await probe())
        await asyncio.sleep(0.2)
    await asyncio.to_thread(stack.redis.start)
    log.say(f"redis-server started again after {options.down:.0f} s")
    back = time.monotonic()
    while stack.worker.running() and time.monotonic() - back < 30:
        await asyncio.sleep(0.2)
    if stack.worker.running():
        log.say("the worker is still running 30 s after Redis came back")
        log.checks.append(Check("the worker survives a Redis restart", True, "still running"))
        return
    log.worker_expected_back = False
    lines = stack.worker.log_text().splitlines()
    telling = [line for line in lines if "CRITICAL" in line or "Restoring" in line]
    log.say(
        f"THE WORKER IS GONE (exit code {stack.worker.exit_code()}); nothing restarts it, grading has stopped"
    )
    for line in telling[-3:]:
        log.say(f"    worker log: {line.strip()[:200]}")
    log.checks.append(
        Check("the worker survives a Redis restart", False, f"it exited with code {stack.worker.exit_code()}")
    )


async def _wait_for_eta_tasks(stack: Stack, log: FaultLog, timeout: float = 60):
    """Until the worker holds at least one ETA task (every timed attempt schedules one)."""
    import redis

    client = redis.Redis.from_url(stack.redis.url(0), socket_connect_timeout=2)
    deadline = time.monotonic() + timeout
    count = 0
    while time.monotonic() < deadline:
        count = await asyncio.to_thread(client.hlen, "unacked")
        if count:
            break
        await asyncio.sleep(0.5)
    log.probes.append(f"{count} unacknowledged messages held by the worker")


async def kill_web(stack: Stack, log: FaultLog, cpu, options):
    """kill -9 one gunicorn worker while it serves requests; the master starts a new one. KILLS times."""
    rng = random.Random(7)
    for number in range(1, options.kills + 1):
        pids = stack.web_worker_pids()
        busy = [pid for pid in pids if _is_running(pid)] or pids
        if not busy:
            log.say("no gunicorn worker to kill")
            return
        victim = rng.choice(busy)
        cpu.sample()
        os.kill(victim, signal.SIGKILL)
        log.say(f"kill -9 of gunicorn worker {victim} ({number}/{options.kills}; it was {_state(victim)})")
        await asyncio.sleep(options.fault_every)
    log.say(f"gunicorn workers now: {stack.web_worker_pids()}")


async def deadline_worker_down(stack: Stack, log: FaultLog, cpu, options, deadline_passed):
    """kill -9 the worker while learners work on a short timed exam; half of them close the tab before the
    deadline; the worker stays down until DOWN seconds after the last deadline and grace period passed."""
    cpu.sample()
    stack.worker.kill()
    log.say("kill -9 of the worker; learners keep working on the short timed exam")
    await deadline_passed()
    log.say(f"every deadline and grace period has passed; the worker stays down {options.down:.0f} s more")
    await asyncio.sleep(options.down)
    await asyncio.to_thread(stack.restart_worker)
    log.say("worker restarted (as a supervisor would) and ready")


def _is_running(pid: int) -> bool:
    return _state(pid) == "R"


def _state(pid: int) -> str:
    try:
        text = open(f"/proc/{pid}/stat").read()
    except OSError:
        return "gone"
    return text[text.rindex(")") + 2]
