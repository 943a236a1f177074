"""Gunicorn configuration of the load test's web server: measures every request from inside the worker.

Loaded with `gunicorn -c benchmarks/load/gunicorn_hooks.py`; it changes nothing in the app. For each
request it appends one line to `$LOAD_REQUEST_LOG_DIR/requests-<pid>.tsv`:

    unix start  method  path  content type  status  wall ms  CPU ms (this thread)  SQL queries

CPU is `time.thread_time()` around the whole request (the WSGI app and writing the response), so it is the
web process's own cost, without PostgreSQL's. With `$LOAD_PROFILE_DIR` set, each request also runs under
cProfile and the statistics are dumped per request type when the worker exits (the profile scenario).
"""

import cProfile
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from benchmarks.load.kinds import classify  # noqa: E402

_log_dir = os.environ.get("LOAD_REQUEST_LOG_DIR", "")
_profile_dir = os.environ.get("LOAD_PROFILE_DIR", "")
_state = {"log": None, "profiles": {}}


class _QueryCounter:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def post_fork(server, worker):
    if _log_dir:
        path = Path(_log_dir) / f"requests-{os.getpid()}.tsv"
        _state["log"] = path.open("a", buffering=1)  # line by line: read while running


def pre_request(worker, req):
    from django.db import connection

    counter = _QueryCounter()
    wrapper = connection.execute_wrapper(counter)
    wrapper.__enter__()
    req.load_measure = (time.time(), time.perf_counter(), time.thread_time(), counter, wrapper)
    if _profile_dir:
        # Timed by the thread's CPU clock: waiting for PostgreSQL or the network costs nothing here.
        req.load_profiler = cProfile.Profile(time.thread_time)
        req.load_profiler.enable()


def post_request(worker, req, environ, resp):
    measure = getattr(req, "load_measure", None)
    if measure is None:
        return
    started, wall, cpu, counter, wrapper = measure
    profiler = getattr(req, "load_profiler", None)
    if profiler is not None:
        profiler.disable()
    wrapper.__exit__(None, None, None)
    cpu_ms = (time.thread_time() - cpu) * 1000
    wall_ms = (time.perf_counter() - wall) * 1000
    content_type = environ.get("CONTENT_TYPE", "").split(";")[0]
    status = getattr(resp, "status_code", None) or str(getattr(resp, "status", "0")).split()[0]
    if _state["log"] is not None:
        _state["log"].write(
            f"{started:.6f}\t{req.method}\t{req.path}\t{content_type}\t{status}\t{wall_ms:.3f}\t"
            f"{cpu_ms:.3f}\t{counter.count}\n"
        )
    if profiler is not None:
        kind = classify(req.method, req.path, content_type)
        entry = _state["profiles"].setdefault(kind, {"profile": profiler, "count": 0, "cpu_ms": 0.0})
        if entry["profile"] is not profiler:
            import pstats

            entry.setdefault("stats", pstats.Stats(entry["profile"])).add(profiler)
        entry["count"] += 1
        entry["cpu_ms"] += cpu_ms


def worker_exit(server, worker):
    if _state["log"] is not None:
        _state["log"].close()
    if not _profile_dir:
        return
    import json
    import pstats

    summary = {}
    for kind, entry in _state["profiles"].items():
        stats = entry.get("stats") or pstats.Stats(entry["profile"])
        slug = kind.replace(" ", "_").replace("/", "_")
        stats.dump_stats(str(Path(_profile_dir) / f"{slug}.prof"))
        summary[kind] = {"count": entry["count"], "cpu_ms": entry["cpu_ms"], "file": f"{slug}.prof"}
    (Path(_profile_dir) / f"summary-{os.getpid()}.json").write_text(json.dumps(summary))
