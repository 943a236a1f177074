"""Integrations in the admin (staff only): webhook endpoints, API keys shown once, and the deliveries' log."""

import json

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.html import format_html

from config.admin_mixins import ReadOnlyInline
from integrations.models import ApiKey, Integration, ProvisionedLearner, WebhookDelivery, WebhookEndpoint


class WebhookEndpointForm(forms.ModelForm):
    events = forms.MultipleChoiceField(
        choices=WebhookEndpoint.Event.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["url", "events", "is_active"]


class WebhookEndpointInline(admin.TabularInline):
    model = WebhookEndpoint
    form = WebhookEndpointForm
    extra = 1


KEY_FIELDS = ["name", "prefix", "scopes_display", "created_at", "last_used_at", "revoked_at"]


def scope_list(key):
    return ", ".join(key.scopes)


class ApiKeyInline(ReadOnlyInline, admin.TabularInline):
    """The integration's keys, read-only: they are created with "Create API key" and revoked from the list."""

    model = ApiKey
    fields = readonly_fields = KEY_FIELDS

    @admin.display(description="Scopes")
    def scopes_display(self, key):
        return scope_list(key)


class ApiKeyForm(forms.Form):
    name = forms.CharField(max_length=120, help_text=ApiKey._meta.get_field("name").help_text)
    scopes = forms.MultipleChoiceField(choices=ApiKey.Scope.choices, widget=forms.CheckboxSelectMultiple)


@admin.register(Integration)
class IntegrationAdmin(admin.ModelAdmin):
    list_display = ["name", "is_active", "created_at"]
    list_filter = ["is_active"]
    search_fields = ["name"]
    fields = ["name", "is_active", "return_origins", "webhook_secret", "created_at"]
    readonly_fields = ["webhook_secret", "created_at"]
    inlines = [WebhookEndpointInline, ApiKeyInline]

    def get_urls(self):
        view = self.admin_site.admin_view(self.create_key_view)
        name = f"{self.opts.app_label}_{self.opts.model_name}_create_key"
        return [path("<path:object_id>/create-key/", view, name=name), *super().get_urls()]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), "can_create_key": can_create_key(request)}
        return super().change_view(request, object_id, form_url, extra_context)

    def create_key_view(self, request, object_id):
        """Issue a key; its secret is on the page this returns and never again (only its hash is kept)."""
        integration = self.get_object(request, unquote(object_id))
        if integration is None:
            raise Http404
        if not can_create_key(request):
            raise PermissionDenied
        form = ApiKeyForm(request.POST or None)
        context = {**self.admin_site.each_context(request), "opts": self.opts, "original": integration}
        if request.method == "POST" and form.is_valid():
            key, secret = ApiKey.issue(integration, form.cleaned_data["name"], form.cleaned_data["scopes"])
            self.log_addition(request, key, [{"added": {}}])
            context.update(title="API key created", key=key, secret=secret)
            return TemplateResponse(request, "admin/integrations/integration/key_created.html", context)
        context.update(title=f"Create an API key for {integration}", form=form)
        return TemplateResponse(request, "admin/integrations/integration/create_key.html", context)


def can_create_key(request):
    return request.user.has_perm("integrations.add_apikey")


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    """Keys are listed and revoked here, and created from their integration's page."""

    list_display = ["name", "integration", *KEY_FIELDS[1:]]
    list_filter = ["integration", ("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "prefix", "integration__name"]
    fields = readonly_fields = ["integration", *KEY_FIELDS]
    actions = ["revoke_keys"]

    @admin.display(description="Scopes")
    def scopes_display(self, key):
        return scope_list(key)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_revoke_permission(self, request):
        return request.user.has_perm("integrations.change_apikey")

    @admin.action(description="Revoke selected API keys", permissions=["revoke"])
    def revoke_keys(self, request, queryset):
        keys = list(queryset.filter(revoked_at__isnull=True))
        for key in keys:
            key.revoke()
        self.message_user(request, f"Revoked {len(keys)} API key(s); they no longer authenticate.")


@admin.register(ProvisionedLearner)
class ProvisionedLearnerAdmin(admin.ModelAdmin):
    """Which integration provisioned whom: their learners' events are sent to them."""

    list_display = ["external_id", "integration", "user", "created_at"]
    list_filter = ["integration"]
    search_fields = ["external_id", "user__email"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = [
        "created_at", "event", "endpoint", "status", "attempts", "last_status_code", "delivered_at",
    ]  # fmt: skip
    list_filter = ["status", "event", "endpoint__integration"]
    search_fields = ["event_key", "endpoint__url"]
    fields = readonly_fields = [
        "endpoint", "event", "event_key", "status", "attempts", "last_status_code", "last_error",
        "created_at", "delivered_at", "payload_display",
    ]  # fmt: skip
    list_select_related = ["endpoint__integration"]
    actions = ["retry_deliveries"]

    @admin.display(description="Payload")
    def payload_display(self, delivery):
        return format_html("<pre>{}</pre>", json.dumps(delivery.payload, indent=2))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_retry_permission(self, request):
        return request.user.has_perm("integrations.change_webhookdelivery")

    @admin.action(description="Retry selected deliveries", permissions=["retry"])
    def retry_deliveries(self, request, queryset):
        deliveries = list(queryset)
        retried = sum(delivery.retry() for delivery in deliveries)
        skipped = len(deliveries) - retried
        note = f" ({skipped} already delivered: not sent again)" if skipped else ""
        self.message_user(request, f"Sending {retried} delivery(ies) again{note}.")
