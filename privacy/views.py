"""The learner's "Your data" actions on their account page: download it, or delete the account."""

import json

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from privacy.forms import EraseAccountForm
from privacy.services import erase_account, learner_data


@login_required
@require_GET
@never_cache
def download(request):
    now = timezone.now()
    body = json.dumps(learner_data(request.user, now), indent=2, ensure_ascii=False)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="dxam-data-{now:%Y-%m-%d}.json"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def delete_account(request):
    if request.user.is_staff:
        messages.error(request, "An admin account is deleted by another admin, in the admin site.")
        return redirect("profile")
    # Bound on every POST, even an empty one (`request.POST or None` would show an empty form, no error).
    form = EraseAccountForm(request.user, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        erase_account(request.user)
        logout(request)
        messages.success(request, "Your account was deleted.")
        return redirect("home")
    return render(request, "privacy/delete_account.html", {"form": form})
