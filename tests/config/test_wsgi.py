"""A web worker imports its views when it starts, so no learner's request waits for that."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_loading_the_wsgi_application_imports_the_urlconf_and_its_views():
    modules = ("config.urls", "exams.attempt_views", "analytics.views")
    probe = f"import sys, config.wsgi; print(all(name in sys.modules for name in {modules!r}))"
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=120, check=True
    )
    assert result.stdout.strip() == "True", result.stderr
