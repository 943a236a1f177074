# The two commands a newcomer needs: `make run` and `make test`. Both set everything up first.
PY := .venv/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test setup lint format worker benchmark loadtest

setup:
	@scripts/bootstrap
	$(PY) manage.py migrate --noinput
	$(PY) manage.py import_bank exams/bank

# The sweeps finalize abandoned attempts and retry LTI score posts; in production Celery beat runs them
# (see docker-compose.yml). Local development: webhooks may go to a receiver on this machine
# (scripts/webhook-receiver).
run: export ALLOW_PRIVATE_OUTBOUND ?= true
run: setup
	@trap 'kill 0' INT TERM EXIT; \
	$(PY) manage.py sweep_attempts --every 15 & \
	$(PY) manage.py resend_lti_scores --every 30 & \
	$(PY) manage.py runserver $(HOST):$(PORT)

test:
	@scripts/bootstrap --browser
	$(PY) -m pytest -n 2 --dist loadgroup -p no:cacheprovider $(PYTEST_ARGS)

lint:
	@scripts/bootstrap
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/mypy
	.venv/bin/python manage.py spectacular --validate --fail-on-warn --file /dev/null

format:
	@scripts/bootstrap
	.venv/bin/ruff format .
	.venv/bin/ruff check --fix .

worker:
	@scripts/bootstrap
	.venv/bin/celery -A config worker -Q grading,celery --loglevel=INFO

benchmark:
	@scripts/bootstrap
	$(PY) benchmarks/grading.py

# The load and fault test (benchmarks/load/README.md): a production-like stack on scratch resources, simulated
# learners, a report. Settings are variables: make loadtest LEARNERS=200 DURATION=180 FAULT=redis-restart
loadtest:
	@scripts/bootstrap
	$(PY) benchmarks/load/run.py
