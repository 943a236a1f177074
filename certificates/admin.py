from django import forms
from django.contrib import admin

from certificates.models import Certificate


class CertificateForm(forms.ModelForm):
    revoke_with_reason = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="To revoke this certificate, give the reason and save; verification then shows it revoked.",
    )

    class Meta:
        model = Certificate
        fields = []


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    form = CertificateForm
    list_display = ["reference", "name", "exam_title", "percent", "issued_at", "revoked_at"]
    list_filter = ["exam", "revoked_at"]
    search_fields = ["reference", "name", "learner__email", "code"]
    readonly_fields = [
        "reference", "code", "learner", "exam", "attempt", "name", "exam_title", "score", "issued_at",
        "updated_at", "revoked_at", "revoked_reason",
    ]  # fmt: skip

    def has_add_permission(self, request):
        return False

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if obj is not None and obj.is_revoked:
            form.base_fields["revoke_with_reason"].disabled = True
        return form

    def save_model(self, request, obj, form, change):
        reason = form.cleaned_data.get("revoke_with_reason", "").strip()
        if reason and not obj.is_revoked:
            obj.revoke(reason)
