"""Stored claims are checked before anything is stored; a launch is bound to the login that began it."""

import pytest
from lti_tool.models import LtiDeployment, LtiRegistration, LtiUser

from lti.launch import CLAIM
from lti.models import UsedNonce
from tests.lti.test_refusals import refusal

AGS = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"


@pytest.mark.parametrize(
    "claims",
    [
        {"sub": "s" * 5000},
        {"sub": {"id": "s"}},
        {"name": "n" * 501},
        {"email": 42},
        {f"{CLAIM}resource_link": {"id": "r" * 5000}},
        {f"{CLAIM}resource_link": {"id": "link-1", "title": "t" * 501}},
        {f"{CLAIM}context": {"id": "c" * 256}},
        {f"{CLAIM}context": {"id": "course-1", "title": ["a", "list"]}},
        {f"{CLAIM}context": "not an object"},
        {f"{CLAIM}deployment_id": "d" * 256},
        {f"{CLAIM}launch_presentation": {"return_url": "https://lms.example/" + "x" * 5000}},
        {AGS: {"lineitems": "https://lms.example/" + "l" * 5000, "scope": []}},
        {AGS: {"lineitem": "https://lms.example/" + "l" * 5000, "scope": []}},
    ],
)
def test_it_refuses_claims_that_are_not_strings_or_do_not_fit_before_using_the_nonce(
    registration, launch, certifying_exam, claims
):
    response, _ = launch(user="u", exam="cert", claims=claims)
    assert "invalid_token" in refusal(response)
    assert not LtiUser.objects.exists()
    assert not UsedNonce.objects.exists()


def test_claims_at_their_columns_limits_are_kept(registration, launch, certifying_exam):
    response, _ = launch(
        user="u",
        exam="cert",
        claims={"sub": "s" * 255, f"{CLAIM}resource_link": {"id": "r" * 255, "title": "t" * 500}},
    )
    assert response.status_code == 200, response.content.decode()[:500]
    assert LtiUser.objects.get().sub == "s" * 255


@pytest.fixture
def second_registration(lms, registration):
    """Another platform and client dxam trusts, signing with the same keys as the first."""
    other = LtiRegistration.objects.create(
        name="Other LMS",
        issuer="https://other-lms.example",
        client_id="client-b",
        auth_url=f"{lms.base}/auth",
        token_url=f"{lms.base}/token",
        keyset_url=f"{lms.base}/jwks",
    )
    LtiDeployment.objects.create(registration=other, deployment_id=lms.deployment_id, is_active=True)
    return other


def test_a_state_issued_for_one_platform_refuses_another_platforms_token(
    second_registration, launch, certifying_exam
):
    response, _ = launch(user="u", exam="cert", claims={"iss": second_registration.issuer, "aud": "client-b"})
    assert "invalid_token" in refusal(response)
    assert not LtiUser.objects.exists()


def test_the_same_token_is_accepted_when_its_platform_matches(second_registration, launch, certifying_exam):
    assert launch(user="u", exam="cert")[0].status_code == 200


def test_a_state_refuses_a_nonce_it_was_not_issued_with(registration, lms, tool_client, certifying_exam):
    started = lms.launch_for(user="u", exam="cert")
    first = lms.authorize(tool_client.get(started["login_url"])["Location"])
    second = lms.authorize(tool_client.get(started["login_url"])["Location"])
    # The second login's nonce is unused, but it belongs to the second state.
    swapped = tool_client.post("/lti/launch/", {"state": first["state"], "id_token": second["id_token"]})
    assert "invalid_token" in refusal(swapped)


def test_several_audiences_are_accepted_when_azp_names_dxam(registration, lms, launch, certifying_exam):
    response, _ = launch(
        user="u", exam="cert", claims={"aud": ["another-tool", lms.client_id], "azp": lms.client_id}
    )
    assert response.status_code == 200, response.content.decode()[:500]


def test_several_audiences_without_azp_naming_dxam_are_refused(registration, lms, launch, certifying_exam):
    response, _ = launch(user="u", exam="cert", claims={"aud": ["another-tool", lms.client_id], "azp": None})
    assert "invalid_token" in refusal(response) or "wrong_audience" in refusal(response)
