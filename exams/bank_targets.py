"""The content targets of the question bank (issue 16), measured per domain, and the coverage table.

Everything works on the bank's files as read by exams.bank.read_bank (no key validation: import_bank does
that), so `python manage.py bank_coverage` reports on a bank folder and a test can assert the targets:

    report = bank_targets.measure(bank.read_bank(path, validate=False))
    assert report.unmet() == []

A question is *randomized* when its key changes between variants: of RANDOMIZED_SEEDS draws, at least two
give different keys (the answer after substitution; for choice questions the set of correct options shown;
for expression questions the answer, symbols, function and variable). A pool that only changes the
distractors does not count.
"""

import re
import statistics
from collections import Counter
from dataclasses import dataclass, field

from exams import answers
from exams.bank import BankContents, BankEntry
from exams.question_types import CHOICE_TYPES, make_variant

RANDOMIZED_SEEDS = range(20)
FREE_FORM_TYPES = ("expression", "matrix", "numeric")
TYPES = ("single_choice", "multiple_choice", "numeric", "expression", "matrix", "shape")
DIFFICULTIES = {1: "easy", 2: "medium", 3: "hard"}
DIFFICULTY_MIX = {1: 0.30, 2: 0.45, 3: 0.25}
DIFFICULTY_TOLERANCE = 0.08  # each level's share within ±8 percentage points of the mix
MIN_PUBLISHED = 70
HINTS = 3
# An expression question whose title names one of these is a derivative: its key must be checked by
# finite differences (function and wrt given).
DERIVATIVE_TITLE = re.compile(r"\b(gradient|derivative|jacobian|hessian)s?\b", re.IGNORECASE)
# Keys shorter than this (after normalizing) are not looked for in hints: "2" or "x" is in many hints.
MIN_KEY_LENGTH = 3


@dataclass(frozen=True)
class Facts:
    """What the targets need to know about one published question, over its sampled variants."""

    slug: str
    domain: int
    type: str
    difficulty: int
    topic: str
    randomized: bool
    hints: int
    hint_leaks: bool
    derivative_unchecked: bool
    solution_steps: int
    correct_shown: frozenset[tuple[int, int]] = frozenset()  # (correct, shown) per variant, multiple choice
    longest_key_share: float = 0.0  # of variants where the key is the strictly longest option, single choice


@dataclass(frozen=True)
class TargetResult:
    domain: int
    target: str
    met: bool
    value: str  # the measured figure, e.g. "52/72 (72%)"
    offenders: tuple[str, ...] = ()  # slugs to look at


@dataclass
class Report:
    facts: list[Facts]
    topics: dict[int, dict[str, str]]
    results: list[TargetResult] = field(default_factory=list)
    notes: dict[int, list[str]] = field(default_factory=dict)  # outliers reported, not failed

    def unmet(self) -> list[TargetResult]:
        return [result for result in self.results if not result.met]


# --- Facts about a question ------------------------------------------------------------------------------


def facts_of(item: BankEntry) -> Facts:
    content = item.content
    randomized_declared = bool(content.get("parameters") or content.get("pool"))
    variants = [
        make_variant(content, seed).content for seed in (RANDOMIZED_SEEDS if randomized_declared else [0])
    ]
    kind = content["type"]
    return Facts(
        slug=content["slug"],
        domain=item.domain,
        type=kind,
        difficulty=content["difficulty"],
        topic=item.topic,
        randomized=len({key_signature(variant) for variant in variants}) > 1,
        hints=len(content["hints"]),
        hint_leaks=any(hints_reveal_key(variant) for variant in variants),
        derivative_unchecked=kind == "expression"
        and bool(DERIVATIVE_TITLE.search(content["title"]))
        and not (content["function"] and content["wrt"]),
        solution_steps=solution_steps(content["solution"]),
        correct_shown=frozenset(
            (sum(option["correct"] for option in variant["options"]), len(variant["options"]))
            for variant in variants
        )
        if kind == "multiple_choice"
        else frozenset(),
        longest_key_share=(
            statistics.fmean(key_is_strictly_longest(variant["options"]) for variant in variants)
            if kind == "single_choice"
            else 0.0
        ),
    )


def key_signature(variant: dict) -> object:
    """What a learner would have to memorise: the key of this variant."""
    kind = variant["type"]
    if kind in CHOICE_TYPES:
        return frozenset(_collapsed(option["text"]) for option in variant["options"] if option["correct"])
    if kind == "expression":
        symbols = sorted((name, str(spec)) for name, spec in variant["symbols"].items())
        return (_collapsed(variant["answer"]), tuple(symbols), variant["function"], variant["wrt"])
    return _collapsed(variant["answer"])


def key_is_strictly_longest(options: list[dict]) -> bool:
    lengths = [(visible_length(option["text"]), option["correct"]) for option in options]
    key = max(length for length, correct in lengths if correct)
    return all(length < key for length, correct in lengths if not correct)


def visible_length(text: str) -> int:
    """About how long a text reads: a TeX command counts as one character, $, braces and spaces as none."""
    text = re.sub(r"\\[A-Za-z]+", "x", text)
    return len(re.sub(r"[\s${}]", "", text))


def solution_steps(solution: str) -> int:
    """A rough count of a worked solution's steps: its non-empty lines and the relations (=, ≤, ⇒ …) in it."""
    lines = sum(1 for line in solution.splitlines() if line.strip())
    relations = len(
        re.findall(r"(?<![<>!=])=(?!=)|\\le(?:q)?\b|\\ge(?:q)?\b|\\Rightarrow|\\implies|≤|≥|⇒", solution)
    )
    return lines + relations


# --- Does a hint give the key away? ----------------------------------------------------------------------


def hints_reveal_key(variant: dict) -> bool:
    patterns = _key_patterns(variant)
    # Numbers are looked for between words (spacing kept), expressions in the text without spacing.
    spaced = variant["type"] == "numeric"
    return any(key.search(_normalized(hint, spaced=spaced)) for hint in variant["hints"] for key in patterns)


def _key_patterns(variant: dict) -> list[re.Pattern]:
    """The key as it would appear in a hint, normalized; none when it is too short to tell.

    A number must stand alone (12 is not in 112 or x_12); other keys are looked for anywhere."""
    kind = variant["type"]
    if kind == "numeric":
        number = _normalized(variant["answer"])
        if len(number.lstrip("-")) < 2:
            return []
        return [re.compile(r"(?<![\w.])" + re.escape(number) + r"(?!\w|\.\d)")]
    if kind in CHOICE_TYPES:
        forms = [_normalized(option["text"]) for option in variant["options"] if option["correct"]]
    elif kind == "shape":
        try:
            rows, cols = answers.parse_shape(variant["answer"])
        except answers.AnswerError:
            return []
        forms = [f"{rows}×{cols}"]
    else:
        forms = [_normalized(variant["answer"])]
    return [re.compile(re.escape(form)) for form in forms if len(form) >= MIN_KEY_LENGTH]


_TEX_WORDS = {r"\top": "T", r"\intercal": "T", r"\times": "×", r"\cdot": "", r"\left": "", r"\right": ""}


def _normalized(text: str, *, spaced: bool = False) -> str:
    """Text as a key is compared: matrices as [[1,2],[3,4]], TeX transposes as ^T, no braces or $, and no
    spacing (or, when ``spaced``, words still apart)."""
    text = re.sub(
        r"\\begin\{[bpv]?matrix\}(.*?)\\end\{[bpv]?matrix\}",
        lambda match: (
            "["
            + ",".join(
                "[" + ",".join(cell.strip() for cell in row.split("&")) + "]" for row in match[1].split(r"\\")
            )
            + "]"
        ),
        text,
        flags=re.DOTALL,
    )
    text = re.sub(r"\\(?:mathrm|operatorname|mathbf|boldsymbol|text|mathsf)\b", "", text)
    for word, replacement in _TEX_WORDS.items():
        text = re.sub(re.escape(word) + r"(?![A-Za-z])", replacement, text)
    text = re.sub(r"\\[,;:! ]", "", text).replace("\\tfrac", "\\frac").replace("\\dfrac", "\\frac")
    text = re.sub(r"\\frac\{([^{}]*)\}\{([^{}]*)\}", r"\1/\2", text)
    text = re.sub(r"[{}]", "", text)
    return re.sub(r"[\s$`]+", " ", text).strip() if spaced else re.sub(r"[\s$`]", "", text)


def _collapsed(text: str) -> str:
    return " ".join(str(text).split())


# --- Targets ---------------------------------------------------------------------------------------------


def measure(bank: BankContents) -> Report:
    """Every target for every domain of the bank (published questions only)."""
    published = [item for item in bank.questions if item.status == "published"]
    facts = [facts_of(item) for item in published]
    report = Report(facts=facts, topics=bank.topics)
    for domain in sorted({item.domain for item in bank.questions} | set(bank.topics)):
        mine = [fact for fact in facts if fact.domain == domain]
        report.results.extend(_domain_targets(domain, mine))
        report.notes[domain] = difficulty_outliers(mine)
    return report


def _share(part: list[Facts], whole: list[Facts], at_least: float) -> tuple[bool, str]:
    share = len(part) / len(whole) if whole else 1.0
    return share >= at_least, f"{len(part)}/{len(whole)} ({share:.0%})"


def _domain_targets(domain: int, facts: list[Facts]) -> list[TargetResult]:
    results = []

    def add(target: str, met: bool, value: str, offenders: list[Facts] = ()) -> None:
        results.append(TargetResult(domain, target, met, value, tuple(fact.slug for fact in offenders)))

    add(f"at least {MIN_PUBLISHED} published", len(facts) >= MIN_PUBLISHED, str(len(facts)))
    randomized = [fact for fact in facts if fact.randomized]
    add("≥50% randomized", *_share(randomized, facts, 0.5))
    expressions = [fact for fact in facts if fact.type == "expression"]
    unrandomized_expressions = [fact for fact in expressions if not fact.randomized]
    add(
        "≥50% of expression questions randomized",
        *_share([fact for fact in expressions if fact.randomized], expressions, 0.5),
        unrandomized_expressions,
    )
    choices = [fact for fact in facts if fact.type in CHOICE_TYPES]
    add(
        "≥40% of choice questions randomized",
        *_share([fact for fact in choices if fact.randomized], choices, 0.4),
        [fact for fact in choices if not fact.randomized],
    )
    add("≥40% free-form", *_share([fact for fact in facts if fact.type in FREE_FORM_TYPES], facts, 0.4))

    counts = Counter(fact.difficulty for fact in facts)
    shares = {level: counts[level] / len(facts) if facts else 0.0 for level in DIFFICULTY_MIX}
    add(
        "difficulty mix 30/45/25 (±8 points)",
        bool(facts)
        and all(abs(shares[level] - mix) <= DIFFICULTY_TOLERANCE for level, mix in DIFFICULTY_MIX.items()),
        "/".join(f"{shares[level]:.0%}" for level in DIFFICULTY_MIX),
    )

    multiple = [fact for fact in facts if fact.type == "multiple_choice"]
    one = any(correct == 1 for fact in multiple for correct, _ in fact.correct_shown)
    every = any(correct == shown for fact in multiple for correct, shown in fact.correct_shown)
    spread = Counter(pair for fact in multiple for pair in fact.correct_shown)
    add(
        "multiple choice: some with one, some with all options correct",
        one and every,
        # correct/shown: how many questions show that many correct options in some variant
        ", ".join(f"{correct}/{shown}: {count}" for (correct, shown), count in sorted(spread.items()))
        or "none",
    )

    singles = [fact for fact in facts if fact.type == "single_choice"]
    longest = statistics.fmean(fact.longest_key_share for fact in singles) if singles else 0.0
    add(
        "single choice: key strictly longest in ≤30%",
        longest <= 0.30,
        f"{longest:.0%} of {len(singles)}",
        [fact for fact in singles if fact.longest_key_share > 0.5],
    )

    for target, offenders in (
        (f"exactly {HINTS} hints", [fact for fact in facts if fact.hints != HINTS]),
        ("no hint contains the key", [fact for fact in facts if fact.hint_leaks]),
        ("derivatives checked by finite differences", [fact for fact in facts if fact.derivative_unchecked]),
        ("every question has a topic", [fact for fact in facts if not fact.topic]),
    ):
        add(target, not offenders, f"{len(offenders)} to fix" if offenders else "all", offenders)

    by_level = _mean_steps(facts)
    add(
        "hard solutions longer than easy ones",
        bool(by_level.get(1)) and bool(by_level.get(3)) and by_level[3] > by_level[1],
        " / ".join(f"{DIFFICULTIES[level]} {by_level[level]:.1f}" for level in sorted(by_level)) + " steps",
    )
    return results


def _mean_steps(facts: list[Facts]) -> dict[int, float]:
    levels: dict[int, list[int]] = {}
    for fact in facts:
        levels.setdefault(fact.difficulty, []).append(fact.solution_steps)
    return {level: statistics.fmean(steps) for level, steps in levels.items()}


def difficulty_outliers(facts: list[Facts]) -> list[str]:
    """Easy questions whose solutions take more steps than the domain's hard ones on average, and hard ones
    taking fewer than its easy ones: labels to look at again."""
    by_level = _mean_steps(facts)
    if 1 not in by_level or 3 not in by_level:
        return []
    return [
        f"{fact.slug}: {DIFFICULTIES[fact.difficulty]}, {fact.solution_steps} steps"
        for fact in facts
        if (fact.difficulty == 1 and fact.solution_steps > by_level[3])
        or (fact.difficulty == 3 and fact.solution_steps < by_level[1])
    ]


# --- The coverage table, in Markdown ---------------------------------------------------------------------


def coverage_markdown(report: Report, domain_names: dict[int, str]) -> str:
    """Published questions by domain × topic, by type and difficulty, and the targets met per domain."""
    domains = sorted({result.domain for result in report.results})
    lines = [
        "Published questions per domain and topic (*randomized*: the key changes between variants).",
        "",
        "| domain | topic | questions | randomized | easy | medium | hard |",
        "|---|---|--:|--:|--:|--:|--:|",
    ]
    for domain in domains:
        mine = [fact for fact in report.facts if fact.domain == domain]
        name = f"{domain} {domain_names.get(domain, '')}".strip()
        topics = dict(report.topics.get(domain, {}))
        if any(not fact.topic for fact in mine):
            topics[""] = "(no topic)"
        lines.append(f"| **{name}** | **all** | {_counts(mine, bold=True)} |")
        for slug, title in topics.items():
            in_topic = [fact for fact in mine if fact.topic == slug]
            label = f"`{slug}` {title}" if slug else title
            lines.append(f"| {domain} | {label} | {_counts(in_topic)} |")
    lines += [
        "",
        "| domain | " + " | ".join(kind.replace("_", " ") for kind in TYPES) + " | free-form | total |",
        "|---|" + "--:|" * (len(TYPES) + 2),
    ]
    for domain in domains:
        mine = [fact for fact in report.facts if fact.domain == domain]
        cells = [_of_kind(mine, (kind,)) for kind in TYPES] + [_of_kind(mine, FREE_FORM_TYPES)]
        lines.append(f"| {domain} | " + " | ".join(cells) + f" | {len(mine)} |")
    lines += [
        "",
        "Cells of the type table: questions (randomized). Targets of issue 16 per domain (✓ met, ✗ not yet):",
        "",
        "| target | " + " | ".join(str(domain) for domain in domains) + " |",
        "|---|" + "---|" * len(domains),
    ]
    by_target: dict[str, dict[int, TargetResult]] = {}
    for result in report.results:
        by_target.setdefault(result.target, {})[result.domain] = result
    for target, results in by_target.items():
        cells = [f"{'✓' if results[d].met else '✗'} {results[d].value}" for d in domains]
        lines.append(f"| {target} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def _counts(facts: list[Facts], *, bold: bool = False) -> str:
    cells = [len(facts), sum(fact.randomized for fact in facts)]
    cells += [sum(fact.difficulty == level for fact in facts) for level in DIFFICULTIES]
    return " | ".join(f"**{cell}**" if bold else str(cell) for cell in cells)


def _of_kind(facts: list[Facts], kinds: tuple[str, ...]) -> str:
    chosen = [fact for fact in facts if fact.type in kinds]
    return f"{len(chosen)} ({sum(fact.randomized for fact in chosen)})"


def offenders_text(report: Report) -> str:
    """The questions behind each unmet target, and the difficulty labels to look at again."""
    lines = []
    for result in report.unmet():
        if result.offenders:
            lines.append(f"domain {result.domain}: {result.target}: {', '.join(result.offenders)}")
    for domain, notes in report.notes.items():
        lines += [f"domain {domain}: difficulty label to check (solution length): {note}" for note in notes]
    return "\n".join(lines)
