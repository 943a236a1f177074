"""Form assembly: which questions an attempt gets, from the exam's blueprint and the learner's history.

Pure functions over plain candidates (no database), so a test can draw a thousand forms in a blink and
`Attempt.draw_questions` reads the bank in one query. A blueprint is a list of parts; each part fixes a
count of questions that match all of its optional filters:

    [{"domain": 3, "difficulty": 2, "count": 3}, {"domain": 3, "type": "expression", "count": 1},
     {"count": 10}]

Within a part, questions the learner has not seen in this exam come first; when those run out, questions
with variants (which look different each time) come before those without, and the least recently seen
first. Parts are filled most specific first, so a catch-all part never takes a question a narrower part
needs.
"""

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

import numpy as np

PART_KEYS = {"domain", "difficulty", "type", "count"}
FILTERS = ("domain", "difficulty", "type")
DIFFICULTY_NAMES = {1: "easy", 2: "medium", 3: "hard"}
MAX_QUESTIONS = 200


@dataclass(frozen=True, slots=True)
class Candidate:
    """A published question as the draw sees it."""

    pk: int
    slug: str
    domain: int
    difficulty: int
    type: str
    has_variants: bool
    version_id: int


class Shortfall(Exception):
    """A part of the blueprint that the available questions cannot fill."""

    def __init__(self, index: int, part: Mapping[str, Any], available: int, overlapping: bool):
        self.index, self.part, self.available, self.overlapping = index, part, available, overlapping
        left = "are left for it after the other parts" if overlapping else "are published"
        super().__init__(
            f"it needs {part['count']} questions from {describe(part)}, and only {available} {left}"
        )


def describe(part: Mapping[str, Any]) -> str:
    """A part's filters in words: "domain 2, hard, expression questions", or "the whole bank"."""
    words = []
    if part.get("domain") is not None:
        words.append(f"domain {part['domain']}")
    if part.get("difficulty") is not None:
        words.append(DIFFICULTY_NAMES.get(part["difficulty"], str(part["difficulty"])))
    if part.get("type") is not None:
        types = part["type"] if isinstance(part["type"], list) else [part["type"]]
        words.append(" or ".join(types).replace("_", " ") + " questions")
    return ", ".join(words) or "the whole bank"


def matches(part: Mapping[str, Any], candidate: Candidate) -> bool:
    if part.get("domain") is not None and candidate.domain != part["domain"]:
        return False
    if part.get("difficulty") is not None and candidate.difficulty != part["difficulty"]:
        return False
    kind = part.get("type")
    if kind is not None and candidate.type not in (kind if isinstance(kind, list) else [kind]):
        return False
    return True


def blueprint_problems(blueprint: object, types: Sequence[str]) -> list[str]:
    """What is wrong with a blueprint's shape, one message per problem and part; empty when it is valid."""
    if not isinstance(blueprint, list) or not blueprint:
        return ['The blueprint is a non-empty list of parts, e.g. [{"domain": 1, "count": 5}].']
    problems = []
    for index, part in enumerate(blueprint, start=1):
        if not isinstance(part, dict):
            problems.append(f'Part {index}: a part is an object such as {{"domain": 1, "count": 5}}.')
            continue
        unknown = sorted(set(part) - PART_KEYS)
        if unknown:
            problems.append(
                f"Part {index}: unknown key {', '.join(unknown)}; use domain, difficulty, type and count."
            )
        count = part.get("count")
        if type(count) is not int or count < 1:  # bool is an int: refuse true as a count
            problems.append(f"Part {index}: count must be a positive whole number.")
        domain = part.get("domain")
        if domain is not None and (type(domain) is not int or not 1 <= domain <= 8):
            problems.append(f"Part {index}: domain must be a whole number from 1 to 8.")
        difficulty = part.get("difficulty")
        if difficulty is not None and (type(difficulty) is not int or difficulty not in DIFFICULTY_NAMES):
            problems.append(f"Part {index}: difficulty must be 1 (easy), 2 (medium) or 3 (hard).")
        kind = part.get("type")
        if kind is not None:
            kinds = kind if isinstance(kind, list) else [kind]
            if not kinds or not all(isinstance(name, str) and name in types for name in kinds):
                problems.append(f"Part {index}: type must be one of {', '.join(types)}, or a list of them.")
    if not problems:
        total = sum(part["count"] for part in blueprint)
        if total > MAX_QUESTIONS:
            problems.append(f"The blueprint asks for {total} questions; an exam has at most {MAX_QUESTIONS}.")
    return problems


class FormAssembler:
    """Draws forms for one blueprint from one pool; build it once to draw many forms cheaply."""

    def __init__(self, blueprint: Sequence[Mapping[str, Any]], pool: Sequence[Candidate]):
        ordered = sorted(pool, key=lambda candidate: candidate.slug)  # a stable order for seeded draws
        self.blueprint = blueprint
        # Most specific parts first (stable): a catch-all part must not take what a narrow part needs.
        self.order = sorted(range(len(blueprint)), key=lambda index: -_specificity(blueprint[index]))
        # A part filters on domain, difficulty and type only: test one candidate of each such kind, not all
        # of them (a forty-part blueprint against the bank was most of starting an attempt).
        kinds: dict[tuple[int, int, str], list[Candidate]] = {}
        for candidate in ordered:
            kinds.setdefault((candidate.domain, candidate.difficulty, candidate.type), []).append(candidate)
        self.matching = {
            index: sorted(
                (c for group in kinds.values() if matches(blueprint[index], group[0]) for c in group),
                key=lambda candidate: candidate.slug,
            )
            for index in self.order
        }

    def draw(self, rng: np.random.Generator, seen: Mapping[int, datetime] | None = None) -> list[Candidate]:
        """One form in a shuffled order; `seen` maps the learner's seen questions to when they last saw them.

        Raises Shortfall for the first part that cannot be filled.
        """
        seen = seen or {}
        chosen: list[Candidate] = []
        taken: set[int] = set()
        for index in self.order:
            part = self.blueprint[index]
            available = [c for c in self.matching[index] if c.pk not in taken]
            if len(available) < part["count"]:
                raise Shortfall(index + 1, part, len(available), len(available) < len(self.matching[index]))
            picked = _pick(available, part["count"], seen, rng)
            chosen.extend(picked)
            taken.update(c.pk for c in picked)
        return [chosen[i] for i in rng.permutation(len(chosen))]


def _specificity(part: Mapping[str, Any]) -> int:
    return sum(part.get(name) is not None for name in FILTERS)


def _pick(
    available: list[Candidate], count: int, seen: Mapping[int, datetime], rng: np.random.Generator
) -> list[Candidate]:
    """Unseen questions at random; then seen ones, with variants first, least recently seen first."""
    fresh = [c for c in available if c.pk not in seen]
    if len(fresh) >= count:
        return [fresh[i] for i in rng.choice(len(fresh), size=count, replace=False)]
    again = [c for c in available if c.pk in seen]
    again = [again[i] for i in rng.permutation(len(again))]  # random among equals (sorted is stable)
    again.sort(key=lambda c: (not c.has_variants, seen[c.pk]))
    return fresh + again[: count - len(fresh)]


def assembler_for(blueprint: Sequence[Mapping[str, Any]], pool: Sequence[Candidate]) -> FormAssembler:
    """The assembler of this blueprint and pool, built once per process while both stay the same: every start
    of an exam builds the same one, and building it cost more than drawing from it."""
    return _assembler(json.dumps(blueprint, sort_keys=True), tuple(pool))


@lru_cache(maxsize=32)
def _assembler(blueprint_json: str, pool: tuple[Candidate, ...]) -> FormAssembler:
    return FormAssembler(json.loads(blueprint_json), pool)
