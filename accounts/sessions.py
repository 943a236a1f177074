"""Django's database sessions (SESSION_ENGINE = "accounts.sessions"), with the read every signed-in request
makes done by a precompiled statement (config.rows): it is a primary-key lookup, and building it through
the ORM cost about twice as much CPU as running it (benchmarks/load, SCENARIO=profile). Storage, expiry and
the table are Django's own, so sessions survive switching between this engine and Django's."""

from django.contrib.sessions.backends import db
from django.contrib.sessions.backends.base import VALID_KEY_CHARS
from django.utils import timezone

from config.rows import fetch

VALID_KEY_CHARACTERS = frozenset(VALID_KEY_CHARS)


class SessionStore(db.SessionStore):
    def _get_session_from_db(self):
        # A key this store never issues (a cookie with a NUL, say, which PostgreSQL refuses) is no session.
        if not set(self.session_key) <= VALID_KEY_CHARACTERS:
            self._session_key = None
            return None
        session = fetch(self.model, session_key=self.session_key)
        if session is None or session.expire_date <= timezone.now():
            self._session_key = None
            return None
        return session
