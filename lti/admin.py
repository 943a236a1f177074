"""LTI in the admin: platform registrations (django-lti's, with dxam's frame origins), the tool's keys with
rotation, score posts, and the page of values to paste into Moodle or Canvas."""

import json

from django.contrib import admin, messages
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.urls import path, reverse
from lti_tool.admin import LtiRegistrationAdmin
from lti_tool.models import Key, LtiRegistration

from exams.models import Exam
from lti import keys
from lti.models import LtiPlatform, ScorePost


class LtiPlatformInline(admin.StackedInline):
    model = LtiPlatform
    can_delete = False


admin.site.unregister(LtiRegistration)


@admin.register(LtiRegistration)
class RegistrationAdmin(LtiRegistrationAdmin):
    inlines = [*LtiRegistrationAdmin.inlines, LtiPlatformInline]
    change_list_template = "admin/lti/registration_change_list.html"

    def get_urls(self):
        setup = path("setup/", self.admin_site.admin_view(self.setup_view), name="lti_setup")
        return [setup, *super().get_urls()]

    def setup_view(self, request: HttpRequest) -> TemplateResponse:
        context = {
            **self.admin_site.each_context(request),
            "title": "Add dxam to Moodle or Canvas",
            **tool_values(request),
        }
        return TemplateResponse(request, "admin/lti/setup.html", context)


def tool_values(request: HttpRequest) -> dict:
    """What a platform's administrator pastes into the LMS, as absolute URLs of this site."""
    url = request.build_absolute_uri
    launch, login, jwks = url(reverse("lti_launch")), url(reverse("lti_login")), url(reverse("lti_jwks"))
    exams = list(Exam.objects.filter(is_published=True).values_list("slug", "title"))
    canvas = {
        "title": "dxam",
        "description": "Practice exams for Matrix Calculus for Data Science & Machine Learning",
        "oidc_initiation_url": login,
        "target_link_uri": launch,
        "public_jwk_url": jwks,
        "scopes": [
            "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
            "https://purl.imsglobal.org/spec/lti-ags/scope/score",
            "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly",
        ],
        "extensions": [
            {
                "platform": "canvas.instructure.com",
                "privacy_level": "public",
                "settings": {
                    "placements": [
                        {
                            "placement": "assignment_selection",
                            "message_type": "LtiDeepLinkingRequest",
                            "target_link_uri": launch,
                        },
                        {
                            "placement": "link_selection",
                            "message_type": "LtiDeepLinkingRequest",
                            "target_link_uri": launch,
                        },
                    ]
                },
            }
        ],
    }
    return {
        "launch_url": launch,
        "login_url": login,
        "jwks_url": jwks,
        "deep_link_url": launch,
        "exams": exams,
        "canvas_json": json.dumps(canvas, indent=2),
    }


@admin.register(Key)
class KeyAdmin(admin.ModelAdmin):
    list_display = ["__str__", "is_active", "datetime_created"]
    fields = ["public_key", "is_active", "datetime_created"]
    readonly_fields = ["public_key", "datetime_created"]
    actions = ["rotate"]

    def has_add_permission(self, request):
        return False

    @admin.action(description="Rotate: sign with a new key from now on (the selection is ignored)")
    def rotate(self, request, queryset):
        key = keys.rotate()
        messages.success(
            request, f"dxam now signs with key {key}; the previous key stays published until it is retired."
        )


@admin.register(ScorePost)
class ScorePostAdmin(admin.ModelAdmin):
    list_display = [
        "lti_attempt",
        "score_given",
        "status",
        "attempts",
        "graded_at",
        "next_attempt_at",
        "sent_at",
    ]
    list_filter = ["status"]
    readonly_fields = [field.name for field in ScorePost._meta.fields]
    actions = ["send_again"]

    def has_add_permission(self, request):
        return False

    @admin.action(description="Send again (the selected posts not sent yet)")
    def send_again(self, request, queryset):
        unsent = list(queryset.exclude(status=ScorePost.Status.SENT))
        for post in unsent:
            post.send_again()
        messages.success(request, f"{len(unsent)} score post(s) will be sent again.")
