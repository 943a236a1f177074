"""Waiting, after the load stops, until the stack has finished everything the learners set off.

Stopping the load closes the learners' tabs: their requests in flight are abandoned by the client, but the
server still runs them. A submit queued in gunicorn's backlog (seconds, under saturation) commits after
the client gave up and sets off a grading task and webhooks. So the drain is over only when, for a
settle period,

- the web server holds no connection it has not answered and closed: the harness has closed all of its
  connections by then, so every server side connection still open to the web port is a request queued
  for `accept()` or being run (any number of sync or gthread workers alike: it is the kernel's view);
- no attempt is submitted and not graded yet, and no webhook delivery is pending.

The settle period covers the hand-offs between those states: a request that commits a submit closes its
connection just after the commit, and a grading pass queues the webhooks of its events.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

SETTLE = 2.0  # seconds every part must have been quiet together
POLL = 0.5
WORKER_GONE_AFTER = 10.0  # seconds into the drain after which a dead worker means no grading will come

# TCP states (include/net/tcp_states.h) of a server side connection the server has not closed yet: queued
# for accept() or being answered (ESTABLISHED), or the client has closed its side (CLOSE_WAIT; a tab
# closed while the request was queued or running: the server still runs it).
_OPEN_STATES = {"01", "03", "08"}  # ESTABLISHED, SYN_RECV, CLOSE_WAIT
_TABLES = (Path("/proc/net/tcp"), Path("/proc/net/tcp6"))


def server_connections(port: int, tables: tuple[Path, ...] = _TABLES) -> int:
    """Connections to local `port` that the server has not closed yet (waiting for accept() included)."""
    wanted = f":{port:04X}"
    count = 0
    for table in tables:
        try:
            lines = table.read_text().splitlines()[1:]
        except FileNotFoundError:  # no IPv6 on this machine
            continue
        for line in lines:
            fields = line.split()
            if fields[1].endswith(wanted) and fields[3] in _OPEN_STATES:
                count += 1
    return count


@dataclass(frozen=True)
class Backlog:
    requests: int  # connections the web server has not answered and closed
    submitted: int  # attempts submitted and not graded
    deliveries: int  # webhook deliveries pending

    @property
    def empty(self) -> bool:
        return not (self.requests or self.submitted or self.deliveries)

    def __str__(self) -> str:
        return (
            f"{self.requests} requests still open at the web server, "
            f"{self.submitted} attempts still submitted, {self.deliveries} deliveries pending"
        )


class Worker(Protocol):
    def running(self) -> bool: ...

    def exit_code(self) -> int | None: ...


def wait_until_quiet(
    observe: Callable[[], Backlog],
    worker: Worker,
    timeout: float,
    *,
    settle: float = SETTLE,
    poll: float = POLL,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> str:
    """Poll `observe` until its backlog has been empty for `settle` seconds; give up after `timeout`, or
    early when the worker process is gone (nothing would grade what is left). Returns what happened."""
    started = clock()
    quiet_since: float | None = None
    while True:
        backlog = observe()
        now = clock()
        elapsed = now - started
        if not backlog.empty:
            quiet_since = None
        elif quiet_since is None:
            quiet_since = now
        elif now - quiet_since >= settle:
            return (
                f"requests answered, grading and webhooks done {quiet_since - started:.0f} s after the "
                f"load stopped (and still so {settle:.0f} s later)"
            )
        if not backlog.empty and not worker.running() and elapsed > WORKER_GONE_AFTER:
            return (
                f"gave up: the worker process exited (code {worker.exit_code()}) and nothing restarts it; "
                f"{backlog}"
            )
        if elapsed > timeout:
            alive = "running" if worker.running() else f"exited with code {worker.exit_code()}"
            return f"gave up after {timeout:.0f} s: {backlog} (worker {alive})"
        sleep(poll)
