"""A small LTI 1.3 platform (an "LMS") built on Open edX's LTI consumer classes (lti-consumer-xblock), which
dxam did not write. It runs in its own virtualenv (.venv-platform, requirements-platform.txt) as a separate
process; the tests and the browser talk to it over HTTP.

    .venv-platform/bin/python tests/lti/platform/server.py PORT TOOL_BASE_URL

Routes
    POST /launches              (test control) JSON launch spec → {"course_url", "login_url", "hint"}
    GET  /course?hint=          a course page embedding the launch in an iframe
    GET  /start?hint=           the iframe: sends the browser to the tool's OIDC login initiation
    GET  /auth                  OIDC authorization: form-posts a signed id_token to the tool (JSON if asked)
    GET  /jwks                  the platform's public key (counted; Cache-Control as the test set it)
    POST /token                 OAuth2 client-credentials grant (checks the tool's client assertion)
    GET, POST /ags/lineitems    line items;  POST /ags/lineitems/N/scores  records a score
    GET  /nrps/memberships      the course's members
    POST /deep-link-return      receives and checks a deep-linking response
    GET  /recorded              (test control) scores, line items and deep-linking responses received
    POST /reset                 (test control) forget them
    POST /keys                  (test control) {"rotate": true}: sign with a new key from now on (and publish
                                only that one); {"cache_control": "..."}: the JWKS's Cache-Control header

A launch spec may ask for a tampered token ("tamper": "expired" | "bad_signature" | "wrong_issuer" |
"unknown_deployment" | "unknown_key") so the tests can check that the tool refuses it, and may override the
signed token's claims ("claims": {name: value}, null removes the claim).
"""

import html
import json
import sys
import threading
import uuid
from socketserver import ThreadingMixIn
from typing import Any
from urllib.parse import parse_qs
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import django
from django.conf import settings

settings.configure(
    INSTALLED_APPS=[],
    USE_TZ=True,
    PLATFORM_NAME="Test LMS",
    OPENEDX_TELEMETRY=[],
    CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}},
)
django.setup()

from Cryptodome.PublicKey import RSA  # noqa: E402
from lti_consumer.data import Lti1p3LaunchData  # noqa: E402
from lti_consumer.lti_1p3.consumer import LtiAdvantageConsumer  # noqa: E402
from lti_consumer.lti_1p3.key_handlers import PlatformKeyHandler  # noqa: E402
from lti_consumer.utils import cache_lti_1p3_launch_data  # noqa: E402

CLIENT_ID = "dxam-client"
DEPLOYMENT_ID = "deployment-1"


def new_key() -> str:
    return RSA.generate(2048).export_key("PEM").decode()


LOCK = threading.Lock()
state: dict[str, Any] = {
    "launches": {},
    "scores": [],
    "lineitems": [],
    "deep_links": [],
    "key": new_key(),
    "key_id": "platform-key-1",
    "jwks_fetches": 0,
    "jwks_cache_control": None,
}


class Platform:
    def __init__(self, base: str, tool: str):
        self.base, self.tool, self.iss = base, tool.rstrip("/"), base

    def consumer(self, spec: dict | None = None, iss: str | None = None) -> LtiAdvantageConsumer:
        spec = spec or {}
        consumer = LtiAdvantageConsumer(
            iss=iss or self.iss,
            lti_oidc_url=f"{self.tool}/lti/login/",
            lti_launch_url=f"{self.tool}/lti/launch/",
            client_id=CLIENT_ID,
            deployment_id=spec.get("deployment_id", DEPLOYMENT_ID),
            rsa_key=state["key"],
            rsa_key_id=state["key_id"],
            redirect_uris=[f"{self.tool}/lti/launch/"],
            tool_keyset_url=f"{self.tool}/lti/jwks/",
        )
        consumer.enable_deep_linking(f"{self.tool}/lti/launch/", f"{self.base}/deep-link-return")
        return consumer

    def register(self, spec: dict) -> dict:
        data = Lti1p3LaunchData(
            user_id=spec["user"],
            user_role=spec.get("role", "student"),
            config_id=uuid.uuid4(),
            resource_link_id=spec.get("resource_link", "link-1"),
            message_type=spec.get("message_type", "LtiResourceLinkRequest"),
            context_id=spec.get("context", "course-1"),
            context_title="Matrix Calculus 101",
            launch_presentation_return_url=f"{self.base}/course",
        )
        hint = cache_lti_1p3_launch_data(data)
        with LOCK:
            state["launches"][hint] = spec
        login = self.consumer(spec).prepare_preflight_url(data)
        spec["login_url"] = login
        return {"hint": hint, "login_url": login, "course_url": f"{self.base}/course?hint={hint}"}

    def launch(self, params: dict) -> dict:
        """The OIDC authorization response: {"action", "id_token", "state"} for the tool's launch URL."""
        spec = state["launches"][params["lti_message_hint"]]
        tamper = spec.get("tamper")
        consumer = self.consumer(
            spec, iss="https://not-registered.example" if tamper == "wrong_issuer" else None
        )
        consumer.set_user_data(
            spec["user"],
            spec.get("role", "student"),
            full_name=spec.get("name"),
            email_address=spec.get("email"),
        )
        consumer.set_resource_link_claim(spec.get("resource_link", "link-1"), title="dxam exam")
        consumer.set_context_claim(spec.get("context", "course-1"), context_title="Matrix Calculus 101")
        consumer.set_launch_presentation_claim(document_target="iframe", return_url=f"{self.base}/course")
        if spec.get("exam"):
            consumer.set_custom_parameters({"exam": spec["exam"]})
        if spec.get("ags", True):
            consumer.enable_ags(f"{self.base}/ags/lineitems", allow_programmatic_grade_interaction=True)
        consumer.enable_nrps(f"{self.base}/nrps/memberships")
        response = consumer.generate_launch_request(params)
        token = response["id_token"]
        if spec.get("claims"):
            message = json.loads(_b64(token.split(".")[1]))
            message.update(spec["claims"])
            token = consumer.key_handler.encode_and_sign({k: v for k, v in message.items() if v is not None})
        if tamper == "expired":
            message = json.loads(_b64(token.split(".")[1]))
            message.update(iat=message["iat"] - 7200, exp=message["iat"] - 3600)
            token = consumer.key_handler.encode_and_sign(message)
        elif tamper == "unknown_key":  # a well-formed token signed with a key the platform never published
            message = json.loads(_b64(token.split(".")[1]))
            token = PlatformKeyHandler(new_key(), "unpublished-key").encode_and_sign(message)
        elif tamper == "bad_signature":
            head, body, signature = token.split(".")
            token = ".".join(
                [head, body, signature[:-6] + ("AAAAAA" if signature[-6:] != "AAAAAA" else "BBBBBB")]
            )
        return {"action": params["redirect_uri"], "id_token": token, "state": response["state"]}


def _b64(text: str) -> bytes:
    import base64

    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def app_for(platform: Platform):
    def app(environ, start_response):
        method, path = environ["REQUEST_METHOD"], environ["PATH_INFO"]
        query = {key: values[0] for key, values in parse_qs(environ.get("QUERY_STRING", "")).items()}
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        try:
            status, content_type, content, *headers = route(platform, method, path, query, body, environ)
        except Exception as error:  # a test platform: report the failure to the caller
            status, content_type, content = "500 Error", "text/plain", f"{type(error).__name__}: {error}"
            headers = []
        start_response(status, [("Content-Type", content_type), *(headers[0] if headers else [])])
        return [content.encode() if isinstance(content, str) else content]

    return app


def _json(data, status="200 OK"):
    return status, "application/json", json.dumps(data)


def _authorized(platform: Platform, environ) -> bool:
    header = environ.get("HTTP_AUTHORIZATION", "")
    try:
        return header.startswith("Bearer ") and platform.consumer().check_token(header[7:])
    except Exception:
        return False


def route(platform: Platform, method, path, query, body, environ):
    form = {key: values[0] for key, values in parse_qs(body.decode()).items()} if body else {}
    if path == "/launches" and method == "POST":
        return _json(platform.register(json.loads(body)))
    if path == "/course":
        hint = html.escape(query["hint"])
        page = (
            "<!doctype html><title>Test LMS course</title><h1>Matrix Calculus 101</h1>"
            f'<iframe id="tool" src="/start?hint={hint}" width="1000" height="800" '
            'allow="clipboard-write"></iframe>'
        )
        return "200 OK", "text/html", page
    if path == "/auth":
        response = platform.launch(query)
        if "application/json" in environ.get("HTTP_ACCEPT", ""):
            return _json(response)
        inputs = "".join(
            f'<input type="hidden" name="{name}" value="{html.escape(response[name])}">'
            for name in ("id_token", "state")
        )
        page = (
            f'<!doctype html><form id="f" method="post" action="{html.escape(response["action"])}">'
            f"{inputs}</form>"
            "<script>document.getElementById('f').submit()</script>"
        )
        return "200 OK", "text/html", page
    if path == "/jwks":
        with LOCK:
            state["jwks_fetches"] += 1
            cache_control = state["jwks_cache_control"]
        extra = [("Cache-Control", cache_control)] if cache_control else []
        return (*_json(platform.consumer().get_public_keyset()), extra)
    if path == "/keys" and method == "POST":
        change = json.loads(body)
        with LOCK:
            if change.get("rotate"):
                number = int(state["key_id"].rsplit("-", 1)[1]) + 1
                state["key"], state["key_id"] = new_key(), f"platform-key-{number}"
            if "cache_control" in change:
                state["jwks_cache_control"] = change["cache_control"]
        return _json({"key_id": state["key_id"]})
    if path == "/token" and method == "POST":
        try:
            return _json(platform.consumer().access_token(form))
        except Exception as error:
            return _json({"error": "invalid_client", "error_description": str(error)}, "400 Bad Request")
    if path.startswith(("/ags/", "/nrps/")) and not _authorized(platform, environ):
        return _json({"error": "unauthorized"}, "401 Unauthorized")
    if path == "/ags/lineitems":
        if method == "POST":
            item = json.loads(body)
            with LOCK:
                item["id"] = f"{platform.base}/ags/lineitems/{len(state['lineitems']) + 1}"
                state["lineitems"].append(item)
            return _json(item, "201 Created")
        return _json(state["lineitems"])
    if path.startswith("/ags/lineitems/") and path.endswith("/scores") and method == "POST":
        score = json.loads(body)
        score["lineitem"] = f"{platform.base}{path[: -len('/scores')]}"
        with LOCK:
            state["scores"].append(score)
        return _json({}, "200 OK")
    if path == "/nrps/memberships":
        members = [
            {"user_id": spec["user"], "name": spec.get("name", ""), "status": "Active",
             "roles": ["http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"]}
            for spec in state["launches"].values() if spec.get("role", "student") == "student"
        ] + [{"user_id": "absent-learner", "name": "Absent Learner", "status": "Active",
              "roles": ["http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"]}]  # fmt: skip
        return _json(
            {"id": f"{platform.base}/nrps/memberships", "context": {"id": "course-1"}, "members": members}
        )
    if path == "/deep-link-return" and method == "POST":
        items = platform.consumer().check_and_decode_deep_linking_token(form.get("JWT", ""))
        claims = json.loads(_b64(form["JWT"].split(".")[1]))
        if claims.get("aud") not in (platform.iss, [platform.iss]):
            return (
                "400 Bad Request",
                "text/plain",
                "This deep-linking response is addressed to another platform.",
            )
        with LOCK:
            state["deep_links"].append({"items": items, "aud": claims.get("aud"), "iss": claims.get("iss")})
        return (
            "200 OK",
            "text/html",
            "<!doctype html><title>Added</title><p id='added'>The activity was added.</p>",
        )
    if path == "/reset" and method == "POST":
        with LOCK:
            for key in ("scores", "lineitems", "deep_links"):
                state[key].clear()
            state["jwks_fetches"], state["jwks_cache_control"] = 0, None
        return _json({})
    if path == "/recorded":
        return _json({key: state[key] for key in ("scores", "lineitems", "deep_links", "jwks_fetches")})
    return "404 Not Found", "text/plain", "no such route"


class _Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


def main():
    port, tool = int(sys.argv[1]), sys.argv[2]
    platform = Platform(f"http://127.0.0.1:{port}", tool)
    inner = app_for(platform)

    def app(environ, start_response):
        if environ["PATH_INFO"] == "/start":
            hint = parse_qs(environ.get("QUERY_STRING", ""))["hint"][0]
            spec = state["launches"][hint]
            start_response("302 Found", [("Location", spec["login_url"])])
            return [b""]
        return inner(environ, start_response)

    server = make_server("127.0.0.1", port, app, server_class=_Server, handler_class=_QuietHandler)
    print("ready", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
