"""What the load test measures: request samples, latencies and CPU time per process, and their summaries."""

import math
import os
import resource
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.load.kinds import ORDER, classify

TICKS = os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0–100) by linear interpolation between closest ranks; NaN when empty."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


@dataclass
class Sample:
    kind: str
    started: float  # time.time()
    seconds: float
    status: int | None  # None: no answer (connection error, timeout)
    error: str = ""  # why this counts as an error; empty for a success


@dataclass
class Recorder:
    """Every request the simulated learners made, and the events the checks and the report need."""

    samples: list[Sample] = field(default_factory=list)
    # attempt id -> time.time() when the result page's poll first saw "graded"
    result_seen: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def add(self, sample: Sample):
        self.samples.append(sample)

    def window(self, start: float, end: float) -> list[Sample]:
        return [sample for sample in self.samples if start <= sample.started < end]


def request_table(samples: list[Sample], server: dict[str, "ServerStats"], seconds: float) -> list[dict]:
    by_kind = defaultdict(list)
    for sample in samples:
        by_kind[sample.kind].append(sample)
    rows = []
    for kind in sorted(by_kind, key=lambda k: ORDER.index(k) if k in ORDER else len(ORDER)):
        group = by_kind[kind]
        times = [sample.seconds * 1000 for sample in group]
        errors = [sample for sample in group if sample.error]
        reasons = defaultdict(int)
        for sample in errors:
            reasons[sample.error] += 1
        stats = server.get(kind)
        rows.append(
            {
                "kind": kind,
                "count": len(group),
                "per_second": len(group) / seconds if seconds else math.nan,
                "errors": len(errors),
                "reasons": dict(reasons),
                "p50": percentile(times, 50),
                "p95": percentile(times, 95),
                "p99": percentile(times, 99),
                "max": max(times),
                "cpu_ms": stats.cpu_ms_mean if stats else math.nan,
                "queries": stats.queries_mean if stats else math.nan,
            }
        )
    return rows


# --- The web server's own view of each request (benchmarks/load/gunicorn_hooks.py) ------------------------


@dataclass
class ServerStats:
    count: int = 0
    cpu_ms: float = 0.0
    wall_ms: float = 0.0
    queries: int = 0
    statuses: dict = field(default_factory=lambda: defaultdict(int))

    @property
    def cpu_ms_mean(self) -> float:
        return self.cpu_ms / self.count if self.count else math.nan

    @property
    def queries_mean(self) -> float:
        return self.queries / self.count if self.count else math.nan


def read_server_log(directory: Path, start: float, end: float) -> dict[str, ServerStats]:
    stats: dict[str, ServerStats] = defaultdict(ServerStats)
    for path in directory.glob("requests-*.tsv"):
        for line in path.read_text(errors="replace").splitlines():
            parts = line.split("\t")
            if len(parts) != 8:
                continue  # a line cut off by a killed worker
            started, method, url_path, content_type, status, wall_ms, cpu_ms, queries = parts
            if not start <= float(started) < end:
                continue
            entry = stats[classify(method, url_path, content_type)]
            entry.count += 1
            entry.cpu_ms += float(cpu_ms)
            entry.wall_ms += float(wall_ms)
            entry.queries += int(queries)
            entry.statuses[status] += 1
    return dict(stats)


# --- CPU time per process tree from /proc ---------------------------------------------------------------


def _read_proc(path: str) -> str | None:
    """A /proc file, or None when the process is gone. Plain os calls: the sampler reads two files per
    process of the stack every second, and pathlib's layers cost several times the read itself."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return None
    try:
        chunks = []
        while chunk := os.read(fd, 8192):
            chunks.append(chunk)
    except ProcessLookupError:
        return None
    finally:
        os.close(fd)
    return b"".join(chunks).decode()


def _stat_fields(pid: int) -> list[str] | None:
    text = _read_proc(f"/proc/{pid}/stat")
    if text is None:
        return None
    return text[text.rindex(")") + 2 :].split()


def tree_cpu_seconds(pid: int | None) -> float:
    """CPU seconds used by a process, its reaped children and its live descendants (recursively).

    A child that exits between two readings moves from "live descendant" to its parent's cumulative
    children time, so differences between readings stay right while processes come and go (PostgreSQL
    backends, gunicorn workers that are replaced).
    """
    if pid is None:
        return 0.0
    fields = _stat_fields(pid)
    if fields is None:
        return 0.0
    # Fields 14-17 of /proc/PID/stat (utime, stime, cutime, cstime), counted here from field 3.
    own = sum(int(value) for value in fields[11:15]) / TICKS
    children = _read_proc(f"/proc/{pid}/task/{pid}/children") or ""
    return own + sum(tree_cpu_seconds(int(child)) for child in children.split())


def machine_seconds() -> tuple[float, float]:
    """(busy, stolen): CPU seconds the machine's own work used on every core, and those the hypervisor gave
    this virtual machine's cores to other guests ("steal"), from /proc/stat. Stolen time is capacity the run
    did not have: on a shared host it varies from minute to minute and moves every latency with it."""
    line = Path("/proc/stat").read_text().splitlines()[0]
    return busy_and_stolen([int(value) for value in line.split()[1:]])


def busy_and_stolen(values: list[int]) -> tuple[float, float]:
    # user, nice, system, idle, iowait, irq, softirq, steal, …
    busy = values[0] + values[1] + values[2] + values[5] + values[6]
    return busy / TICKS, (values[7] if len(values) > 7 else 0) / TICKS


def own_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


class CpuMeter:
    """CPU seconds per role over a window. Roles are process trees by their root pid; a role whose
    process is replaced (a worker killed and restarted) keeps what it had used until its last reading."""

    def __init__(self, roots):
        self.roots = roots  # a callable returning {role: pid or None}
        self.totals: dict[str, float] = defaultdict(float)
        self.last: dict[str, tuple[int | None, float]] = {}
        self.started_at = None
        self.machine_start = (0.0, 0.0)
        self.harness_start = 0.0

    def start(self):
        self.started_at = time.monotonic()
        self.machine_start = machine_seconds()
        self.harness_start = own_cpu_seconds()
        for role, pid in self.roots().items():
            self.last[role] = (pid, tree_cpu_seconds(pid))

    def sample(self):
        """Account for the time since the last reading (called every second, and before a kill)."""
        for role, pid in self.roots().items():
            previous_pid, previous = self.last.get(role, (None, 0.0))
            if pid != previous_pid:  # replaced: start counting the new process from zero
                self.last[role] = (pid, 0.0)
                previous = 0.0
            current = tree_cpu_seconds(pid) if pid else previous
            self.totals[role] += max(0.0, current - previous)
            self.last[role] = (pid, current)

    def stop(self) -> dict:
        self.sample()
        elapsed = time.monotonic() - self.started_at
        busy, stolen = (now - start for now, start in zip(machine_seconds(), self.machine_start, strict=True))
        harness = own_cpu_seconds() - self.harness_start
        ours = sum(self.totals.values()) + harness
        return {
            "elapsed": elapsed,
            "roles": dict(self.totals),
            "harness (load generator)": harness,
            "everything else on the machine": max(0.0, busy - ours),
            "machine": busy,
            "stolen by the hypervisor": stolen,
        }
