"""Settings come from the environment, with safe defaults; each case loads them in a fresh interpreter."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SETTING_NAMES = [
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "CELERY_BROKER_URL",
    "CELERY_TASK_ALWAYS_EAGER",
    "MAILERS",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SECURE_HSTS_SECONDS",
    "X_FRAME_OPTIONS",
    "SECURE_CSP",
    "SESSION_ENGINE",
    "SESSION_SAVE_EVERY_REQUEST",
    "TRUSTED_PROXIES",
]
PROGRAM = f"""
import json, config.settings as s
from django.utils.csp import CSP
print(json.dumps({{
    "database": {{"ENGINE": s.DATABASES["default"]["ENGINE"], "NAME": str(s.DATABASES["default"]["NAME"])}},
    "connections": [s.DATABASES["default"]["CONN_MAX_AGE"], s.DATABASES["default"]["CONN_HEALTH_CHECKS"]],
    "cache": s.CACHES["default"]["BACKEND"],
    **{{name: getattr(s, name, None) for name in {SETTING_NAMES!r}}},
}}, default=str))
"""
CONFIG_VARIABLES = {
    "DEBUG",
    "SECRET_KEY",
    "DATABASE_URL",
    "CELERY_BROKER_URL",
    "CELERY_RESULT_BACKEND",
    "CACHE_URL",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "EMAIL_HOST",
    "DATABASE_CONN_MAX_AGE",
    "TRUSTED_PROXIES",
}


def load_settings(**env):
    clean = {key: value for key, value in os.environ.items() if key not in CONFIG_VARIABLES}
    proc = subprocess.run(
        [sys.executable, "-c", PROGRAM], cwd=ROOT, env={**clean, **env}, capture_output=True, text=True
    )
    return proc.returncode, (json.loads(proc.stdout) if proc.returncode == 0 else proc.stderr)


def test_defaults_are_the_embedded_mode():
    code, settings = load_settings()
    assert code == 0, settings
    assert settings["DEBUG"] is True
    assert settings["database"] == {"ENGINE": "django.db.backends.sqlite3", "NAME": str(ROOT / "db.sqlite3")}
    assert settings["CELERY_BROKER_URL"] == ""
    assert settings["CELERY_TASK_ALWAYS_EAGER"] is True
    assert settings["MAILERS"]["default"]["BACKEND"] == "django.core.mail.backends.console.EmailBackend"
    assert settings["cache"] == "django.core.cache.backends.db.DatabaseCache"


def test_it_reads_database_and_broker_urls():
    code, settings = load_settings(
        DATABASE_URL="postgres://dxam:pw@db.internal:5432/dxam",
        CELERY_BROKER_URL="redis://redis.internal:6379/0",
        CACHE_URL="redis://redis.internal:6379/1",
    )
    assert code == 0, settings
    assert settings["database"] == {"ENGINE": "django.db.backends.postgresql", "NAME": "dxam"}
    assert settings["CELERY_BROKER_URL"] == "redis://redis.internal:6379/0"
    assert settings["CELERY_TASK_ALWAYS_EAGER"] is False
    assert settings["cache"] == "django.core.cache.backends.redis.RedisCache"


def test_it_refuses_to_start_without_secret_key_when_debug_is_off():
    code, error = load_settings(DEBUG="0")
    assert code != 0
    assert "SECRET_KEY must be set when DEBUG is off" in error


def test_it_rejects_a_malformed_boolean():
    code, error = load_settings(DEBUG="maybe")
    assert code != 0
    assert "DEBUG must be a boolean" in error


def test_production_mode_is_locked_down():
    code, settings = load_settings(
        DEBUG="false",
        SECRET_KEY="x" * 50,
        ALLOWED_HOSTS="dxam.example.org",
        CSRF_TRUSTED_ORIGINS="https://dxam.example.org",
    )
    assert code == 0, settings
    assert settings["DEBUG"] is False
    assert settings["ALLOWED_HOSTS"] == ["dxam.example.org"]
    assert settings["CSRF_TRUSTED_ORIGINS"] == ["https://dxam.example.org"]
    assert settings["SESSION_COOKIE_SECURE"] is True
    assert settings["CSRF_COOKIE_SECURE"] is True
    assert settings["SECURE_HSTS_SECONDS"] >= 31536000
    assert settings["X_FRAME_OPTIONS"] == "DENY"


def test_content_security_policy_names_no_other_origin():
    code, settings = load_settings()
    assert code == 0, settings
    sources = [source for directive in settings["SECURE_CSP"].values() for source in directive]
    assert sources, "the policy must not be empty"
    assert set(sources) <= {"'self'", "'none'", "data:"}


def test_smtp_is_used_when_a_host_is_configured():
    code, settings = load_settings(EMAIL_HOST="smtp.example.org")
    assert code == 0, settings
    assert settings["MAILERS"]["default"] == {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {"host": "smtp.example.org", "port": 587, "username": "", "password": "", "use_tls": True},
    }


def test_database_connections_persist_by_default_and_are_checked_before_reuse():
    code, settings = load_settings()
    assert code == 0, settings
    assert settings["connections"] == [60, True]
    code, settings = load_settings(DATABASE_CONN_MAX_AGE="0")
    assert settings["connections"] == [0, True]


def test_sessions_stay_in_the_database_with_redis_and_are_saved_only_when_changed():
    # Signed-in pages must keep working while Redis is down (see settings.py).
    _, with_redis = load_settings(CACHE_URL="redis://redis.internal:6379/1")
    assert with_redis["SESSION_ENGINE"] == "accounts.sessions"
    assert with_redis["SESSION_SAVE_EVERY_REQUEST"] is False


def test_no_proxy_is_trusted_unless_configured():
    _, settings = load_settings()
    assert settings["TRUSTED_PROXIES"] == []
    _, settings = load_settings(TRUSTED_PROXIES="10.0.0.0/8, 192.0.2.1")
    assert settings["TRUSTED_PROXIES"] == ["10.0.0.0/8", "192.0.2.1/32"]
    code, error = load_settings(TRUSTED_PROXIES="proxy.example.org")
    assert code != 0 and "TRUSTED_PROXIES must list IP addresses or networks" in error
