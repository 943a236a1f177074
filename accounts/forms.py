from django import forms
from django.contrib.auth.forms import (
    AdminUserCreationForm,
    BaseUserCreationForm,
    PasswordResetForm,
    UserChangeForm,
)

from accounts.models import User


class SignUpForm(BaseUserCreationForm):
    class Meta:
        model = User
        fields = ["email", "display_name"]
        help_texts = {"display_name": "Your name as it should appear on certificates."}
        widgets = {
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "display_name": forms.TextInput(attrs={"autocomplete": "name"}),
        }

    def clean_email(self):
        email = User.objects.normalize_email(self.cleaned_data["email"])
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError("An account with this e-mail address already exists.")
        return email


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["display_name"]


class AdminUserAddForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ["email", "display_name", "role"]


class AdminUserChangeForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


class ResetForm(PasswordResetForm):
    """Password reset that also reaches accounts created without a password (learners provisioned by an
    integration or an LTI launch), so one with a real e-mail address can set a password and sign in directly.
    Placeholder addresses (*.invalid) never receive mail."""

    def get_users(self, email):
        users = User.objects.filter(email__iexact=email, is_active=True)
        return (user for user in users if not user.email.lower().endswith(".invalid"))
