import copy
import json
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from exams.question_types import OPTION_IDS, Variant, make_variant, optional_keys_dropped, validate_content

# Drawing a randomized question's variant (parameters meeting their conditions, the option pool sampled)
# costs milliseconds, and a results page shows forty: each process draws a (content, seed) pair once.
VARIANTS_KEPT = 2048


class Domain(models.Model):
    """One of the course's eight domains; created by a data migration, never edited by hand."""

    number = models.PositiveSmallIntegerField(unique=True)
    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=100)
    description = models.TextField()

    class Meta:
        ordering = ["number"]

    def __str__(self):
        return f"{self.number}. {self.name}"

    def topic_problem(self, slug: str) -> str | None:
        """Why a question of this domain cannot have this topic, or None (no topic is allowed too)."""
        if not slug or self.topics.filter(slug=slug).exists():
            return None
        declared = ", ".join(self.topics.values_list("slug", flat=True)) or "none yet"
        return f"{slug!r} is not a topic of domain {self.number} (its topics: {declared})."


class Topic(models.Model):
    """A topic of a domain's syllabus, declared in the domain's bank file under ``topics:``."""

    domain = models.ForeignKey(Domain, on_delete=models.CASCADE, related_name="topics")
    slug = models.SlugField(max_length=100)
    title = models.CharField(max_length=200)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["domain__number", "position", "slug"]
        constraints = [models.UniqueConstraint(fields=["domain", "slug"], name="unique_topic_per_domain")]

    def __str__(self):
        return f"{self.domain.number}/{self.slug}"


class QuestionQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Question.Status.PUBLISHED)


class Question(models.Model):
    """The authors' working copy of a question. Learners only ever see frozen QuestionVersions."""

    class Type(models.TextChoices):
        SINGLE_CHOICE = "single_choice", "Single choice"
        MULTIPLE_CHOICE = "multiple_choice", "Multiple choice"
        NUMERIC = "numeric", "Numeric"
        EXPRESSION = "expression", "Matrix expression"
        MATRIX = "matrix", "Numeric matrix"
        SHAPE = "shape", "Shape"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"
        RETIRED = "retired", "Retired"

    class Difficulty(models.IntegerChoices):
        EASY = 1, "Easy"
        MEDIUM = 2, "Medium"
        HARD = 3, "Hard"

    slug = models.SlugField(max_length=100, unique=True, help_text="Stable identifier; never changes.")
    domain = models.ForeignKey(Domain, on_delete=models.PROTECT, related_name="questions")
    type = models.CharField(max_length=20, choices=Type)
    title = models.CharField(max_length=200)
    # Not part of a version's content: regrouping questions by topic never makes a new version.
    topic = models.SlugField(
        max_length=100, blank=True, help_text="One of the domain's topics (its bank file's 'topics:')."
    )
    stem = models.TextField(
        help_text="Markdown with $…$ and $$…$$ math; {{name}} inserts a variant parameter."
    )
    difficulty = models.PositiveSmallIntegerField(choices=Difficulty, default=Difficulty.MEDIUM)
    solution = models.TextField(help_text="Worked solution, Markdown with math.")
    tags = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=12, choices=Status, default=Status.DRAFT)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="questions"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    # The key, by type. Key texts may contain {{name}} placeholders filled from the parameters.
    answer = models.TextField(
        blank=True,
        help_text="Numeric: a number. Expression: the reference expression. Matrix: [[1, 2], [3, 4]]. "
        "Shape: m×n. Unused for choice questions.",
    )
    symbols = models.JSONField(
        default=dict,
        blank=True,
        help_text='Expression questions: {"A": {"shape": ["n", "n"], "assume": ["symmetric"]}, ...}',
    )
    function = models.TextField(blank=True, help_text="Expression questions: the function differentiated.")
    wrt = models.CharField(max_length=40, blank=True, help_text="Expression questions: the variable.")
    abs_tolerance = models.FloatField(null=True, blank=True, help_text="Numeric and matrix questions.")
    rel_tolerance = models.FloatField(null=True, blank=True, help_text="Numeric and matrix questions.")
    parameters = models.JSONField(
        default=dict, blank=True, help_text='Variant parameters, e.g. {"a": {"int": [2, 9]}}.'
    )
    where = models.JSONField(
        default=list,
        blank=True,
        help_text='Conditions every variant meets; draws that break one are redrawn, e.g. ["a != b"].',
    )
    pool = models.JSONField(
        default=dict,
        blank=True,
        help_text='Choice questions: show a sample of the options, e.g. {"show": 4} or, for multiple '
        'choice, {"show": 5, "correct": [1, 3]}.',
    )

    current_version = models.ForeignKey(
        "QuestionVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )

    objects = QuestionQuerySet.as_manager()

    class Meta:
        ordering = ["domain__number", "slug"]

    def __str__(self):
        return self.slug

    def content(self, *, options: list[dict] | None = None, hints: list[str] | None = None) -> dict:
        """Everything a learner's attempt depends on, as plain data: what a version freezes.

        ``options`` ([{"text", "correct", …}]) and ``hints`` replace the stored ones, for validating a form
        before anything is saved. ``where``, ``pool`` and an option's ``always`` and ``correct_if`` appear
        only when set, so the content of a question that does not use them equals the versions recorded
        before they existed.
        """
        if options is None:
            options = [
                {
                    "text": option.text,
                    "correct": option.is_correct,
                    "feedback": option.feedback,
                    "always": option.always,
                    "correct_if": option.correct_if,
                }
                for option in self.options.all()
            ]
        return optional_keys_dropped(
            {
                "slug": self.slug,
                "domain": self.domain.number,
                "type": self.type,
                "title": self.title,
                "stem": self.stem,
                "difficulty": self.difficulty,
                "tags": list(self.tags),
                "hints": [hint.text for hint in self.hints.all()] if hints is None else hints,
                "solution": self.solution,
                "options": [{"id": OPTION_IDS[index], **option} for index, option in enumerate(options)],
                "answer": self.answer,
                "symbols": self.symbols,
                "function": self.function,
                "wrt": self.wrt,
                "abs_tolerance": self.abs_tolerance,
                "rel_tolerance": self.rel_tolerance,
                "parameters": self.parameters,
                "where": self.where,
                "pool": self.pool,
            }
        )

    def validate_content(self):
        """Raise ValidationError, keyed by field, unless the question is fit to be shown to learners."""
        errors = validate_content(self.content())
        if errors:
            raise ValidationError(errors)

    @transaction.atomic
    def record_version(self, user=None):
        """Freeze the current content as a new version, unless it equals the latest one.

        Attempts point at versions, so editing a question never changes a past result.
        """
        content = self.content()
        latest = self.versions.order_by("-number").first()
        if latest is not None and latest.content == content:
            return latest
        version = self.versions.create(
            number=(latest.number + 1) if latest else 1, content=content, created_by=user
        )
        Question.objects.filter(pk=self.pk).update(current_version=version)
        self.current_version = version
        return version

    def publish(self):
        self.validate_content()
        self.status = self.Status.PUBLISHED
        self.save(update_fields=["status", "updated_at"])

    def retire(self):
        self.status = self.Status.RETIRED
        self.save(update_fields=["status", "updated_at"])


class Option(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="options")
    position = models.PositiveSmallIntegerField(default=0)
    text = models.TextField()
    is_correct = models.BooleanField(default=False)
    feedback = models.TextField(blank=True, help_text="Shown after grading when this option was chosen.")
    always = models.BooleanField(
        default=False, help_text="With an option pool: shown in every variant (e.g. 'None of these')."
    )
    correct_if = models.CharField(
        max_length=500,
        blank=True,
        help_text="Instead of 'correct': a condition on the parameters under which this option is correct.",
    )

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self):
        return self.text[:60]


class Hint(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="hints")
    position = models.PositiveSmallIntegerField(default=0)
    text = models.TextField()

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self):
        return self.text[:60]


class QuestionVersion(models.Model):
    """An immutable snapshot of a question's content, the thing attempts show and grade against."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    content = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["question", "number"]
        constraints = [models.UniqueConstraint(fields=["question", "number"], name="unique_version_number")]

    def __str__(self):
        return f"{self.question.slug} v{self.number}"

    def variant(self, seed) -> Variant:
        if not (self.content.get("parameters") or self.content.get("where") or self.content.get("pool")):
            return make_variant(self.content, seed)
        # Keyed by the content itself, not the version's id, so nothing stale is ever served; each caller
        # gets its own copy, so nothing one request does to it reaches another.
        drawn = _drawn_variant(json.dumps(self.content, sort_keys=True), seed)
        return Variant(drawn.seed, _fresh(drawn.content), _fresh(drawn.values))


@lru_cache(maxsize=VARIANTS_KEPT)
def _drawn_variant(content_json: str, seed: int) -> Variant:
    return make_variant(json.loads(content_json), seed)


def _fresh(value):
    """A deep copy of JSON-like data (dicts, lists, scalars) at a fifth of copy.deepcopy's cost (a results
    page copies forty variants); anything else is deep-copied."""
    if isinstance(value, dict):
        return {key: _fresh(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_fresh(item) for item in value]
    if value is None or isinstance(value, str | int | float):
        return value
    return copy.deepcopy(value)
