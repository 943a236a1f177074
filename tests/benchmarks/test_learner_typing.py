"""A simulated learner types a burst as one sleep (benchmarks/load/learner.py, `Learner.type_burst`); the
server must see exactly the requests that typing key by key sends, at the same moments. Run on an event
loop whose clock moves only when every task waits, against a stub server: no stack, no real time."""

import asyncio
import json
import random
import types
from concurrent.futures import ThreadPoolExecutor

import pytest

from benchmarks.load import learner as learner_module
from benchmarks.load.learner import Learner, Ledger, Pace, Page
from benchmarks.load.metrics import Recorder

EPOCH = 1_800_000_000.0
REPLY_SECONDS = 0.4  # long enough for save replies to arrive in the middle of the next burst

PAGE = Page(
    "/attempts/00000000-0000-0000-0000-000000000001/questions/1/",
    '<form method="post" action="/a" id="answer-form"\n'
    '      data-save-url="/attempts/00000000-0000-0000-0000-000000000001/questions/1/answer"\n'
    '      data-preview-url="/attempts/00000000-0000-0000-0000-000000000001/questions/1/preview"\n'
    '      data-journal-key="dxam:1:1"\n'
    '      data-kind="expression">\n'
    '<textarea id="answer-input" name="answer">2*y</textarea></form>',
)


class VirtualTimeLoop(asyncio.SelectorEventLoop):
    """Waiting for the next timer moves the clock to it at once."""

    def __init__(self):
        super().__init__()
        self.now = 0.0
        wait = self._selector.select

        def select(timeout=None):
            self.now += timeout or 0.0
            return wait(0)

        self._selector.select = select

    def time(self) -> float:
        return self.now


class StubServerLearner(Learner):
    """Records what it sends (when, where, what); the server confirms every save after REPLY_SECONDS."""

    def __init__(self, seed: int):
        super().__init__(
            1, None, "http://127.0.0.1:1", Recorder(), Ledger(), Pace(), None, "", rng=random.Random(seed)
        )
        self.attempt_id = "00000000-0000-0000-0000-000000000001"
        self.keys = {1: {"answer": "2*x^2 + 3*x - 17*sin(theta)"}}
        self.sent: list[tuple] = []
        self.input_events = 0

    async def fetch(self, method, path, *, data=None, json_body=None, **options):
        loop = asyncio.get_running_loop()
        self.sent.append((round(loop.time(), 6), method, path, json_body, data))
        await asyncio.sleep(REPLY_SECONDS)
        if json_body is not None:
            reply = {"saved": True, "saved_at": json_body["saved_at"]}
            return 200, json.dumps(reply), None
        return 200, "{}", None

    def on_input(self, *arguments, **options):
        self.input_events += 1
        super().on_input(*arguments, **options)


def type_answer(seed: int, monkeypatch, key_by_key: bool) -> StubServerLearner:
    loop = VirtualTimeLoop()
    clock = types.SimpleNamespace(
        time=lambda: EPOCH + loop.now, monotonic=lambda: loop.now, perf_counter=lambda: loop.now
    )
    monkeypatch.setattr(learner_module, "time", clock)
    if key_by_key:
        monkeypatch.setattr(Learner, "burst_unobserved", lambda self, count: False)
    learner = StubServerLearner(seed)

    async def session():
        assert await learner.answer(PAGE, 1) == "answered"
        await asyncio.sleep(10)  # the last timers fire, the last replies arrive

    try:
        # On a thread of its own: in a test process where Playwright's sync API has run, this thread has a
        # running event loop already, and asyncio refuses to run a second one on it.
        with ThreadPoolExecutor(max_workers=1) as thread:
            thread.submit(loop.run_until_complete, session()).result()
    finally:
        loop.close()
        monkeypatch.undo()
    return learner


@pytest.mark.parametrize("seed", range(8))
def test_typing_a_burst_at_once_sends_what_typing_key_by_key_sends(seed, monkeypatch):
    by_key = type_answer(seed, monkeypatch, key_by_key=True)
    by_burst = type_answer(seed, monkeypatch, key_by_key=False)

    assert by_burst.sent == by_key.sent
    assert by_burst.journal == by_key.journal
    assert by_burst.edits == by_key.edits
    assert [vars(record) for record in by_burst.ledger.records[(by_key.attempt_id, 1)]] == [
        vars(record) for record in by_key.ledger.records[(by_key.attempt_id, 1)]
    ]
    kinds = {(method, path.rsplit("/", 1)[1]) for _, method, path, _, _ in by_key.sent}
    assert kinds == {("POST", "answer"), ("POST", "preview")}
    assert by_burst.input_events < by_key.input_events / 2
