"""The six question types: what makes a question's key valid, how a variant is made, how an answer scores.

Everything here works on a question's content (the plain data a QuestionVersion freezes), so the same
rules serve the admin, the importer, the author preview and the grading of attempts.
"""

from dataclasses import dataclass, field

from exams import answers, variants
from grading import engine

CHOICE_TYPES = {"single_choice", "multiple_choice"}
# Options are identified within a version by position: a, b, c …
OPTION_IDS = "abcdefghijklmnopqrstuvwxyz"
TOLERANCE_TYPES = {"numeric", "matrix"}
# Seeds tried when validating a question with variant parameters: a few are enough to catch a key that
# only breaks for some draws (a singular matrix, a zero divisor) without slowing every save.
VALIDATION_SEEDS = range(8)
TEXT_FIELDS = ("title", "stem", "solution")


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


def make_variant(content, seed):
    if not content.get("parameters"):
        return Variant(seed=seed, content=content)
    values = variants.draw(content["parameters"], seed)

    def text(value):
        return variants.substitute(value, values)

    def key(value):
        return variants.substitute(value, values, key=True)

    resolved = {
        **content,
        "title": text(content["title"]),
        "stem": text(content["stem"]),
        "solution": text(content["solution"]),
        "hints": [text(hint) for hint in content["hints"]],
        "options": [
            {**option, "text": text(option["text"]), "feedback": text(option.get("feedback", ""))}
            for option in content["options"]
        ],
        "answer": key(content["answer"]),
        "function": key(content["function"]),
    }
    return Variant(seed=seed, content=resolved, values=values)


def validate_content(content, *, check_options=True):
    """Return {field: [messages]} for everything wrong with a question's content; empty when it is valid.

    The admin checks options in its inline formset (so passes check_options=False); everything else here.
    """
    errors = {}

    def add(name, message):
        errors.setdefault(name, []).append(message)

    for name in TEXT_FIELDS:
        if not str(content.get(name, "")).strip():
            add(name, "This field is required.")
    if content.get("difficulty") not in (1, 2, 3):
        add("difficulty", "Difficulty must be 1 (easy), 2 (medium) or 3 (hard).")
    if not isinstance(content.get("tags"), list) or not all(isinstance(tag, str) for tag in content["tags"]):
        add("tags", "Tags must be a list of words.")

    kind = content.get("type")
    if kind in CHOICE_TYPES and check_options:
        for message in option_problems(kind, content.get("options") or []):
            add("options", message)
    if kind in TOLERANCE_TYPES:
        _validate_tolerances(content, add)
    if kind == "expression":
        _validate_symbols_and_derivative_fields(content, add)

    parameters = content.get("parameters") or {}
    for message in variants.validate(parameters):
        add("parameters", message)
    for name, text in _templated_texts(content):
        for unknown in sorted(variants.placeholders(text) - set(parameters)):
            add(name, f"{{{{{unknown}}}}} is not a declared parameter.")
    if errors:
        return errors

    # The key must work for every variant: check it under several seeds.
    seeds = VALIDATION_SEEDS if content.get("parameters") else [0]
    for seed in seeds:
        try:
            variant = make_variant(content, seed)
        except variants.ParameterError as error:
            add("parameters", str(error))
            break
        problem = _key_problem(variant.content)
        if problem:
            field_name, message = problem
            suffix = f" (variant seed {seed})" if content.get("parameters") else ""
            add(field_name, message + suffix)
            break
    return errors


def _templated_texts(content):
    """(field, text) for every text that may hold {{name}} placeholders."""
    for name in ("title", "stem", "solution", "answer", "function"):
        yield name, str(content.get(name) or "")
    for hint in content.get("hints") or []:
        yield "hints", hint
    for option in content.get("options") or []:
        yield "options", option.get("text", "")
        yield "options", option.get("feedback", "")


def option_problems(kind, options):
    """Messages about a choice question's options: [{"text", "correct"}, …]."""
    problems = []
    correct = sum(1 for option in options if option.get("correct"))
    if len(options) < 2:
        problems.append("A choice question needs at least two options.")
    if len(options) > len(OPTION_IDS):
        problems.append(f"A question can have at most {len(OPTION_IDS)} options.")
    if any(not str(option.get("text", "")).strip() for option in options):
        problems.append("Every option needs a text.")
    if kind == "single_choice" and correct != 1:
        problems.append(f"A single-choice question needs exactly one correct option, not {correct}.")
    if kind == "multiple_choice" and correct < 1:
        problems.append("A multiple-choice question needs at least one correct option.")
    return problems


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


def _key_problem(content):
    """The (field, message) of the first problem with a resolved variant's key, or None."""
    kind = content["type"]
    key = content.get("answer", "")
    try:
        if kind == "numeric":
            answers.parse_number(key)
        elif kind == "matrix":
            answers.parse_matrix(key)
        elif kind == "shape":
            answers.parse_shape(key)
        elif kind == "expression":
            return _expression_key_problem(content)
    except answers.AnswerError as error:
        return "answer", f"The key does not parse: {error}"
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


def learner_view(content):
    """What a learner may see before submitting: no key, no solution, no option correctness."""
    view = {
        "type": content["type"],
        "title": content["title"],
        "stem": content["stem"],
        "difficulty": content["difficulty"],
    }
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
    kind = content["type"]
    if not text.strip():
        return Interpretation(ok=False, error="")
    try:
        if kind == "expression":
            preview = engine.preview(content["symbols"], text)
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
