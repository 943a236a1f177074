from django import forms

from accounts.models import User


class EraseAccountForm(forms.Form):
    """Deleting an account asks for the password (or, for accounts without one, the e-mail address)."""

    confirmation = forms.CharField(strip=False, widget=forms.PasswordInput)

    def __init__(self, user: User, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        field = self.fields["confirmation"]
        if user.has_usable_password():
            field.label = "Your password"
        else:
            field.label, field.widget = "Your e-mail address", forms.EmailInput()

    def clean_confirmation(self) -> str:
        value = self.cleaned_data["confirmation"]
        if self.user.has_usable_password():
            if not self.user.check_password(value):
                raise forms.ValidationError("That is not your password.")
        elif value.strip().lower() != self.user.email.lower():
            raise forms.ValidationError("That is not your account's e-mail address.")
        return value
