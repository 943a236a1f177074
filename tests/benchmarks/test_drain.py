"""The load test's drain (benchmarks/load/drain.py): it ends only once the web server has finished every
request the learners left behind, nothing waits for grading or delivery, and this has held for a settle
period. No stack is started: the backlog is scripted on a fake clock, and the connection count is read for
a socket of the test's own."""

import socket

from benchmarks.load.drain import SETTLE, Backlog, server_connections, wait_until_quiet

EMPTY = Backlog(requests=0, submitted=0, deliveries=0)


class FakeClock:
    def __init__(self):
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float):
        self.now += seconds


class FakeWorker:
    def __init__(self, running: bool = True):
        self.alive = running

    def running(self) -> bool:
        return self.alive

    def exit_code(self) -> int | None:
        return None if self.alive else -9


def scripted(clock: FakeClock, timeline: list[tuple[float, Backlog]]):
    """observe() for a backlog that changes at the given moments."""

    def observe() -> Backlog:
        return [backlog for moment, backlog in timeline if moment <= clock.now][-1]

    return observe


def drain(timeline, worker=None, timeout=60.0) -> tuple[str, float]:
    clock = FakeClock()
    outcome = wait_until_quiet(
        scripted(clock, timeline), worker or FakeWorker(), timeout, clock=clock, sleep=clock.sleep
    )
    return outcome, clock.now


def test_a_submit_still_running_at_the_web_server_is_waited_for_and_then_graded():
    # The issue: the database showed nothing submitted and nothing pending while a submit the learner had
    # given up on was still queued at the web server; it committed, was graded and delivered later.
    outcome, ended = drain(
        [
            (0.0, Backlog(requests=1, submitted=0, deliveries=0)),
            (3.0, Backlog(requests=0, submitted=1, deliveries=0)),
            (5.0, Backlog(requests=0, submitted=0, deliveries=1)),
            (6.0, EMPTY),
        ]
    )

    assert outcome.startswith("requests answered, grading and webhooks done 6 s after the load stopped")
    assert ended >= 6.0 + SETTLE


def test_quiet_must_hold_for_the_settle_period():
    outcome, ended = drain([(0.0, EMPTY), (1.0, Backlog(0, 1, 0)), (1.5, EMPTY)])

    assert outcome.startswith("requests answered")
    assert ended >= 1.5 + SETTLE


def test_the_drain_gives_up_after_the_timeout_and_says_what_is_left():
    outcome, ended = drain([(0.0, Backlog(1, 2, 3))], timeout=10.0)

    assert outcome == (
        "gave up after 10 s: 1 requests still open at the web server, 2 attempts still submitted, "
        "3 deliveries pending (worker running)"
    )
    assert 10.0 < ended < 12.0


def test_the_drain_gives_up_early_when_the_worker_is_gone():
    outcome, ended = drain([(0.0, Backlog(0, 2, 0))], worker=FakeWorker(running=False))

    assert outcome.startswith("gave up: the worker process exited (code -9) and nothing restarts it; ")
    assert "2 attempts still submitted" in outcome
    assert ended < 12.0


def test_a_dead_worker_does_not_matter_when_nothing_is_left():
    outcome, _ = drain([(0.0, EMPTY)], worker=FakeWorker(running=False))

    assert outcome.startswith("requests answered")


def test_a_connection_counts_until_the_server_has_answered_and_closed_it():
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        assert server_connections(port) == 0

        client = socket.create_connection(("127.0.0.1", port))
        client.sendall(b"POST /attempts/x/submit/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        client.close()  # the tab is closed: the request is still queued for accept()
        assert server_connections(port) == 1

        served, _ = listener.accept()
        assert server_connections(port) == 1  # being answered
        served.close()
        assert server_connections(port) == 0
