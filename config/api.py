"""What every /api/v1/ endpoint shares: key authentication, scopes, pagination (throttles: config.ratelimit,
errors: config.api_errors)."""

from django.utils import timezone
from rest_framework import exceptions, pagination, permissions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from integrations.models import ApiKey


class ApiKeyAuthentication(BaseAuthentication):
    """`Authorization: Bearer dxam_…`: request.user is anonymous, request.auth is the ApiKey."""

    keyword = b"bearer"

    def authenticate(self, request):
        header = get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Send the key as 'Authorization: Bearer <key>'.")
        key = ApiKey.authenticate(header[1].decode(errors="replace"))
        if key is None:
            raise exceptions.AuthenticationFailed("This API key is unknown or has been revoked.")
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=timezone.now())
        from django.contrib.auth.models import AnonymousUser

        return AnonymousUser(), key

    def authenticate_header(self, request):
        return 'Bearer realm="api"'


def integration_of(request):
    return request.auth.integration if isinstance(request.auth, ApiKey) else None


class KeyOrSignedIn(permissions.BasePermission):
    """An integration key with the view's scope, or a signed-in user (when the view allows users)."""

    message = "Authenticate with an API key that has the needed scope, or sign in."

    def has_permission(self, request, view):
        if isinstance(request.auth, ApiKey):
            scope = getattr(view, "required_scope", None)
            if scope is not None and scope not in request.auth.scopes:
                self.message = f"This API key lacks the '{scope}' scope."
                return False
            return True
        return bool(request.user and request.user.is_authenticated and getattr(view, "allow_users", True))


class Pagination(pagination.PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
