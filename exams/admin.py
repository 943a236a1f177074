from django import forms
from django.contrib import admin, messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.urls import reverse
from django.utils.html import format_html

from config.admin_mixins import ReadOnlyInline
from exams.models import Domain, Hint, Option, Question, QuestionVersion, Topic
from exams.question_types import CHOICE_TYPES, validate_content


class AuthorSite(admin.AdminSite):
    """The question bank for authors, who are not Django staff: only the questions, nothing else."""

    site_header = "dxam question bank"
    site_title = "dxam authoring"
    index_title = "Question bank"

    def has_permission(self, request):
        return request.user.is_active and request.user.is_authenticated and request.user.is_author

    def login(self, request, extra_context=None):
        return redirect_to_login(request.get_full_path())


author_site = AuthorSite(name="author_admin")


class AuthorPermissions:
    """Authors and admins edit the bank by role (authors hold no model permissions); only admins delete."""

    def has_view_permission(self, request, obj=None):
        return request.user.is_author

    def has_add_permission(self, request, obj=None):
        return request.user.is_author

    def has_change_permission(self, request, obj=None):
        return request.user.is_author

    def has_delete_permission(self, request, obj=None):
        return request.user.is_staff


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
        return request.user.is_author

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
