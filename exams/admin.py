import numpy as np
from django import forms
from django.contrib import admin, messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms.models import BaseInlineFormSet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from accounts.roles import is_admin, is_author
from config.admin_mixins import ReadOnlyInline
from exams import assembly
from exams.exam_forms import ExamForm
from exams.models import Domain, Exam, Hint, Option, Question, QuestionVersion, Topic
from exams.models.attempts import candidates
from exams.question_types import CHOICE_TYPES, validate_content


class AuthorSite(admin.AdminSite):
    """The question bank for authors, who are not Django staff: only the questions, nothing else."""

    site_header = "dxam question bank"
    site_title = "dxam authoring"
    index_title = "Question bank"

    def has_permission(self, request):
        return is_author(request.user)

    def login(self, request, extra_context=None):
        return redirect_to_login(request.get_full_path())


author_site = AuthorSite(name="author_admin")


class AuthorPermissions:
    """Authors and admins edit the bank by role (authors hold no model permissions); only admins delete."""

    def has_view_permission(self, request, obj=None):
        return is_author(request.user)

    def has_add_permission(self, request, obj=None):
        return is_author(request.user)

    def has_change_permission(self, request, obj=None):
        return is_author(request.user)

    def has_delete_permission(self, request, obj=None):
        return is_admin(request.user)


class TagsField(forms.CharField):
    """Tags typed as a comma-separated line, stored as a list."""

    def prepare_value(self, value):
        return ", ".join(value) if isinstance(value, list) else value

    def to_python(self, value):
        return [tag.strip() for tag in (value or "").split(",") if tag.strip()]


class QuestionForm(forms.ModelForm):
    tags = TagsField(required=False, help_text="Comma-separated, e.g. gradient, quadratic-form")

    class Meta:
        model = Question
        fields = [
            "slug", "domain", "type", "title", "topic", "difficulty", "status", "tags", "author", "stem",
            "solution", "answer", "symbols", "function", "wrt", "abs_tolerance", "rel_tolerance",
            "parameters", "where", "pool",
        ]  # fmt: skip
        widgets = {
            "stem": forms.Textarea(attrs={"rows": 8}),
            "solution": forms.Textarea(attrs={"rows": 8}),
            "answer": forms.Textarea(attrs={"rows": 2}),
            "function": forms.Textarea(attrs={"rows": 2}),
        }

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        topic_problem = cleaned["domain"].topic_problem(cleaned.get("topic", ""))
        if topic_problem:
            self.add_error("topic", topic_problem)
        content = {
            **{
                name: cleaned.get(name)
                for name in ("type", "title", "stem", "difficulty", "solution", "answer")
            },
            **{name: cleaned.get(name) for name in ("symbols", "function", "wrt", "parameters", "where")},
            "tags": cleaned.get("tags") or [],
            "hints": [],
            "options": [],
            "abs_tolerance": cleaned.get("abs_tolerance"),
            "rel_tolerance": cleaned.get("rel_tolerance"),
        }
        # Options are edited inline; the option formset validates them (and variants of their texts).
        for field_name, field_messages in validate_content(content, check_options=False).items():
            for message in field_messages:
                self.add_error(field_name if field_name in self.fields else None, message)
        return cleaned


class OptionFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        if self.instance.type not in CHOICE_TYPES:
            return
        options = [
            {
                "text": form.cleaned_data.get("text", ""),
                "correct": form.cleaned_data.get("is_correct", False),
                "feedback": form.cleaned_data.get("feedback", ""),
                "always": form.cleaned_data.get("always", False),
                "correct_if": form.cleaned_data.get("correct_if", ""),
            }
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        # The whole question with these options: pools and conditional options are checked per variant.
        problems = validate_content(self.instance.content(options=options, hints=[])).get("options")
        if problems:
            raise ValidationError(problems)


class OptionInline(AuthorPermissions, admin.TabularInline):
    model = Option
    formset = OptionFormSet
    extra = 0
    fields = ["position", "text", "is_correct", "correct_if", "always", "feedback"]


class HintInline(AuthorPermissions, admin.TabularInline):
    model = Hint
    extra = 0
    fields = ["position", "text"]


class VersionInline(ReadOnlyInline, AuthorPermissions, admin.TabularInline):
    model = QuestionVersion
    fields = ["number", "created_at", "created_by"]
    readonly_fields = fields
    ordering = ["-number"]


OVERVIEW_FIELDS = ("slug", "domain", "type", "title", "topic", "difficulty", "status", "tags", "author")


@admin.register(Question)
@admin.register(Question, site=author_site)
class QuestionAdmin(AuthorPermissions, admin.ModelAdmin):
    form = QuestionForm
    inlines = [OptionInline, HintInline, VersionInline]
    list_display = [
        "slug", "title", "domain", "topic", "type", "difficulty", "status", "version", "author_page",
    ]  # fmt: skip
    list_filter = ["domain", "type", "status", "difficulty", "topic"]
    search_fields = ["slug", "title", "stem", "tags"]
    actions = ["publish", "retire"]
    list_select_related = ["domain", "current_version"]
    fieldsets = [
        (None, {"fields": OVERVIEW_FIELDS}),
        ("Question", {"fields": ["stem", "solution"]}),
        ("Key", {"fields": ["answer", "symbols", "function", "wrt", "abs_tolerance", "rel_tolerance"]}),
        ("Variants", {"fields": ["parameters", "where", "pool"], "classes": ["collapse"]}),
    ]

    def has_module_permission(self, request):
        return is_author(request.user)

    def get_readonly_fields(self, request, obj=None):
        return ["slug"] if obj else []

    @admin.display(description="version")
    def version(self, question):
        return question.current_version.number if question.current_version else "—"

    @admin.display(description="preview")
    def author_page(self, question):
        return format_html('<a href="{}">preview</a>', reverse("author_question", args=[question.slug]))

    def save_model(self, request, obj, form, change):
        if obj.author is None:
            obj.author = request.user
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        form.instance.record_version(request.user)

    @admin.action(description="Publish the selected questions")
    def publish(self, request, queryset):
        published = 0
        for question in queryset:
            try:
                question.publish()
            except ValidationError as error:
                problems = "; ".join(
                    f"{field}: {' '.join(texts)}" for field, texts in error.message_dict.items()
                )
                self.message_user(request, f"Not published: {question.slug} ({problems})", messages.ERROR)
            else:
                published += 1
        self.message_user(request, f"{published} question(s) published.", messages.SUCCESS)

    @admin.action(description="Retire the selected questions")
    def retire(self, request, queryset):
        for question in queryset:
            question.retire()
        self.message_user(request, f"{queryset.count()} question(s) retired.", messages.SUCCESS)


class TopicInline(admin.TabularInline):
    model = Topic
    extra = 0
    fields = ["position", "slug", "title"]


@admin.register(Domain)
class DomainAdmin(admin.ModelAdmin):
    list_display = ["number", "name", "slug"]
    inlines = [TopicInline]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


MAX_SAMPLE_SEED = 2**31 - 1


@admin.register(Exam)
class ExamAdmin(admin.ModelAdmin):
    """Exams for admins: the blueprint as a grid (or JSON), validated by Exam.clean field by field, a sample
    form drawn from today's bank, and publishing."""

    form = ExamForm
    list_display = [
        "title", "slug", "mode", "question_count", "time_limit_minutes", "pass_mark", "certifies",
        "opens_at", "closes_at", "max_attempts", "is_published", "links",
    ]  # fmt: skip
    list_filter = ["is_published", "mode", "certifies"]
    search_fields = ["slug", "title"]
    prepopulated_fields = {"slug": ["title"]}
    actions = ["publish", "unpublish"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "description", "mode", "is_published", "position"]}),
        ("Marking", {"fields": ["time_limit_minutes", "pass_mark", "certifies"]}),
        ("Questions", {"fields": ["blueprint_grid", "blueprint"]}),
        ("Review options", {"fields": ["review_after_submission", "review_after_close"]}),
        ("Availability", {"fields": ["opens_at", "closes_at", "max_attempts"]}),
    ]

    def has_module_permission(self, request):
        return is_admin(request.user)

    def has_view_permission(self, request, obj=None):
        return is_admin(request.user)

    def has_add_permission(self, request):
        return is_admin(request.user)

    def has_change_permission(self, request, obj=None):
        return is_admin(request.user)

    def has_delete_permission(self, request, obj=None):
        # Attempts and certificates point at exams: unpublish instead (deleting one that has them is refused).
        return is_admin(request.user) and (obj is None or not obj.attempts.exists())

    @admin.display(description="")
    def links(self, exam):
        sample = reverse("admin:exams_exam_sample", args=[exam.pk])
        return format_html('<a href="{}">sample form</a>', sample)

    def get_urls(self):
        sample = path(
            "<path:object_id>/sample/", self.admin_site.admin_view(self.sample_view), name="exams_exam_sample"
        )
        return [sample, *super().get_urls()]

    def sample_view(self, request, object_id):
        """A form drawn by the exam's blueprint from the published bank, as a learner could get it."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        object_id = str(object_id)
        exam = get_object_or_404(Exam, pk=object_id) if object_id.isascii() and object_id.isdigit() else None
        if exam is None:
            raise Http404("No such exam.")
        seed = _sample_seed(request)
        context = {**self.admin_site.each_context(request), "title": f"A sample form of {exam}", "exam": exam,
                   "seed": seed, "next_seed": (seed + 1) % MAX_SAMPLE_SEED, "opts": self.opts}  # fmt: skip
        try:
            drawn = assembly.assembler_for(exam.blueprint, candidates()).draw(np.random.default_rng(seed))
        except (assembly.Shortfall, KeyError, TypeError, ValueError) as error:
            context["problem"] = str(error)
        else:
            titles = dict(Question.objects.filter(pk__in=[c.pk for c in drawn]).values_list("pk", "title"))
            context["questions"] = [(candidate, titles.get(candidate.pk, "")) for candidate in drawn]
        return TemplateResponse(request, "admin/exams/exam/sample_form.html", context)

    @admin.action(description="Publish the selected exams")
    def publish(self, request, queryset):
        self._set_published(request, queryset, True)

    @admin.action(description="Unpublish the selected exams (they leave the catalogue; attempts stay)")
    def unpublish(self, request, queryset):
        self._set_published(request, queryset, False)

    def _set_published(self, request, queryset, published):
        refused = []
        for exam in queryset:
            if published:
                try:
                    exam.clean()
                except ValidationError as error:
                    refused.append(f"{exam.slug} ({'; '.join(error.messages)})")
                    continue
            Exam.objects.filter(pk=exam.pk).update(is_published=published)
        if refused:
            self.message_user(request, f"Not published: {', '.join(refused)}", messages.ERROR)
        done = queryset.count() - len(refused)
        self.message_user(
            request, f"{done} exam(s) {'published' if published else 'unpublished'}.", messages.SUCCESS
        )


def _sample_seed(request):
    try:
        return min(max(int(request.GET.get("seed", 0)), 0), MAX_SAMPLE_SEED - 1)
    except ValueError:
        return 0
