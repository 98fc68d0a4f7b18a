# The project's manual: `make run` for the bot with the demo shop, `make test` for the tests.
# Everything is installed here, into .venv, from requirements*.txt: nothing by hand.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
RASA := $(VENV)/bin/rasa
PYTHON310 ?= $(shell scripts/find-python310)
export PYTHONPATH := $(CURDIR)
export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 2

# What the model is trained from: a change to any of these retrains, nothing else does.
TRAINING_INPUTS := config.yml domain.yml $(shell find data -name '*.yml' | sort) $(wildcard bot/nlu/*.py)
# What the gate scores a new model on: a change retrains too.
TEST_INPUTS := $(wildcard tests/nlu/*.yml tests/stories/*.yml)
# No model in models/ at all: train even if the stamp says otherwise.
MODEL_MISSING := $(if $(wildcard models/*.tar.gz),,force-train)

.PHONY: help install train run test check eval bench loadtest shell clean force-train browser nginx review validate

help:
	@echo "make run    install if needed, train if needed, start the bot with the demo shop"
	@echo "make test   install if needed, then every test"
	@echo "make check  the inner loop, under 2 minutes: lint (ruff), types (mypy on bot/ and actions/) and the tests that need no server, browser or training"
	@echo "make train  validate the data, train, evaluate, and put the new model in service only if it is no worse"
	@echo "make eval   accuracy per language and intent, beside Rasa's stock pipeline (writes reports/eval.html)"
	@echo "make review what customers asked that the bot didn't understand (writes reports/review.yml)"
	@echo "make validate  only the data checks of make train (file:line messages)"
	@echo "make bench  our figures beside stock Rasa's, same run: start-up, latency, throughput, memory (bench/out/latest.json);"
	@echo "            then insights on 1 million events on PostgreSQL (bench/out/insights_scale.json)"
	@echo "make loadtest  2 Rasa replicas + 2 action servers behind nginx on PostgreSQL/Redis/RabbitMQ, under load and faults"
	@echo "make shell  chat with the bot in the terminal"

install: $(VENV)/.installed node_modules/.installed

# The website widget (rasa-webchat, pinned in package.json and package-lock.json), served
# locally by bot/web: reinstalled only when package.json or the lock changes.
node_modules/.installed: package.json $(wildcard package-lock.json)
	@command -v npm >/dev/null || { echo "The web widget needs npm (Node.js): apt-get install nodejs npm"; exit 1; }
	if [ -f package-lock.json ]; then npm ci --no-audit --no-fund; else npm install --no-audit --no-fund; fi
	touch $@

# The browser tests drive Debian's chromium (Playwright never downloads a browser here).
CHROMIUM := /usr/bin/chromium
browser:
	@if [ ! -x $(CHROMIUM) ]; then \
	  if [ "$$(id -u)" != 0 ]; then \
	    echo "The browser tests need Debian's chromium at $(CHROMIUM): run as root, or: sudo apt-get install chromium chromium-driver"; exit 1; fi; \
	  echo "Installing Debian's chromium for the browser tests"; \
	  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver; } \
	    || { echo "Could not install chromium with apt-get: install Debian's chromium and chromium-driver (apt-get install chromium chromium-driver), then run make test again"; exit 1; }; \
	fi

# The production layout run here (make loadtest, and its smaller version in make test) puts
# Debian's nginx in front of the replicas.
NGINX := /usr/sbin/nginx
nginx:
	@if [ ! -x $(NGINX) ]; then \
	  if [ "$$(id -u)" != 0 ]; then \
	    echo "The load test needs Debian's nginx at $(NGINX): run as root, or: sudo apt-get install nginx-light"; exit 1; fi; \
	  echo "Installing Debian's nginx for the load test"; \
	  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light; } \
	    || { echo "Could not install nginx with apt-get: install Debian's nginx-light, then run make again"; exit 1; }; \
	fi

$(VENV)/.installed: requirements.txt requirements-dev.txt constraints.txt
	@if [ ! -x $(PY) ]; then \
	  if [ -z "$(PYTHON310)" ]; then echo "Rasa 3.6 needs Python 3.10: install it (pyenv install 3.10) or set PYTHON310=/path/to/python3.10"; exit 1; fi; \
	  echo "Creating $(VENV) with $(PYTHON310)"; $(PYTHON310) -m venv $(VENV); fi
	$(PY) -m pip install --quiet --upgrade "pip<25" wheel "setuptools<70"
	$(PY) -m pip install --quiet -r requirements-dev.txt -c constraints.txt
	touch $@

# The gate (bot/editor/gate.py): validate, train a candidate, evaluate it, and promote it into
# models/ only if no language's macro-F1 drops by more than a point and every test story passes.
# It touches the stamp whether it promoted or kept the old model: unchanged data isn't retrained.
train: models/.trained
	@$(PY) -m bot train --status

models/.trained: $(VENV)/.installed $(TRAINING_INPUTS) $(TEST_INPUTS) $(MODEL_MISSING)
	$(PY) -m bot train --stamp $@

validate: $(VENV)/.installed
	$(PY) -m bot validate

review: $(VENV)/.installed
	$(PY) -m bot review $(if $(TRACKER_STORE_URL),--tracker-store "$(TRACKER_STORE_URL)")

force-train:

run: install models/.trained
	$(PY) -m bot run

shell: install models/.trained
	$(PY) -m bot shell

# Two workers (the machine's two cores): each test file runs whole in one of them (--dist
# loadfile); the slowest files are listed at the end.
TEST_WORKERS ?= 2
test: install browser nginx models/.trained
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadfile --durations=15

check: $(VENV)/.installed
	$(VENV)/bin/ruff check bot actions connectors tests bench
	$(VENV)/bin/mypy  # bot/ and actions/, configured in pyproject.toml
	$(PY) -m pytest -n $(TEST_WORKERS) -m "not integration" -q

eval: install
	$(PY) -m bot eval

# Ours beside stock Rasa (trained once on our data, cached in var/bench/ by a hash of the data).
bench: install models/.trained
	$(PY) -m bench
	$(PY) -m bench.insights_scale

loadtest: install nginx models/.trained
	$(PY) -m bench.loadtest

clean:
	rm -rf models/*.tar.gz models/*.eval.json models/.trained models/.last_train.json var/candidates .rasa results reports
