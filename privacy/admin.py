"""Deleting a user in the admin, one or in bulk, goes through `erase_account` like the learner's own deletion.

This app comes after `accounts` in INSTALLED_APPS, so the user admin registered here replaces (and extends)
the accounts app's, without the accounts app depending on the apps a deletion touches.
"""

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from accounts.admin import UserAdmin as AccountsUserAdmin
from accounts.models import User
from certificates.models import Certificate
from exams.models import Attempt
from privacy.services import erase_account


def what_deletion_does(user: User) -> str:
    """One line of the confirmation page: what erasing `user` will do to their record."""
    certificates = Certificate.objects.valid().filter(learner=user).count()
    kept = user.attempts.exclude(status=Attempt.Status.OPEN).count()
    discarded = user.attempts.filter(status=Attempt.Status.OPEN).count()
    return (
        f"{user.email}: {certificates} certificate(s) revoked (“account deleted”, public verification "
        f"then says revoked); {kept} submitted attempt(s) kept anonymously; "
        f"{discarded} attempt(s) in progress discarded"
    )


admin.site.unregister(User)


@admin.register(User)
class UserAdmin(AccountsUserAdmin):
    delete_confirmation_template = "admin/accounts/user/delete_confirmation.html"
    delete_selected_confirmation_template = "admin/accounts/user/delete_selected_confirmation.html"

    def get_deleted_objects(self, objs, request: HttpRequest):
        """What the confirmation page lists: erasing deletes no other row an admin must be allowed to delete,
        and nothing protects it (certificates are revoked, attempts kept)."""
        users = list(objs)
        return [what_deletion_does(user) for user in users], {"accounts": len(users)}, set(), []

    def delete_model(self, request: HttpRequest, obj: User) -> None:
        erase_account(obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset:
            erase_account(user)
