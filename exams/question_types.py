"""The six question types: what makes a question's key valid, how a variant is made, how an answer scores.

Everything here works on a question's content (the plain data a QuestionVersion freezes), so the same
rules serve the admin, the importer, the author preview and the grading of attempts.
"""

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from config.hygiene import UNSTORABLE_CHARACTERS
from exams import answers, precision, snippets, variants
from grading import engine

CHOICE_TYPES = {"single_choice", "multiple_choice"}
# Options are identified within a version by position: a, b, c … (a pool's variant keeps these ids).
OPTION_IDS = "abcdefghijklmnopqrstuvwxyz"
TOLERANCE_TYPES = {"numeric", "matrix"}
# Every variant seed of variants.VALIDATION_SEEDS is checked for what is cheap (keys parse, options differ,
# the precision holds); the engine's checks of expression keys, which cost milliseconds, run on these few,
# enough to catch a key that only breaks for some draws without slowing every save.
ENGINE_CHECK_SEEDS = range(8)
TEXT_FIELDS = ("title", "stem", "solution")
POOL_KEYS = {"show", "correct"}
# Option pools sample with their own random stream, so adding a pool never changes a variant's numbers.
_POOL_STREAM = 1


@dataclass(frozen=True)
class Variant:
    """A version's content with its parameters drawn for one seed and substituted everywhere."""

    seed: int
    content: dict
    values: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Outcome:
    """The grade of one answer: score in [0, 1], a verdict, a learner-facing message."""

    score: float
    verdict: str  # correct | partial | incorrect | invalid | review (not gradable: see AttemptQuestion)
    message: str
    diagnosis: tuple = ()
    method: str | None = None


# Content keys left out when empty (see Question.content), and the same for options.
OPTIONAL_KEYS = {"where": [], "pool": {}}
OPTIONAL_OPTION_KEYS = {"always": False, "correct_if": ""}


def optional_keys_dropped(content: dict) -> dict:
    """``content`` without optional keys at their empty value, so old and new versions compare equal."""
    kept = _without_defaults(content, OPTIONAL_KEYS)
    if "options" in kept:
        kept["options"] = [_without_defaults(option, OPTIONAL_OPTION_KEYS) for option in kept["options"]]
    return kept


def _without_defaults(mapping: dict, defaults: dict) -> dict:
    return {key: value for key, value in mapping.items() if key not in defaults or value != defaults[key]}


def make_variant(content: dict, seed: int) -> Variant:
    """The question as one learner sees it: parameters drawn (meeting ``where``), the option pool sampled.

    The variant's ``options`` are the ones shown, each keeping the id of its place in the whole pool.
    """
    if not (content.get("parameters") or content.get("where") or content.get("pool")):
        return Variant(seed=seed, content=content)
    return _resolve(
        content, seed, variants.draw(content.get("parameters") or {}, seed, content.get("where") or [])
    )


def _resolve(content: dict, seed: int, values: dict) -> Variant:
    """The variant of ``content`` with these drawn values."""

    def text(value: str) -> str:
        return variants.substitute(value, values)

    def key(value: str) -> str:
        return variants.substitute(value, values, key=True)

    decided = {**content, "options": [_decided(option, values) for option in content["options"]]}
    resolved = {
        **content,
        "title": text(content["title"]),
        "stem": text(content["stem"]),
        "solution": text(content["solution"]),
        "hints": [text(hint) for hint in content["hints"]],
        "options": [
            {**option, "text": text(option["text"]), "feedback": text(option.get("feedback", ""))}
            for option in shown_options(decided, seed)
        ],
        "answer": key(content["answer"]),
        "symbols": _substitute_symbols(content.get("symbols") or {}, values),
        "function": key(content["function"]),
        "wrt": key(content.get("wrt") or ""),
    }
    return Variant(seed=seed, content=resolved, values=values)


def _decided(option: dict, values: dict) -> dict:
    """An option whose correctness is a condition (``correct_if``), decided for these values."""
    condition = option.get("correct_if")
    if not condition:
        return option
    decided = {key: value for key, value in option.items() if key != "correct_if"}
    try:
        return {**decided, "correct": variants.holds(condition, values)}
    except variants.ParameterError as error:
        raise variants.ParameterError(f"option {option['id']}: correct_if {condition!r}: {error}") from None


def _substitute_symbols(symbols: dict, values: dict) -> dict:
    """Symbols whose names or dimensions are parameters: ``{"{{M}}": {"shape": ["{{n}}", 1]}}``."""

    def dimension(size: str | int) -> str | int:
        if not isinstance(size, str):
            return size
        written = variants.substitute(size, values, key=True)
        return int(written) if written.isascii() and written.isdigit() else written

    return {
        variants.substitute(name, values, key=True): {
            **spec,
            "shape": [dimension(size) for size in spec.get("shape", [])],
        }
        for name, spec in symbols.items()
    }


# --- Option pools ----------------------------------------------------------------------------------------


def shown_options(content: dict, seed: int) -> list[dict]:
    """The options a variant shows, in bank order: all of them, or a sample from the question's pool.

    A pool shows ``show`` options: every option marked ``always``, then a random sample of the others;
    single choice shows exactly one correct option, multiple choice a number of correct ones drawn from
    the pool's ``correct`` range.
    """
    options, pool = content["options"], content.get("pool")
    if not pool:
        return options
    rng = np.random.default_rng([seed, _POOL_STREAM])
    low, high = correct_shown(content["type"], pool, options)
    count = int(rng.integers(low, high + 1))
    right = [option for option in options if option["correct"]]
    wrong = [option for option in options if not option["correct"]]
    chosen = {
        option["id"] for option in _sample(right, count, rng) + _sample(wrong, pool["show"] - count, rng)
    }
    return [option for option in options if option["id"] in chosen]


def _sample(options: list[dict], count: int, rng: np.random.Generator) -> list[dict]:
    always = [option for option in options if option.get("always")]
    others = [option for option in options if not option.get("always")]
    picked = rng.choice(len(others), size=count - len(always), replace=False)
    return always + [others[index] for index in picked]


def correct_shown(kind: str, pool: dict, options: list[dict]) -> tuple[int, int]:
    """The fewest and most correct options a variant of this pool shows."""
    if kind == "single_choice":
        return 1, 1
    declared = pool.get("correct")
    if isinstance(declared, int):
        return declared, declared
    if isinstance(declared, list):
        return declared[0], declared[1]
    show = pool["show"]
    right = [option for option in options if option["correct"]]
    wrong = [option for option in options if not option["correct"]]
    always_right = sum(1 for option in right if option.get("always"))
    always_wrong = sum(1 for option in wrong if option.get("always"))
    return max(1, always_right, show - len(wrong)), min(len(right), show - always_wrong)


def pool_problems(kind: str, pool: dict, options: list[dict]) -> list[str]:
    """Messages about an option pool: {"show": 4} or, for multiple choice, {"show": 5, "correct": [1, 3]}."""
    if not pool:
        if any(option.get("always") for option in options):
            return ["'always' only matters for a question with an option pool ('pool: {show: …}')."]
        return []
    if not isinstance(pool, dict) or not set(pool) <= POOL_KEYS or "show" not in pool:
        return ["Write the pool as {show: 4} or, for multiple choice, {show: 5, correct: [1, 3]}."]
    show = pool["show"]
    if not (isinstance(show, int) and not isinstance(show, bool) and 2 <= show <= len(options)):
        return [
            f"'show' must be a whole number from 2 to the number of options ({len(options)}), not {show!r}."
        ]
    if kind == "single_choice" and "correct" in pool:
        return ["A single-choice question always shows exactly one correct option; leave out 'correct'."]
    declared = pool.get("correct")
    if declared is not None and not _is_range(declared, show):
        return [f"'correct' must be a number or a range [fewest, most] within 1 to {show}, not {declared!r}."]
    low, high = correct_shown(kind, pool, options)
    right = [option for option in options if option["correct"]]
    wrong = [option for option in options if not option["correct"]]
    always_right = sum(1 for option in right if option.get("always"))
    always_wrong = sum(1 for option in wrong if option.get("always"))
    problems = []
    if low > high:
        problems.append(
            f"No variant can show {show} options with {len(right)} correct and {len(wrong)} incorrect "
            f"ones in the pool ({always_right + always_wrong} of them always shown)."
        )
    if always_right > low:
        problems.append(
            f"{always_right} correct options are always shown, but a variant may show only {low}."
        )
    if high > len(right):
        problems.append(f"A variant may show {high} correct options, but the pool has only {len(right)}.")
    if show - low > len(wrong):
        problems.append(
            f"A variant may show {show - low} incorrect options, but the pool has only {len(wrong)}."
        )
    if always_wrong > show - high:
        problems.append(
            f"{always_wrong} incorrect options are always shown, but a variant may show only {show - high}."
        )
    return problems


def _is_range(declared, show: int) -> bool:
    def count(value) -> bool:
        return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= show

    if isinstance(declared, list):
        return len(declared) == 2 and all(map(count, declared)) and declared[0] <= declared[1]
    return count(declared)


def fields_with_control_characters(content: dict) -> set[str]:
    """The top-level fields whose text, at any depth, holds a control character other than tab and line
    breaks (a YAML "\\0" escape can put a NUL anywhere, and PostgreSQL cannot store one)."""

    def holds(value: object) -> bool:
        if isinstance(value, str):
            return bool(UNSTORABLE_CHARACTERS.search(value))
        if isinstance(value, dict):
            return any(holds(key) or holds(item) for key, item in value.items())
        if isinstance(value, list | tuple):
            return any(holds(item) for item in value)
        return False

    return {name for name, value in content.items() if holds(value)}


def validate_content(content: dict, *, check_options: bool = True) -> dict[str, list[str]]:
    """Return {field: [messages]} for everything wrong with a question's content; empty when it is valid.

    The admin checks options in its inline formset (so passes check_options=False); everything else here.
    """
    errors = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    for name in TEXT_FIELDS:
        if not str(content.get(name, "")).strip():
            add(name, "This field is required.")
    for name in sorted(fields_with_control_characters(content)):
        add(name, "Control characters (such as NUL) are not allowed; use plain text, tabs and line breaks.")
    if content.get("difficulty") not in (1, 2, 3):
        add("difficulty", "Difficulty must be 1 (easy), 2 (medium) or 3 (hard).")
    if not isinstance(content.get("tags"), list) or not all(isinstance(tag, str) for tag in content["tags"]):
        add("tags", "Tags must be a list of words.")

    kind = content.get("type")
    if kind in CHOICE_TYPES and check_options:
        for message in option_problems(kind, content.get("options") or [], content.get("pool") or {}):
            add("options", message)
    elif content.get("pool"):
        add("pool", "Only choice questions have an option pool.")
    if kind in TOLERANCE_TYPES:
        _validate_tolerances(content, add)
    if kind == "expression":
        _validate_symbols_and_derivative_fields(content, add)

    parameters = content.get("parameters") or {}
    checked = variants.check(parameters, content.get("where") or [])
    for message in checked.problems:
        add("where" if message.startswith("where") else "parameters", message)
    for name, text in templated_texts(content):
        for unknown in sorted(variants.placeholders(text) - set(parameters)):
            add(name, f"{{{{{unknown}}}}} is not a declared parameter.")
    if errors:
        return errors
    # Code blocks, in every text (every option of a pool included) of the first variant.
    first_values = checked.values.get(variants.VALIDATION_SEEDS[0], {})
    for name, text in templated_texts(content):
        for code_problem in snippets.problems(variants.substitute(text, first_values)):
            add(name, code_problem)

    # The key must work for every variant: check each one validation draws.
    randomized = bool(parameters or content.get("pool"))
    for seed in variants.VALIDATION_SEEDS if randomized else [0]:
        try:
            variant = (
                _resolve(content, seed, checked.values[seed]) if randomized else make_variant(content, seed)
            )
        except variants.ParameterError as error:
            add("parameters", str(error))
            break
        problem = _variant_problem(content, variant, engine_checks=seed in ENGINE_CHECK_SEEDS)
        if problem:
            field_name, message = problem
            add(field_name, message + (f" (variant seed {seed})" if randomized else ""))
            break
    return errors


def templated_texts(content: dict) -> Iterator[tuple[str, str]]:
    """(field, text) for every text that may hold {{name}} placeholders."""
    for name in ("title", "stem", "solution", "answer", "function", "wrt"):
        yield name, str(content.get(name) or "")
    for hint in content.get("hints") or []:
        yield "hints", hint
    for option in content.get("options") or []:
        yield "options", option.get("text", "")
        yield "options", option.get("feedback", "")
    symbols = content.get("symbols")
    for name, spec in symbols.items() if isinstance(symbols, dict) else ():
        yield "symbols", str(name)
        shape = spec.get("shape") if isinstance(spec, dict) else None
        for size in shape if isinstance(shape, list) else ():
            yield "symbols", str(size)


def option_problems(kind: str, options: list[dict], pool: dict | None = None) -> list[str]:
    """Messages about a choice question's options ([{"text", "correct", "correct_if", "always"}, …]) and its
    pool. Options correct under a condition are counted per variant (see _variant_problem)."""
    problems = []
    correct = sum(1 for option in options if option.get("correct"))
    if any(option.get("correct_if") for option in options):
        if any(option.get("correct") and option.get("correct_if") for option in options):
            problems.append("An option is either correct or correct_if a condition, not both.")
        if pool:
            problems.append("An option pool cannot hold options that are correct_if a condition.")
        return problems
    if len(options) < 2:
        problems.append("A choice question needs at least two options.")
    if len(options) > len(OPTION_IDS):
        problems.append(f"A question can have at most {len(OPTION_IDS)} options.")
    if any(not str(option.get("text", "")).strip() for option in options):
        problems.append("Every option needs a text.")
    if kind == "single_choice" and not pool and correct != 1:
        problems.append(f"A single-choice question needs exactly one correct option, not {correct}.")
    if kind == "single_choice" and pool and correct < 1:
        problems.append("A single-choice pool needs at least one correct option.")
    if kind == "multiple_choice" and correct < 1:
        problems.append("A multiple-choice question needs at least one correct option.")
    if problems:
        return problems
    return pool_problems(kind, pool or {}, options)


def _validate_tolerances(content, add):
    absolute, relative = content.get("abs_tolerance"), content.get("rel_tolerance")
    for name, value in (("abs_tolerance", absolute), ("rel_tolerance", relative)):
        if value is not None and not value >= 0:
            add(name, "A tolerance cannot be negative.")
    if not ((absolute or 0) > 0 or (relative or 0) > 0):
        add("abs_tolerance", "Give an absolute or a relative tolerance greater than 0.")


def _validate_symbols_and_derivative_fields(content, add):
    if not isinstance(content.get("symbols"), dict) or not content["symbols"]:
        add("symbols", 'Declare the symbols of the expression, e.g. {"x": {"shape": ["n", 1]}}.')
    if bool(content.get("function", "").strip()) != bool(content.get("wrt", "").strip()):
        add(
            "wrt", "Give both the function and the variable it is differentiated with respect to, or neither."
        )


def _variant_problem(content: dict, variant: Variant, *, engine_checks: bool) -> tuple[str, str] | None:
    """The (field, message) of the first problem with one variant, or None."""
    resolved = variant.content
    kind = resolved["type"]
    if kind in CHOICE_TYPES:
        if any(option.get("correct_if") for option in content["options"]):
            for problem in option_problems(kind, resolved["options"]):
                return "options", f"{problem} Adjust the correct_if conditions, or add a where condition."
        # Every option of a pool, not only the ones this variant shows: another seed may show any two.
        pool = [
            {**option, "text": variants.substitute(option["text"], variant.values)}
            for option in content["options"]
        ]
        return _coinciding_options(pool)
    key = resolved.get("answer", "")
    try:
        if kind == "numeric":
            return _precision_problem(content, variant, answers.parse_number(key))
        if kind == "matrix":
            return _precision_problem(content, variant, answers.parse_matrix(key))
        if kind == "shape":
            answers.parse_shape(key)
        elif kind == "expression" and engine_checks:
            return _expression_key_problem(resolved)
    except answers.AnswerError as error:
        return "answer", f"The key does not parse: {error}"
    return None


def _coinciding_options(options: list[dict]) -> tuple[str, str] | None:
    """Two options that read the same (after substitution, ignoring spacing) cannot both be shown."""
    seen = {}
    for option in options:
        text = " ".join(option["text"].split())
        if text in seen:
            return "options", f"Options {seen[text]} and {option['id']} read the same: {text!r}."
        seen[text] = option["id"]
    return None


def _precision_problem(content: dict, variant: Variant, key: float | np.ndarray) -> tuple[str, str] | None:
    """A stem that states a precision the tolerance does not accept, or a rounded key learners must
    match more closely than a person can be asked to (see exams/precision.py)."""
    absolute, relative = content.get("abs_tolerance") or 0.0, content.get("rel_tolerance") or 0.0

    def accepts(rounded: float, exact: float) -> bool:
        return answers.numbers_close(rounded, exact, absolute, relative)

    stated = precision.stated(variant.content["stem"])
    if stated is not None:
        missed = precision.rounding_rejected(stated, key, accepts)
        if missed:
            exact, rounded = missed
            return "abs_tolerance", (
                f"The stem asks for {stated.phrase()}, but the tolerance rejects {rounded:g}, the key "
                f"{exact:.10g} rounded that way: allow at least {precision.tolerance_for(stated)}."
            )
        return None
    exact_key = all(
        variants.is_exact(variant.values[name]) for name in variants.placeholders(content["answer"])
    )
    if precision.required(absolute, relative).kind == "exact" and not exact_key:
        return "abs_tolerance", (
            f"The key {variant.content['answer']} is rounded, so learners cannot give it to within this "
            f"tolerance: accept {precision.MAX_SIGNIFICANT} significant figures (rel: "
            f"{5 * 10.0**-precision.MAX_SIGNIFICANT:g}) or {precision.MAX_DECIMALS} decimal places (abs: "
            f"{0.5 * 10.0**-precision.MAX_DECIMALS:g}), or say in the stem how precise to be."
        )
    return None


def _expression_key_problem(content):
    symbols, key = content["symbols"], content["answer"]
    try:
        result = engine.check(symbols, key, key)
    except engine.ConfigError as error:
        return ("symbols" if "symbol" in str(error).lower() else "answer"), str(error)
    if result.verdict != "correct":
        return "answer", f"The key is not accepted as its own answer: {result.message}"
    if content.get("function"):
        try:
            derivative = engine.derivative_check(symbols, content["function"], content["wrt"], key)
        except engine.ConfigError as error:
            return "function", str(error)
        if not derivative.ok:
            return "answer", f"The key is not the derivative of the function: {derivative.message}"
    return None


def grade(content, response):
    """Score a learner's response (a text, or a list of option ids for choice questions) against a variant."""
    kind = content["type"]
    if kind in CHOICE_TYPES:
        selected = response if isinstance(response, list) else []
        correct = {option["id"] for option in content["options"] if option["correct"]}
        every = {option["id"] for option in content["options"]}
        if kind == "single_choice":
            result = answers.grade_single_choice(correct, selected, all_ids=every)
        else:
            result = answers.grade_multiple_choice(correct, every, selected)
        return Outcome(result.score, result.verdict, result.message)

    text = response if isinstance(response, str) else ""
    if not text.strip():
        return Outcome(0.0, "invalid", "No answer was given.")
    if kind == "expression":
        # A broken key raises (ConfigError, EngineError): the caller puts the answer up for review.
        result = engine.check(content["symbols"], content["answer"], text)
        score = 1.0 if result.verdict == "correct" else 0.0
        return Outcome(score, result.verdict, result.message, tuple(result.diagnosis), result.method)

    absolute, relative = content.get("abs_tolerance") or 0.0, content.get("rel_tolerance") or 0.0
    if kind == "numeric":
        result = answers.grade_numeric(answers.parse_number(content["answer"]), absolute, relative, text)
    elif kind == "matrix":
        result = answers.grade_matrix(answers.parse_matrix(content["answer"]), absolute, relative, text)
    elif kind == "shape":
        result = answers.grade_shape(answers.parse_shape(content["answer"]), text)
    else:
        raise ValueError(f"unknown question type {kind!r}")
    return Outcome(result.score, result.verdict, result.message)


def learner_view(content: dict) -> dict:
    """What a learner may see before submitting: no key, no solution, no option correctness."""
    view = {
        "type": content["type"],
        "title": content["title"],
        "stem": content["stem"],
        "difficulty": content["difficulty"],
    }
    if content["type"] in TOLERANCE_TYPES:
        view["precision"] = precision.note(
            kind=content["type"],
            abs_tolerance=content.get("abs_tolerance"),
            rel_tolerance=content.get("rel_tolerance"),
            stem=content["stem"],
        )
    if content["type"] in CHOICE_TYPES:
        view["options"] = [{"id": option["id"], "text": option["text"]} for option in content["options"]]
    if content["type"] == "expression":
        view["symbols"] = content["symbols"]
    return view


@dataclass(frozen=True)
class Interpretation:
    """How an answer typed so far is read, for the live preview: LaTeX and a shape, or the exact error."""

    ok: bool
    latex: str = ""
    shape: str = ""
    error: str = ""


def interpret(content, text):
    """The live preview of `text` as an answer to this (variant's) question."""
    return interpret_reading(*reading_of(content), text)


def reading_of(content) -> tuple[str, str]:
    """What reading an answer to this (variant's) question needs: its type and, for an expression, its
    symbols as canonical JSON."""
    symbols = json.dumps(content.get("symbols"), sort_keys=True) if content["type"] == "expression" else ""
    return content["type"], symbols


# The preview fires on every pause in typing and a class types the same answers: each process reads a
# (symbols, text) pair once. The reading is a pure function of them.
@lru_cache(maxsize=8192)
def interpret_reading(kind: str, symbols_json: str, text: str) -> Interpretation:
    """The live preview of `text` read as `kind` with these symbols (see reading_of)."""
    if not text.strip():
        return Interpretation(ok=False, error="")
    try:
        if kind == "expression":
            preview = engine.preview(json.loads(symbols_json), text)
            return Interpretation(
                ok=preview.ok, latex=preview.latex or "", shape=preview.shape or "", error=preview.error or ""
            )
        if kind == "matrix":
            matrix = answers.parse_matrix(text)
            return Interpretation(
                ok=True, latex=variants.format_value(matrix), shape=answers.format_shape(matrix.shape)
            )
        if kind == "shape":
            shape = answers.format_shape(answers.parse_shape(text))
            return Interpretation(ok=True, latex=shape.replace("×", r" \times "), shape=shape)
        if kind == "numeric":
            return Interpretation(ok=True, latex=variants.format_number(answers.parse_number(text)))
    except answers.AnswerError as error:
        return Interpretation(ok=False, error=str(error))
    except engine.ConfigError:
        return Interpretation(ok=False, error="This question cannot be previewed right now.")
    return Interpretation(ok=False, error="")
