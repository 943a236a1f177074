"""Django's database sessions (SESSION_ENGINE = "accounts.sessions"), with the read every signed-in request
makes written as a plain statement: it is a primary-key lookup, and building it through the ORM cost about
twice as much CPU as running it (benchmarks/load, SCENARIO=profile). Storage, expiry and the table are
Django's own, so sessions survive switching between this engine and Django's."""

from django.contrib.sessions.backends import db
from django.db import connections, router
from django.utils import timezone


class SessionStore(db.SessionStore):
    def _get_session_from_db(self):
        using = router.db_for_read(self.model)
        operations = connections[using].ops
        rows = self.model._default_manager.using(using).raw(
            f"SELECT * FROM {operations.quote_name(self.model._meta.db_table)} "
            "WHERE session_key = %s AND expire_date > %s",
            [self.session_key, operations.adapt_datetimefield_value(timezone.now())],
        )
        session = next(iter(rows), None)
        if session is None:
            self._session_key = None
        return session
