from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django_ratelimit.decorators import ratelimit

from accounts.backends import BACKEND
from accounts.forms import ProfileForm, SignUpForm
from accounts.models import SignInLink


def _submitted_email(group, request):
    return request.POST.get("username", "").strip().lower()


@method_decorator(
    ratelimit(key="ip", rate=lambda g, r: settings.LOGIN_RATE_PER_IP, method="POST", block=False),
    name="post",
)
@method_decorator(
    ratelimit(
        key=_submitted_email, rate=lambda g, r: settings.LOGIN_RATE_PER_ACCOUNT, method="POST", block=False
    ),
    name="post",
)
class SignInView(LoginView):
    """Django's sign-in, refusing further attempts once an address or a client has tried too often."""

    def post(self, request, *args, **kwargs):
        if getattr(request, "limited", False):
            # The credentials are not even checked while limited, so guessing gains nothing.
            form = self.form_class(request, initial={"username": request.POST.get("username", "")})
            context = self.get_context_data(form=form, rate_limited=True)
            return self.render_to_response(context, status=429)
        return super().post(request, *args, **kwargs)


def signup(request):
    if request.user.is_authenticated:
        return redirect("home")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend=BACKEND)
        messages.success(request, f"Welcome to dxam, {user.display_name}!")
        return redirect("home")
    return render(request, "accounts/signup.html", {"form": form})


@login_required
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Your profile was saved.")
        return redirect("profile")
    return render(request, "accounts/profile.html", {"form": form})


@never_cache
@require_GET
def redeem_sign_in_link(request, token):
    """Sign in through a single-use link and open the page it leads to (launch links from LMSs)."""
    link = SignInLink.redeem(token)
    if link is None or not link.user.is_active:
        return render(request, "accounts/link_invalid.html", status=410)
    login(request, link.user, backend=BACKEND)
    request.session.update(link.session)
    return redirect(link.next_path)
