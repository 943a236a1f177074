"""The load test's "result shown" is when the results page showing the result has arrived
(benchmarks/load/learner.py, `Learner.wait_for_result`): after the poll that saw the attempt graded, the
reload must come back first; a page graded before it was asked for shows the result at once. Against a stub
server, no stack."""

import asyncio
import json
import random
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from benchmarks.load import learner as learner_module
from benchmarks.load.learner import Learner, Ledger, Pace, Page
from benchmarks.load.metrics import Recorder

ATTEMPT = "00000000-0000-0000-0000-000000000001"
RESULT_URL = f"/attempts/{ATTEMPT}/result/"
PENDING = Page(
    RESULT_URL,
    f'<div class="card grading-progress" id="grading-progress" data-status-url="/attempts/{ATTEMPT}/status">',
)
GRADED_HTML = "<h1>Your result</h1><p>Score 80%</p>"
PAGE_SECONDS = 0.05  # how long the stub server takes to answer the reload


class StubResultsLearner(Learner):
    """The status endpoint answers from a script; the results page comes back graded, PAGE_SECONDS later."""

    def __init__(self, statuses: list[str]):
        super().__init__(
            1, None, "http://127.0.0.1:1", Recorder(), Ledger(), Pace(), None, "", rng=random.Random(1)
        )
        self.attempt_id = ATTEMPT
        self.assets_loaded = True
        self.statuses = statuses
        self.page_arrived: float | None = None

    async def fetch(self, method, path, **options):
        if path.endswith("/status"):
            return 200, json.dumps({"status": self.statuses.pop(0)}), None
        assert path == RESULT_URL
        await asyncio.sleep(PAGE_SECONDS)
        self.page_arrived = time.time()
        return 200, GRADED_HTML, None


def run(coroutine):
    # On a thread of its own: a test process where Playwright's sync API ran has a running loop on this one.
    with ThreadPoolExecutor(max_workers=1) as thread:
        return thread.submit(asyncio.run, coroutine).result()


@pytest.fixture(autouse=True)
def quick_polls(monkeypatch):
    monkeypatch.setattr(learner_module, "RESULT_FIRST_POLL", 0.01)
    monkeypatch.setattr(learner_module, "RESULT_PROMPT_POLL", 0.02)
    monkeypatch.setattr(learner_module, "RESULT_MAX_POLL", 0.02)


def test_a_result_seen_by_a_poll_is_shown_when_the_reloaded_page_arrives():
    learner = StubResultsLearner(["submitted", "submitted", "graded"])

    page = run(learner.wait_for_result(PENDING))

    assert page is not None and page.text == GRADED_HTML
    assert learner.statuses == []
    shown = learner.recorder.result_seen[ATTEMPT]
    assert shown >= learner.page_arrived  # not the moment the poll answered, PAGE_SECONDS earlier


def test_a_page_graded_before_it_was_asked_for_shows_the_result_at_once():
    learner = StubResultsLearner([])
    before = time.time()

    page = run(learner.wait_for_result(Page(RESULT_URL, GRADED_HTML)))

    assert page.text == GRADED_HTML
    assert before <= learner.recorder.result_seen[ATTEMPT] <= time.time()
    assert learner.page_arrived is None  # nothing was asked of the server


def test_polls_are_prompt_while_grading_should_be_done_then_back_off(monkeypatch):
    """As attempt.js: at most RESULT_PROMPT_POLL apart for RESULT_PROMPT_FOR seconds, then growing to
    RESULT_MAX_POLL apart (a stopped worker must not bring a class's polls down on the site)."""
    monkeypatch.setattr(learner_module, "RESULT_PROMPT_FOR", 0.1)
    monkeypatch.setattr(learner_module, "RESULT_MAX_POLL", 0.12)
    learner = StubResultsLearner(["submitted"] * 20 + ["graded"])
    asked = []
    answer = learner.fetch

    async def timed(method, path, **options):
        asked.append(time.monotonic())
        return await answer(method, path, **options)

    learner.fetch = timed
    run(learner.wait_for_result(PENDING))

    gaps = [later - earlier for earlier, later in zip(asked, asked[1:21], strict=False)]
    assert max(gaps[:3]) < 0.06  # prompt: 0.02 s apart, with slack for a busy machine
    assert all(0.1 < gap < 0.3 for gap in gaps[-3:])  # backed off to the slower cap
