import os
from importlib import import_module

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

application = get_wsgi_application()
# Import every view now, while the worker starts, not during its first request: the URLconf pulls in the
# analytics views and SciPy with them, seconds of CPU that a learner's request would wait for (and, with sync
# workers, every request queued behind it).
import_module(settings.ROOT_URLCONF)
