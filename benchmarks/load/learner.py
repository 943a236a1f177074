"""Simulated learners that use dxam as the pages and static/js/attempt.js do.

One `Learner` is one browser tab. Its requests are the ones the page makes:

- question pages, "Save and next" (a plain form POST and its redirect), "Review and submit", the flag form;
- while typing, every input event journals the answer (the script's localStorage journal) and re-arms two
  debounce timers: the JSON autosave after SAVE_DELAY (600 ms) and the live preview after PREVIEW_DELAY
  (250 ms), so requests follow the typing rhythm exactly as the page sends them; a failed save keeps the
  journal entry and retries with the script's backoff (2 s doubling to 30 s); each page load flushes the
  journal (entries a navigation cut off);
- the submit page flushes the journal (and reloads if it had entries), then the confirmed POST;
- the live preview asks only for a text it has not read on this page yet (the script keeps the readings);
- the results page polls the status endpoint after 0.5 s, then 1.5 times later each time (at most every
  2 s) until it is no longer "submitted" (graded, or provisionally graded awaiting review), then reloads;
- at the deadline the question page polls the status every 2 s until the attempt is closed.

Every save the server confirms goes to the `Ledger`, which the end checks compare with the database.
"""

import asyncio
import html
import json
import random
import re
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property

import aiohttp

from benchmarks.load.kinds import classify
from benchmarks.load.metrics import Recorder, Sample

SAVE_DELAY = 0.6
PREVIEW_DELAY = 0.25
MIN_RETRY, MAX_RETRY = 2.0, 30.0
FINALIZE_POLL = 2.0
# attempt.js: × 1.5 after each poll (× 2 after a failure), at most RESULT_PROMPT_POLL apart for the first
# RESULT_PROMPT_FOR seconds of waiting, then at most RESULT_MAX_POLL apart.
RESULT_FIRST_POLL, RESULT_PROMPT_POLL, RESULT_PROMPT_FOR, RESULT_MAX_POLL = 0.5, 1.0, 20.0, 5.0
CHOICE_TYPES = ("single_choice", "multiple_choice")
# A burst is typed as one sleep only if the deadline is further than this past its end: `correct_clock` may
# move the server clock (or the deadline) a little meanwhile.
DEADLINE_MARGIN = 1.0


@dataclass
class Pace:
    """How fast a simulated learner reads, types and thinks (seconds, drawn uniformly)."""

    read: tuple = (2.0, 6.0)  # before answering a question
    key: tuple = (0.08, 0.18)  # between two keystrokes of a burst
    burst: tuple = (3, 8)  # characters typed without pausing
    short_pause: tuple = (0.3, 0.55)  # long enough for a preview, too short for an autosave
    long_pause: tuple = (0.8, 3.0)  # an autosave too
    long_pause_share: float = 0.4
    after_answer: tuple = (1.0, 4.0)  # reading the preview, then "Save and next"
    questions: int = 5  # answered per attempt before "Review and submit"
    correct_share: float = 0.7
    flag_share: float = 0.1
    retake: bool = True  # after the result, start again (fresh questions)
    abandon_after: float | None = None  # close the tab this many seconds after starting (deadline scenario)


# --- The ledger of confirmed saves ----------------------------------------------------------------------


@dataclass
class SaveRecord:
    seq: int  # which change of this answer (the learner's edit counter for the question)
    answer: object
    stamp: str | None  # the client's saved_at (JSON saves), None for a form post
    via: str  # "json" or "form"
    outcome: str = "sent"  # "confirmed", "refused", "sent" (no answer heard)
    returned_saved_at: str | None = None


@dataclass
class Ledger:
    records: dict = field(default_factory=dict)  # (attempt id, position) -> [SaveRecord]

    def sent(self, attempt_id, position, record: SaveRecord) -> SaveRecord:
        self.records.setdefault((attempt_id, position), []).append(record)
        return record


# --- Pages ----------------------------------------------------------------------------------------------

_ATTR = r'{}="([^"]*)"'
_CSRF = re.compile(_ATTR.format('csrfmiddlewaretoken" value'))
_ANSWER_FORM = re.compile(r'id="answer-form"[^>]*>', re.S)
_DATA_ATTRIBUTE = re.compile(r'data-([\w-]+)="([^"]*)"')


def _attr(name: str, text: str) -> str | None:
    match = re.search(_ATTR.format(name), text)
    return html.unescape(match.group(1)) if match else None


@dataclass
class Page:
    url: str
    text: str

    @cached_property
    def csrf(self) -> str:
        match = _CSRF.search(self.text)
        return html.unescape(match.group(1)) if match else ""

    def timing(self) -> dict | None:
        match = re.search(
            r'<script id="attempt-timing" type="application/json">(.*?)</script>', self.text, re.S
        )
        return json.loads(match.group(1)) if match else None

    @cached_property
    def _form_data(self) -> dict[str, str]:
        """The answer form's data-* attributes, read from the page once: typing reads them for every key."""
        match = _ANSWER_FORM.search(self.text)
        if match is None:
            return {}
        return {name: html.unescape(value) for name, value in _DATA_ATTRIBUTE.findall(match.group(0))}

    def form_data(self, name: str) -> str | None:
        return self._form_data.get(name)

    def options(self) -> list[str]:
        return [html.unescape(value) for value in re.findall(r'name="option" value="([^"]*)"', self.text)]

    def current_answer(self):
        if self.form_data("kind") in CHOICE_TYPES:
            return sorted(
                html.unescape(value)
                for value in re.findall(r'name="option" value="([^"]*)" checked', self.text)
            )
        textarea = re.search(r'<textarea id="answer-input"[^>]*>(.*?)</textarea>', self.text, re.S)
        if textarea:
            return html.unescape(textarea.group(1))
        field_tag = re.search(r'<input id="answer-input"[^>]*>', self.text)
        return (_attr("value", field_tag.group(0)) or "") if field_tag else ""

    def go_targets(self) -> list[str]:
        return re.findall(r'name="go" value="([^"]+)"', self.text)

    def static_assets(self) -> list[str]:
        return re.findall(r'<link rel="stylesheet" href="([^"]+)"', self.text) + re.findall(
            r'<script src="([^"]+)"', self.text
        )

    def has(self, marker: str) -> bool:
        return marker in self.text


class Finished(Exception):
    """The run is over for this learner (the tab is closed)."""


def iso_ms(moment: float) -> str:
    """A unix time as the page's `new Date(...).toISOString()` writes it."""
    return datetime.fromtimestamp(moment, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class Learner:
    def __init__(
        self,
        index,
        http,
        base_url,
        recorder: Recorder,
        ledger: Ledger,
        pace: Pace,
        oracle,
        exam_slug,
        session_key=None,
        proxy=True,
        rng=None,
    ):
        self.index = index
        self.http: aiohttp.ClientSession = http
        self.base = base_url
        self.recorder, self.ledger, self.pace, self.oracle = recorder, ledger, pace, oracle
        self.exam_slug = exam_slug
        self.cookies: dict[str, str] = {"sessionid": session_key} if session_key else {}
        self.rng = rng or random.Random(index)
        self.referer: str | None = None
        self.clock_offset = 0.0
        self.deadline: float | None = None
        self.journal: dict[str, dict] = {}  # the page's localStorage journal: key -> entry
        self.edits: dict[tuple, int] = {}  # (attempt, position) -> edit counter
        self.attempt_id: str | None = None
        self.keys: dict = {}
        self.previewed: dict[str, set[str]] = {}  # texts the page already read, per question page
        self.timers: dict[str, asyncio.TimerHandle] = {}  # the page's pending setTimeout()s by purpose
        self.background: set[asyncio.Task] = set()
        self.retry_delay = MIN_RETRY
        self.assets_loaded = False
        self.attempts_submitted: list[str] = []
        self.started_at = time.monotonic()
        # What every request of this tab carries, built once (the rest changes with cookies and pages).
        scheme = "https" if proxy else "http"
        self.scheme = scheme
        self.origin = f"{scheme}://{base_url.split('://', 1)[1]}"
        self.proxy_headers: dict[str, str] = {}
        if proxy:
            # As the TLS-terminating proxy in front of production would: the client's address and scheme.
            self.proxy_headers = {
                "X-Forwarded-Proto": "https",
                "X-Forwarded-For": f"10.{index // 65536 % 256}.{index // 256 % 256}.{index % 256}",
            }

    # -- HTTP ---------------------------------------------------------------------------------------------

    def _headers(self, method: str, accept: str | None, extra: dict | None) -> dict:
        headers = {"User-Agent": "dxam-load/1"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        headers.update(self.proxy_headers)
        if method == "POST":
            headers["Origin"] = self.origin
        if self.referer:
            headers["Referer"] = self.referer.replace("http://", f"{self.scheme}://", 1)
        if accept:
            headers["Accept"] = accept
        headers.update(extra or {})
        return headers

    async def fetch(
        self,
        method: str,
        path: str,
        *,
        data=None,
        json_body=None,
        accept=None,
        headers=None,
        expect=(200,),
        kind=None,
    ):
        """One request as the browser sends it; returns (status, text, location) or None with no answer."""
        body_type = "application/json" if json_body is not None else ""
        kind = kind or classify(method, path, body_type)
        started, clock = time.time(), time.perf_counter()
        try:
            async with self.http.request(
                method,
                self.base + path,
                data=data,
                json=json_body,
                headers=self._headers(method, accept, headers),
                allow_redirects=False,
            ) as response:
                text = await response.text(errors="replace")
                status = response.status
                for name, morsel in response.cookies.items():
                    if morsel["max-age"] == "0" or not morsel.value:
                        self.cookies.pop(name, None)
                    else:
                        self.cookies[name] = morsel.value
                location = response.headers.get("Location")
        except asyncio.CancelledError:
            raise
        except (aiohttp.ClientError, TimeoutError, OSError) as error:
            reason = "timeout" if isinstance(error, TimeoutError) else f"no answer ({type(error).__name__})"
            self.recorder.add(Sample(kind, started, time.perf_counter() - clock, None, reason))
            return None
        seconds = time.perf_counter() - clock
        error = "" if status in expect else f"HTTP {status}"
        self.recorder.add(Sample(kind, started, seconds, status, error))
        return status, text, location

    async def load_page(self, path: str, kind=None) -> Page | None:
        """GET a page, following redirects as the browser does (each hop is a request of its own)."""
        for _ in range(5):
            reply = await self.fetch("GET", path, expect=(200, 302), kind=kind, accept="text/html")
            if reply is None:
                return None
            status, text, location = reply
            if status == 302 and location:
                path, kind = _path_of(location), None
                continue
            if status != 200:
                return None
            self.referer = self.base + path
            page = Page(path, text)
            await self._load_assets(page)
            return page
        return None

    async def post_form(self, path: str, fields: list[tuple], kind=None) -> tuple[int, str | None] | None:
        """A plain form POST; returns (status, redirect target path)."""
        reply = await self.fetch("POST", path, data=fields, expect=(302,), kind=kind, accept="text/html")
        if reply is None:
            return None
        status, _, location = reply
        return status, _path_of(location) if location else None

    async def _load_assets(self, page: Page):
        """The first page also loads the stylesheet and scripts (hashed names: cached ever after)."""
        if self.assets_loaded:
            return
        self.assets_loaded = True
        for asset in page.static_assets():
            await self.fetch("GET", asset, kind="static")

    # -- Timers, as the page's setTimeout/clearTimeout ----------------------------------------------------

    def set_timeout(self, purpose: str, delay: float, coroutine_function, *args):
        """clearTimeout(previous); setTimeout(...): a timer of the same purpose is replaced."""
        self.clear_timeout(purpose)
        self.timers[purpose] = asyncio.get_running_loop().call_later(
            delay, self.spawn, coroutine_function, *args
        )

    def clear_timeout(self, purpose: str):
        handle = self.timers.pop(purpose, None)
        if handle is not None:
            handle.cancel()

    def timer_pending(self, purpose: str) -> bool:
        handle = self.timers.get(purpose)
        return (
            handle is not None
            and not handle.cancelled()
            and handle.when() > asyncio.get_running_loop().time()
        )

    def spawn(self, coroutine_function, *args):
        task = asyncio.get_running_loop().create_task(coroutine_function(*args))
        self.background.add(task)
        task.add_done_callback(self.background.discard)
        return task

    def leave_page(self):
        """Navigation: the page's timers die with it (in-flight requests complete)."""
        for handle in self.timers.values():
            handle.cancel()
        self.timers.clear()

    def close(self):
        self.leave_page()
        for task in list(self.background):
            task.cancel()

    # -- Server time --------------------------------------------------------------------------------------

    def server_now(self) -> float:
        return time.time() + self.clock_offset

    def correct_clock(self, payload: dict):
        if payload.get("server_now"):
            self.clock_offset = datetime.fromisoformat(payload["server_now"]).timestamp() - time.time()
        if payload.get("deadline"):
            self.deadline = datetime.fromisoformat(payload["deadline"]).timestamp()

    def time_is_up(self) -> bool:
        return self.deadline is not None and self.server_now() >= self.deadline

    # -- The journal (attempt.js: scheduleSave, flushJournal, send) ----------------------------------------

    def journal_answer(self, page: Page, position: int, answer, edits: int = 1):
        """An input event: journal the answer, (re-)arm the autosave. `edits`: input events it stands for."""
        self.write_journal(page, position, answer, edits)
        self.set_timeout("save", SAVE_DELAY, self.flush_journal)

    def write_journal(self, page: Page, position: int, answer, edits: int = 1):
        key = page.form_data("journal-key")
        edit = self.edits[(self.attempt_id, position)] = (
            self.edits.get((self.attempt_id, position), 0) + edits
        )
        self.journal[key] = {
            "url": page.form_data("save-url"),
            "answer": answer,
            "saved_at": iso_ms(self.server_now()),
            "attempt": self.attempt_id,
            "position": position,
            "edit": edit,
        }

    async def send(self, key: str, entry: dict) -> str:
        record = self.ledger.sent(
            entry["attempt"],
            entry["position"],
            SaveRecord(entry["edit"], entry["answer"], entry["saved_at"], "json"),
        )
        reply = await self.fetch(
            "POST",
            entry["url"],
            json_body={"answer": entry["answer"], "saved_at": entry["saved_at"]},
            headers={"X-CSRFToken": self.cookies.get("csrftoken", "")},
            accept="application/json",
            expect=(200, 409),
        )
        if reply is None or reply[0] >= 500:
            return "offline"
        try:
            payload = json.loads(reply[1])
        except ValueError:
            return "offline"  # a page that is not JSON (403, 429 …): the script's catch retries it
        self.correct_clock(payload)
        stored = self.journal.get(key)
        if stored is not None and stored["saved_at"] == entry["saved_at"]:
            del self.journal[key]
        if payload.get("saved"):
            record.outcome, record.returned_saved_at = "confirmed", payload.get("saved_at")
            return "saved"
        record.outcome = "refused"
        return "refused"

    async def flush_journal(self):
        entries = list(self.journal.items())
        if not entries:
            return True
        outcomes = await asyncio.gather(*(self.send(key, entry) for key, entry in entries))
        if "offline" in outcomes:
            self.set_timeout("retry", self.retry_delay, self.flush_journal)
            self.retry_delay = min(self.retry_delay * 2, MAX_RETRY)
            return False
        self.retry_delay = MIN_RETRY
        return True

    # -- Preview ------------------------------------------------------------------------------------------

    async def request_preview(self, page: Page, text: str):
        read = self.previewed.setdefault(page.url, set())
        if text in read:
            return
        read.add(text)
        await self.fetch(
            "POST",
            page.form_data("preview-url"),
            data={"answer": text},
            headers={"X-CSRFToken": self.cookies.get("csrftoken", "")},
            accept="application/json",
        )

    # -- A learner's session ------------------------------------------------------------------------------

    async def pause(self, bounds: tuple):
        await asyncio.sleep(self.rng.uniform(*bounds))

    async def run(self, stop: asyncio.Event):
        """Take attempts until `stop` is set (the caller then closes the tab)."""
        page = await self.load_page("/exams/")
        if page is None:
            return
        while not stop.is_set():
            page = await self.start_attempt(page)
            if page is None:
                await asyncio.sleep(5)
                page = await self.load_page("/exams/")
                if page is None:
                    return
                continue
            page = await self.take_attempt(page, stop)
            if page is None or not self.pace.retake or stop.is_set():
                return
            await self.pause((2.0, 5.0))

    async def start_attempt(self, page: Page) -> Page | None:
        outcome = await self.post_form(
            f"/exams/{self.exam_slug}/start/", [("csrfmiddlewaretoken", page.csrf)], kind="start (form)"
        )
        if outcome is None or outcome[1] is None:
            return None
        page = await self.load_page(outcome[1])
        if page is None:
            return None
        match = re.search(r"/attempts/([0-9a-f-]{36})/", page.url)
        self.attempt_id = match.group(1) if match else None
        self.deadline = None
        self.keys = {}
        return page

    async def take_attempt(self, page: Page, stop: asyncio.Event) -> Page | None:
        answered = 0
        while page is not None and page.has('id="answer-form"'):
            self.on_question_page(page)
            if self.time_is_up():
                return await self.wait_for_finalization(page)
            position = int(re.search(r"/questions/(\d+)/", page.url).group(1))
            outcome = await self.answer(page, position)
            if outcome == "time up":
                return await self.wait_for_finalization(page)
            answered += 1
            if self.rng.random() < self.pace.flag_share:
                page = await self.flag(page, position)
                if page is None:
                    return None
                self.on_question_page(page)
            targets = page.go_targets()
            nxt = str(position + 1)
            if answered >= self.pace.questions or nxt not in targets or stop.is_set():
                page = await self.save_and_go(page, position, "submit" if "submit" in targets else None)
                break
            page = await self.save_and_go(page, position, nxt)
        if page is None:
            return None
        return await self.review_and_submit(page)

    def on_question_page(self, page: Page):
        """What the script does when a question page loads: timing, then flush what the journal holds."""
        timing = page.timing()
        if timing:
            self.correct_clock(timing)
        self.spawn(self.flush_journal)

    async def answer(self, page: Page, position: int) -> str:
        kind = page.form_data("kind")
        if position not in self.keys and self.oracle and self.attempt_id:
            self.keys[position] = await self.oracle(self.attempt_id, position)
        await self.pause(self.pace.read)
        if kind in CHOICE_TYPES:
            choice = self.choose(page, position, kind)
            for count in range(1, len(choice) + 1):
                if self.time_is_up():
                    return "time up"
                self.journal_answer(page, position, sorted(choice[:count]))
                await self.pause((0.5, 2.0))
        else:
            text = page.current_answer() or ""
            target = self.text_answer(position)
            if text == target:
                target += " "
            typed = text
            while typed != target:
                keys = []  # the answer after each keystroke of the burst
                for _ in range(self.rng.randint(*self.pace.burst)):
                    if typed == target:
                        break
                    typed = typed[:-1] if not target.startswith(typed) else target[: len(typed) + 1]
                    keys.append(typed)
                if not await self.type_burst(page, position, keys):
                    return "time up"
                long = self.rng.random() < self.pace.long_pause_share
                await self.pause(self.pace.long_pause if long else self.pace.short_pause)
        await self.pause(self.pace.after_answer)
        return "time up" if self.time_is_up() else "answered"

    async def type_burst(self, page: Page, position: int, keys: list[str]) -> bool:
        """Type a burst: one input event per entry of `keys`, each followed by a key gap. False if the time
        ran out first.

        Every key re-arms the preview (250 ms) and autosave (600 ms) timers, and a key gap is shorter than
        both, so only the last key's timers ever fire. When nothing else can look at the journal in between
        (no save retry due, no deadline within reach), the burst is therefore simulated as the first key's
        journal entry (a save reply arriving meanwhile compares its stamp with it) and cancelled timers, one
        sleep, then the last key as an input event standing for the keys in between: the same final state,
        the same timer deadlines after the last key, the same random draws in the same order, so the same
        requests at the same moments, for two wake-ups of the loop instead of one per key.
        """
        if len(keys) > 1 and self.burst_unobserved(len(keys)):
            gaps = [self.rng.uniform(*self.pace.key) for _ in keys]
            self.write_journal(page, position, keys[0])
            self.clear_timeout("save")
            self.clear_timeout("preview")
            await asyncio.sleep(sum(gaps[:-1]))
            self.on_input(page, position, keys[-1], edits=len(keys) - 1)
            await asyncio.sleep(gaps[-1])
            return True
        for typed in keys:
            if self.time_is_up():
                return False
            self.on_input(page, position, typed)
            await self.pause(self.pace.key)
        return True

    def burst_unobserved(self, count: int) -> bool:
        """Whether `count` keys can be typed with no timer firing and no deadline passing in between."""
        longest = count * self.pace.key[1]
        return (
            self.pace.key[1] < PREVIEW_DELAY < SAVE_DELAY
            # A save retry due during the burst would send a key in between; one armed during the burst (a
            # save failing meanwhile) fires MIN_RETRY later at the earliest.
            and not self.timer_pending("retry")
            and longest < MIN_RETRY
            and (self.deadline is None or self.server_now() + longest + DEADLINE_MARGIN < self.deadline)
        )

    def on_input(self, page: Page, position: int, typed: str, edits: int = 1):
        self.journal_answer(page, position, typed, edits)
        self.set_timeout("preview", PREVIEW_DELAY, self.request_preview, page, typed)

    def choose(self, page: Page, position: int, kind: str) -> list[str]:
        options = page.options()
        known = self.keys.get(position, {})
        correct = [option for option in known.get("correct", []) if option in options]
        if correct and self.rng.random() < self.pace.correct_share:
            return correct
        count = 1 if kind == "single_choice" else self.rng.randint(1, min(3, len(options)))
        return self.rng.sample(options, count)

    def text_answer(self, position: int) -> str:
        key = self.keys.get(position, {}).get("answer") or "x"
        if self.rng.random() < self.pace.correct_share:
            return key
        return wrong_answer(key, self.rng)

    async def flag(self, page: Page, position: int) -> Page | None:
        action = re.search(r'action="([^"]+/flag)"', page.text).group(1)
        flagged = re.search(r'name="flagged" value="(\d)"', page.text).group(1)
        self.leave_page()
        outcome = await self.post_form(
            action, [("csrfmiddlewaretoken", page.csrf), ("flagged", flagged)], kind="flag (form)"
        )
        if outcome is None or outcome[1] is None:
            return None
        return await self.load_page(outcome[1])

    async def save_and_go(self, page: Page, position: int, target: str | None) -> Page | None:
        """ "Save and next" (or "Save and review"): the form carries the answer; or the "Review and submit"
        link when there is no such button (a plain GET)."""
        self.leave_page()
        if target is None:
            return await self.load_page(f"/attempts/{self.attempt_id}/submit/")
        answer = self.current_value(page, position)
        fields = [("csrfmiddlewaretoken", page.csrf), ("go", target)]
        if isinstance(answer, list):
            fields += [("option", option) for option in answer]
        else:
            fields.append(("answer", answer))
        record = self.ledger.sent(
            self.attempt_id,
            position,
            SaveRecord(self.edits.get((self.attempt_id, position), 0), answer, None, "form"),
        )
        outcome = await self.post_form(page.form_data("save-url"), fields, kind="save and next (form)")
        if outcome is None or outcome[1] is None:
            return None
        expected = "/submit/" if target == "submit" else f"/questions/{target}/"
        record.outcome = "confirmed" if outcome[1].endswith(expected) else "refused"
        return await self.load_page(outcome[1])

    def current_value(self, page: Page, position: int):
        key = page.form_data("journal-key")
        if key in self.journal:
            return self.journal[key]["answer"]
        last = [r for r in self.ledger.records.get((self.attempt_id, position), [])]
        return last[-1].answer if last else page.current_answer()

    async def review_and_submit(self, page: Page) -> Page | None:
        if not page.has('id="submit-form"'):
            return await self.wait_for_result(page)
        self.on_submit_page(page)
        if self.journal and await self.flush_journal():
            page = await self.load_page(page.url)  # the script reloads the review once the journal is in
            if page is None:
                return None
        await self.pause((1.0, 3.0))
        if self.journal:
            await self.flush_journal()
        self.leave_page()
        outcome = await self.post_form(
            page.url, [("csrfmiddlewaretoken", page.csrf), ("confirm", "on")], kind="submit (form)"
        )
        if outcome is None or outcome[1] is None:
            return None
        self.attempts_submitted.append(self.attempt_id)
        page = await self.load_page(outcome[1])
        return await self.wait_for_result(page) if page is not None else None

    def on_submit_page(self, page: Page):
        timing = page.timing()
        if timing:
            self.correct_clock(timing)

    async def wait_for_finalization(self, page: Page) -> Page | None:
        """The deadline passed on a question page: flush, then poll the status until the attempt closes."""
        await self.flush_journal()
        self.leave_page()
        status_url = page.form_data("status-url")
        while True:
            reply = await self.fetch("GET", status_url, accept="application/json")
            if reply is not None and reply[0] == 200:
                payload = json.loads(reply[1])
                self.correct_clock(payload)
                if payload.get("status") != "open":
                    break
                await asyncio.sleep(FINALIZE_POLL)
            else:
                await asyncio.sleep(2 * FINALIZE_POLL)
        page = await self.load_page(status_url.removesuffix("status") + "result/")
        return await self.wait_for_result(page) if page is not None else None

    async def wait_for_result(self, page: Page) -> Page | None:
        """The results page polls the status while the attempt is being graded, then reloads itself."""
        if not page.has('id="grading-progress"'):
            # The result is on the screen now: the page has arrived, whether it was graded when first asked
            # for or reloaded after a poll saw it graded.
            self.recorder.result_seen.setdefault(self.attempt_id, time.time())
            return page
        status_url = _attr("data-status-url", page.text)
        waiting_since = time.monotonic()
        delay = RESULT_FIRST_POLL
        await asyncio.sleep(delay)
        while True:
            reply = await self.fetch("GET", status_url, accept="application/json")
            factor = 2.0
            if reply is not None and reply[0] == 200:
                payload = json.loads(reply[1])
                if payload.get("status") != "submitted":  # graded, or graded provisionally ("review")
                    reloaded = await self.load_page(page.url)
                    return await self.wait_for_result(reloaded) if reloaded is not None else None
                factor = 1.5
            prompt = time.monotonic() - waiting_since < RESULT_PROMPT_FOR
            delay = min(delay * factor, RESULT_PROMPT_POLL if prompt else RESULT_MAX_POLL)
            await asyncio.sleep(delay)


def wrong_answer(key: str, rng: random.Random) -> str:
    """A plausible mistake: a digit off, a transpose dropped, or a stray factor."""
    digits = [index for index, char in enumerate(key) if char.isdigit()]
    if digits:
        index = rng.choice(digits)
        return key[:index] + str((int(key[index]) + 1) % 10) + key[index + 1 :]
    if "^T" in key:
        return key.replace("^T", "", 1)
    return f"2 {key}"


def _path_of(location: str) -> str:
    return "/" + location.split("://", 1)[1].split("/", 1)[1] if "://" in location else location
