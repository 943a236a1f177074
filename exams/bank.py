"""The question bank's YAML format: one file per domain, read and written here.

A file looks like this (every key of a question is listed in ENTRY_KEYS; see exams/bank/README.md):

    domain: 3
    topics:
      quadratic-forms: Gradients of quadratic and bilinear forms
    questions:
      - slug: gradient-of-quadratic-form
        type: expression
        title: Gradient of a quadratic form
        topic: quadratic-forms
        difficulty: 2
        status: published
        tags: [quadratic-form, gradient]
        stem: |
          Gradients have the shape of the variable. Let $A$ be $n\\times n$ and $x \\in \\mathbb{R}^n$ …
        symbols: {A: {shape: [n, n]}, x: {shape: [n, 1]}}
        answer: (A + A^T) x
        function: x^T A x
        wrt: x
        hints: [Expand the sum, …]
        solution: |
          …

Importing validates every question first and imports nothing when any is invalid; an unchanged question is
left alone, a changed one gets a new version (a question's topic is not part of its versions).
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction

from exams.models import Domain, Hint, Option, Question, Topic
from exams.question_types import OPTION_IDS, optional_keys_dropped, validate_content

ENTRY_KEYS = [
    "slug", "type", "title", "topic", "difficulty", "status", "tags", "stem", "options", "pool", "symbols",
    "answer", "function", "wrt", "tolerance", "parameters", "where", "hints", "solution",
]  # fmt: skip
REQUIRED_KEYS = {"slug", "type", "title", "difficulty", "stem", "solution"}
OPTION_KEYS = {"text", "correct", "correct_if", "feedback", "always"}
FILE_KEYS = {"domain", "topics", "questions"}
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
# libyaml's loader when PyYAML was built with it: it reads the shipped bank several times faster.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class BankError:
    file: str
    slug: str
    field: str
    message: str

    def __str__(self):
        return f"{self.file}: {self.slug or '-'}: {self.field}: {self.message}"


@dataclass(frozen=True)
class ImportReport:
    created: int
    updated: int
    unchanged: int


@dataclass(frozen=True)
class BankEntry:
    """A question of a bank file: its domain, the entry as written, its content (see entry_to_content)."""

    domain: int
    entry: dict
    content: dict

    @property
    def topic(self) -> str:
        return self.entry.get("topic", "")

    @property
    def status(self) -> str:
        return self.entry.get("status", Question.Status.PUBLISHED)


@dataclass(frozen=True)
class BankContents:
    """What a bank folder holds: its questions, and the topics each domain's file declares."""

    questions: list[BankEntry] = field(default_factory=list)
    topics: dict[int, dict[str, str]] = field(default_factory=dict)


class BankInvalid(Exception):
    def __init__(self, errors):
        super().__init__(f"{len(errors)} problem(s) in the question bank")
        self.errors = errors


class BankTooLarge(Exception):
    """More questions than one import may hold (settings.BANK_IMPORT_MAX_QUESTIONS through the API)."""

    def __init__(self, count: int, limit: int):
        super().__init__(f"the files hold {count} questions; one import may hold at most {limit}")
        self.count, self.limit = count, limit


def bank_files(path):
    path = Path(path)
    if path.is_dir():
        return sorted(path.glob("*.yaml")) + sorted(path.glob("*.yml"))
    if path.is_file():
        return [path]
    raise FileNotFoundError(f"{path} is neither a YAML file nor a folder")


def read_bank(
    path: str | Path,
    known: dict[str, dict] | None = None,
    *,
    validate: bool = True,
    max_questions: int | None = None,
) -> BankContents:
    """Parse and validate every file under path, or raise BankInvalid listing every problem.

    `known` maps slugs to content already stored: such entries were validated when they were imported, so
    an unchanged one is not checked again (the finite-difference checks dominate the import time).
    `validate=False` checks the files' structure and topics only, not the keys (for reports on the bank).
    `max_questions`: BankTooLarge, before anything is validated, when the files hold more questions.
    """
    known = known or {}
    errors: list[BankError] = []
    contents = BankContents()
    seen: dict[str, str] = {}
    domains = set(Domain.objects.values_list("number", flat=True))
    documents: list[tuple[str, Any]] = []
    for file in bank_files(path):
        name = str(file)
        try:
            document, duplicates = _load_yaml(file.read_text(encoding="utf-8"))
        except (yaml.YAMLError, UnicodeDecodeError, RecursionError) as error:
            errors.append(BankError(name, "", "file", f"not valid YAML: {error}"))
            continue
        if duplicates:
            errors.extend(
                BankError(name, slug, key, f"the key {key!r} appears twice in one mapping (line {line})")
                for slug, key, line in duplicates
            )
            continue
        documents.append((name, document))
    # Counted before any question is validated: validation is what costs time.
    count = sum(
        len(d["questions"])
        for _, d in documents
        if isinstance(d, dict) and isinstance(d.get("questions"), list)
    )
    if max_questions is not None and count > max_questions:
        raise BankTooLarge(count, max_questions)
    for name, document in documents:
        if not isinstance(document, dict) or not {"domain", "questions"} <= set(document) <= FILE_KEYS:
            errors.append(
                BankError(
                    name, "", "file", "a bank file has the keys 'domain', 'topics' (optional) and 'questions'"
                )
            )
            continue
        if document["domain"] not in domains:
            errors.append(BankError(name, "", "domain", f"no domain number {document['domain']!r}"))
            continue
        topics = document.get("topics")
        topic_errors = topics_problems(topics)
        errors.extend(BankError(name, "", "topics", message) for message in topic_errors)
        declared = None if topics is None or topic_errors else dict(topics)
        if declared is not None:
            contents.topics[document["domain"]] = declared
        used: set[str] = set()
        for index, entry in enumerate(document["questions"] or []):
            slug = entry.get("slug", "") if isinstance(entry, dict) else ""
            entry_errors = entry_problems(entry, index)
            if slug in seen:
                entry_errors.append(("slug", f"the slug is used twice (also in {seen[slug]})"))
            seen.setdefault(slug, name)
            if not entry_errors and not topic_errors:
                used.add(entry.get("topic", ""))
                entry_errors = _topic_problems(entry.get("topic", ""), declared)
            if not entry_errors:
                content = entry_to_content(entry, document["domain"])
                if validate and known.get(slug) != content:
                    entry_errors = [
                        (field_name, message)
                        for field_name, messages in validate_content(content).items()
                        for message in messages
                    ]
            errors.extend(
                BankError(name, str(slug), field_name, message) for field_name, message in entry_errors
            )
            if not entry_errors:
                contents.questions.append(BankEntry(document["domain"], entry, content))
        errors.extend(
            BankError(name, "", "topics", f"the topic {unused!r} is declared but no question uses it")
            for unused in declared or {}
            if unused not in used
        )
    if errors:
        raise BankInvalid(errors)
    return contents


def _load_yaml(text: str) -> tuple[Any, list[tuple[str, str, int]]]:
    """The document, and its duplicated mapping keys as (slug of the question holding it, key, line).

    PyYAML keeps the last of two equal keys silently, which once attached an option's feedback to another
    option: the bank refuses them instead.
    """
    loader = SAFE_LOADER(text)
    try:
        root = loader.get_single_node()
        duplicates = list(_duplicate_keys(root, "", set())) if root is not None else []
        return (loader.construct_document(root) if root is not None else None), duplicates
    finally:
        loader.dispose()


def _duplicate_keys(node: yaml.Node, slug: str, visited: set[int]) -> Iterator[tuple[str, str, int]]:
    if id(node) in visited:  # an alias to a node already walked (aliases may even form cycles)
        return
    visited.add(id(node))
    if isinstance(node, yaml.MappingNode):
        scalar_keys = [(key, value) for key, value in node.value if isinstance(key, yaml.ScalarNode)]
        slug = next(
            (v.value for k, v in scalar_keys if k.value == "slug" and isinstance(v, yaml.ScalarNode)), slug
        )
        seen: set[tuple[str, str]] = set()
        for key, _value in scalar_keys:
            if (key.tag, key.value) in seen:
                yield slug, key.value, key.start_mark.line + 1
            seen.add((key.tag, key.value))
        for _key, value in node.value:
            yield from _duplicate_keys(value, slug, visited)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            yield from _duplicate_keys(item, slug, visited)


def _topic_problems(topic: str, declared: dict[str, str] | None) -> list[tuple[str, str]]:
    if not topic or (declared is not None and topic in declared):
        return []
    if declared is None:
        return [("topic", "declare the file's topics under 'topics:' (slug: title) first")]
    return [("topic", f"{topic!r} is not one of this file's topics ({', '.join(declared)})")]


def topics_problems(topics: object) -> list[str]:
    """Messages about a file's ``topics:`` mapping (slug → title); none when it is absent."""
    if topics is None:
        return []
    if not isinstance(topics, dict) or not topics:
        return ["write the topics as a mapping of slugs to titles, e.g. {woodbury: Woodbury identity}"]
    problems = []
    for slug, title in topics.items():
        if not (isinstance(slug, str) and SLUG.fullmatch(slug) and len(slug) <= 100):
            problems.append(f"topic {slug!r}: use lowercase letters, digits and hyphens (at most 100)")
        if not (isinstance(title, str) and title.strip() and len(title) <= 200):
            problems.append(f"topic {slug!r}: give a title of plain text (at most 200 characters)")
    return problems


def entry_problems(entry: object, index: int) -> list[tuple[str, str]]:
    if not isinstance(entry, dict):
        return [("entry", f"question #{index + 1} is not a mapping")]
    problems = [(key, "unknown key") for key in entry if key not in ENTRY_KEYS]
    problems += [(key, "this key is required") for key in sorted(REQUIRED_KEYS - set(entry))]
    if entry.get("type") not in Question.Type.values:
        problems.append(("type", f"must be one of {', '.join(Question.Type.values)}"))
    if entry.get("status", "published") not in Question.Status.values:
        problems.append(("status", f"must be one of {', '.join(Question.Status.values)}"))
    if not isinstance(entry.get("slug"), str) or not entry["slug"].replace("-", "").isalnum():
        problems.append(("slug", "use lowercase letters, digits and hyphens"))
    for option in entry.get("options") or []:
        if not isinstance(option, dict) or not set(option) <= OPTION_KEYS:
            problems.append(("options", f"an option has the keys {sorted(OPTION_KEYS)}"))
        elif not all(isinstance(option.get(key, ""), str) for key in ("text", "feedback", "correct_if")):
            problems.append(
                (
                    "options",
                    "an option's text, feedback and correct_if are plain text (quote text containing ': ')",
                )
            )
        elif not all(isinstance(option.get(key, False), bool) for key in ("correct", "always")):
            problems.append(("options", "an option's 'correct' and 'always' are true or false"))
    tolerance = entry.get("tolerance") or {}
    if not isinstance(tolerance, dict) or not set(tolerance) <= {"abs", "rel"}:
        problems.append(("tolerance", "write the tolerance as {abs: 1e-6, rel: 0}"))
    for key in ("hints", "tags", "where"):
        if not isinstance(entry.get(key, []), list) or not all(
            isinstance(item, str) for item in entry.get(key, [])
        ):
            problems.append((key, "must be a list of plain texts (quote a text containing ': ')"))
    for key in ("title", "topic", "stem", "solution", "function", "wrt"):
        if key in entry and not isinstance(entry[key], str):
            problems.append((key, "must be plain text (quote a text containing ': ')"))
    for key in ("symbols", "parameters", "pool"):
        if not isinstance(entry.get(key, {}), dict):
            problems.append((key, "must be a mapping"))
    topic = entry.get("topic", "")
    if isinstance(topic, str) and topic and not (SLUG.fullmatch(topic) and len(topic) <= 100):
        problems.append(("topic", "a topic is a slug: lowercase letters, digits and hyphens (at most 100)"))
    return problems


def entry_to_content(entry: dict, domain_number: int) -> dict:
    """A YAML entry as question content (the shape Question.content() returns)."""
    tolerance = entry.get("tolerance") or {}
    return optional_keys_dropped(
        {
            "slug": entry["slug"],
            "domain": domain_number,
            "type": entry["type"],
            "title": entry["title"],
            "stem": entry["stem"],
            "difficulty": entry["difficulty"],
            "tags": list(entry.get("tags", [])),
            "hints": list(entry.get("hints", [])),
            "solution": entry["solution"],
            "options": [
                {
                    "id": OPTION_IDS[index],
                    "text": option["text"],
                    "correct": bool(option.get("correct", False)),
                    "feedback": option.get("feedback", ""),
                    "always": bool(option.get("always", False)),
                    "correct_if": option.get("correct_if", ""),
                }
                for index, option in enumerate(entry.get("options") or [])
            ],
            "answer": str(entry.get("answer", "")),
            "symbols": entry.get("symbols") or {},
            "function": entry.get("function", ""),
            "wrt": entry.get("wrt", ""),
            "abs_tolerance": _float_or_none(tolerance.get("abs")),
            "rel_tolerance": _float_or_none(tolerance.get("rel")),
            "parameters": entry.get("parameters") or {},
            "where": list(entry.get("where") or []),
            "pool": entry.get("pool") or {},
        }
    )


def _float_or_none(value):
    return None if value is None else float(value)


def import_bank(path: str | Path, author=None, max_questions: int | None = None) -> ImportReport:
    """Validate the bank under ``path`` and store it: all or nothing (BankInvalid lists every problem;
    BankTooLarge when it holds more than max_questions questions)."""
    stored = Question.objects.select_related("current_version").exclude(current_version=None)
    known = {question.slug: question.current_version.content for question in stored}
    return store_bank(read_bank(path, known, max_questions=max_questions), author)


@transaction.atomic
def store_bank(contents: BankContents, author=None) -> ImportReport:
    """Store what read_bank validated: each file's topics (in its order) and new and changed questions."""
    created = updated = unchanged = 0
    domains = {domain.number: domain for domain in Domain.objects.all()}
    for number, topics in contents.topics.items():
        for position, (slug, title) in enumerate(topics.items()):
            Topic.objects.update_or_create(
                domain=domains[number], slug=slug, defaults={"title": title, "position": position}
            )
    for item in contents.questions:
        content = item.content
        question = Question.objects.filter(slug=content["slug"]).first()
        if (
            question is not None
            and question.content() == content
            and (question.status, question.topic) == (item.status, item.topic)
        ):
            unchanged += 1
            continue
        if question is None:
            question = Question(slug=content["slug"], author=author)
            created += 1
        else:
            updated += 1
        apply_content(question, content, domains[item.domain], item.status, item.topic)
        question.record_version(author)
    for number, topics in contents.topics.items():
        # A topic no longer declared goes, unless a question not in the files imported still names it.
        in_use = Question.objects.filter(domain=domains[number]).values_list("topic", flat=True)
        domains[number].topics.exclude(slug__in=topics).exclude(slug__in=in_use).delete()
    return ImportReport(created=created, updated=updated, unchanged=unchanged)


def apply_content(question: Question, content: dict, domain: Domain, status: str, topic: str = "") -> None:
    question.domain = domain
    question.status = status
    question.topic = topic
    for name in ("type", "title", "stem", "difficulty", "tags", "solution", "answer", "symbols", "function"):
        setattr(question, name, content[name])
    for name in ("wrt", "abs_tolerance", "rel_tolerance", "parameters"):
        setattr(question, name, content[name])
    question.where = content.get("where", [])
    question.pool = content.get("pool", {})
    question.save()
    question.options.all().delete()
    Option.objects.bulk_create(
        Option(
            question=question, position=index, text=option["text"], is_correct=option["correct"],
            feedback=option["feedback"], always=option.get("always", False),
            correct_if=option.get("correct_if", ""),
        )
        for index, option in enumerate(content["options"])
    )  # fmt: skip
    question.hints.all().delete()
    Hint.objects.bulk_create(
        Hint(question=question, position=index, text=text) for index, text in enumerate(content["hints"])
    )


def question_to_entry(question: Question) -> dict:
    """A question as a YAML entry; only the keys its type uses, in ENTRY_KEYS order."""
    content = question.content()
    entry = {
        "slug": question.slug,
        "type": question.type,
        "title": question.title,
        "topic": question.topic,
        "difficulty": question.difficulty,
        "status": question.status,
        "tags": content["tags"],
        "stem": question.stem,
        "options": [
            {
                "text": option["text"],
                **({"correct_if": option["correct_if"]} if option.get("correct_if") else {}),
                **({} if option.get("correct_if") else {"correct": option["correct"]}),
                **({"feedback": option["feedback"]} if option["feedback"] else {}),
                **({"always": True} if option.get("always") else {}),
            }
            for option in content["options"]
        ],
        "pool": question.pool,
        "symbols": question.symbols,
        "answer": question.answer,
        "function": question.function,
        "wrt": question.wrt,
        "tolerance": {
            key: value
            for key, value in (("abs", question.abs_tolerance), ("rel", question.rel_tolerance))
            if value is not None
        },
        "parameters": question.parameters,
        "where": question.where,
        "hints": content["hints"],
        "solution": question.solution,
    }
    return {key: value for key, value in entry.items() if value not in ("", [], {}, None)}


class _BankDumper(yaml.SafeDumper):
    """Block style for multi-line text, so exported files read like the hand-written ones."""


def _represent_text(dumper, text):
    style = "|" if "\n" in text else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


_BankDumper.add_representer(str, _represent_text)


def export_bank(directory):
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for domain in Domain.objects.all():
        questions = domain.questions.prefetch_related("options", "hints").order_by("slug")
        if not questions:
            continue
        topics = {topic.slug: topic.title for topic in domain.topics.all()}
        document = {
            "domain": domain.number,
            **({"topics": topics} if topics else {}),
            "questions": [question_to_entry(question) for question in questions],
        }
        file = directory / f"{domain.number:02d}-{domain.slug}.yaml"
        file.write_text(
            yaml.dump(document, Dumper=_BankDumper, sort_keys=False, allow_unicode=True, width=110),
            encoding="utf-8",
        )
        written.append(file)
    return written
