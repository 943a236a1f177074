"""Names and Role Provisioning Services: a course's members, for the instructor's results page."""

from lti_tool.models import LtiContext
from pylti1p3.names_roles import NamesRolesProvisioningService
from pylti1p3.service_connector import ServiceConnector

from lti import errors, keys, outbound
from lti.errors import LtiError


def sync_members(context: LtiContext) -> int:
    """Refresh the context's memberships from the platform; returns how many members it has."""
    registration = keys.platform_registration(context.deployment.registration)
    service = NamesRolesProvisioningService(
        ServiceConnector(registration, outbound.session()),
        {"context_memberships_url": context.memberships_url},
    )
    try:
        members = service.get_members()
    except Exception as failure:  # the platform or the network: the page says so, nothing changes
        raise LtiError(
            errors.PLATFORM_UNREACHABLE,
            f"The course's member list could not be fetched ({type(failure).__name__}).",
            status=502,
        ) from None
    context.update_memberships(members)
    return len(members)
