from django.apps import apps
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from accounts.forms import AdminUserAddForm, AdminUserChangeForm
from accounts.models import User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = AdminUserChangeForm
    add_form = AdminUserAddForm
    # Deleting a learner deletes their attempts and certificates (verification then answers "not found");
    # the confirmation pages say so. A learner deleting their own account is anonymised instead (privacy/).
    delete_confirmation_template = "admin/accounts/user/delete_confirmation.html"
    delete_selected_confirmation_template = "admin/accounts/user/delete_selected_confirmation.html"
    ordering = ["email"]
    list_display = ["email", "display_name", "role", "is_active", "date_joined"]
    list_filter = ["role", "is_active"]
    search_fields = ["email", "display_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Profile", {"fields": ["display_name", "role", "time_multiplier"]}),
        ("Status", {"fields": ["is_active", "is_superuser", "groups", "user_permissions"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": ["email", "display_name", "role", "usable_password", "password1", "password2"],
            },
        ),
    ]

    def get_deleted_objects(self, objs, request):
        """As Django's, except that what belongs to the learner (attempts, answers, their audit trail and
        certificates) goes with the account even where its own admin page never deletes one on its own."""
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        owned = {apps.get_model(label)._meta.verbose_name for label in OWNED_BY_THE_LEARNER}
        return deleted, counts, perms_needed - owned, protected


# Rows that exist only as part of a learner's record (labels, not imports: accounts sits below these apps).
OWNED_BY_THE_LEARNER = (
    "exams.Attempt",
    "exams.AttemptQuestion",
    "exams.Response",
    "exams.AttemptEvent",
    "certificates.Certificate",
)
