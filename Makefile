# Two commands set up a fresh machine: `make demo` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# uv: the one on PATH, else one installed before in ~/.local/bin, else a project-local
# copy in a bootstrap venv. A venv, because a current Debian's Python is externally
# managed (PEP 668) and refuses `pip install --user`; the venv's pip is not.
UV_BOOTSTRAP := .cache/uv-bootstrap
UV ?= $(shell command -v uv 2>/dev/null || { [ -x "$(HOME)/.local/bin/uv" ] && echo "$(HOME)/.local/bin/uv"; } || echo "$(CURDIR)/$(UV_BOOTSTRAP)/bin/uv")
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# espeak-ng and sox synthesise and band-limit the simulated callers' speech;
# libportaudio2 backs the framework's console mode (`python -m worker console`);
# GNU time measures a command's peak memory (`python -m bench security`, tests/security).
APT_PACKAGES := espeak-ng sox libportaudio2 time
STAMP := .venv/.synced

.PHONY: help setup system-deps venv demo test lint typecheck pytest bench docs clean deploy-check promtool

help:
	@echo "make demo   install everything, then run two simulated calls (no keys, no network)"
	@echo "make test   install everything, then run ruff, mypy and the whole pytest suite"
	@echo "make bench  run the latency, end-of-turn, PII and capacity benchmarks (tables + JSON under bench/results/), then make docs"
	@echo "make docs   redraw the benchmark tables in README.md and docs/*.md from bench/results/*.json"

setup: system-deps venv

system-deps:
	@missing=""; \
	command -v espeak-ng >/dev/null || missing="$$missing espeak-ng"; \
	command -v sox >/dev/null || missing="$$missing sox"; \
	ldconfig -p 2>/dev/null | grep -q libportaudio.so.2 || missing="$$missing libportaudio2"; \
	[ -x /usr/bin/time ] || missing="$$missing time"; \
	if [ -n "$$missing" ]; then \
		echo "installing system packages:$$missing"; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $(APT_PACKAGES) >/dev/null; \
	fi

$(UV):
	@python3 -m venv --help >/dev/null 2>&1 && python3 -c 'import ensurepip' 2>/dev/null || { \
		echo "installing python3-venv (Debian's venv module)"; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq python3-venv >/dev/null; }
	python3 -m venv $(UV_BOOTSTRAP)
	$(UV_BOOTSTRAP)/bin/pip install --quiet --disable-pip-version-check uv

$(STAMP): pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --python 3.11
	@touch $(STAMP)

venv: $(STAMP)

# The tables and each call's summary are the demo; its logs stay at WARNING unless the
# environment asks for more (CALLCENTER_OBSERVABILITY__LOG_LEVEL=INFO make demo).
demo: setup
	CALLCENTER_OBSERVABILITY__LOG_LEVEL=$${CALLCENTER_OBSERVABILITY__LOG_LEVEL:-WARNING} \
		$(UV) run --frozen python -m sim demo

lint: venv
	$(UV) run --frozen ruff check .
	$(UV) run --frozen ruff format --check .

typecheck: venv
	$(UV) run --frozen mypy

# Most of the suite's wall time is simulated calls waiting on real-time audio, not CPU:
# three xdist workers overlap that waiting on two cores and leave the real-time calls
# CPU to spare (PYTEST_WORKERS=0 runs serially).
PYTEST_WORKERS ?= 3

# pytest exits 5 when it collects nothing: a broken suite, not a pass; say so plainly.
pytest: setup
	@$(UV) run --frozen pytest -n $(PYTEST_WORKERS) --dist worksteal; status=$$?; \
	if [ $$status -eq 5 ]; then echo "pytest collected no tests: failing" >&2; exit 1; fi; \
	exit $$status

# promtool (the alert rules' checker and unit-test runner), from Debian's prometheus
# package: extracted into .cache/ rather than installed, so no Prometheus server is set
# up on the machine. apt verifies the package against the signed archive index.
PROMTOOL := .cache/tools/usr/bin/promtool

$(PROMTOOL):
	@mkdir -p .cache/tools
	@[ -n "$$(apt-cache policy prometheus 2>/dev/null | grep Candidate: | grep -v none)" ] || \
		$(SUDO) apt-get update -qq
	cd .cache/tools && rm -f prometheus_*.deb && apt-get download prometheus 2>&1 | grep -v '^W: Download is performed unsandboxed' || true
	cd .cache/tools && dpkg-deb --fsys-tarfile prometheus_*.deb | tar -x ./usr/bin/promtool && rm -f prometheus_*.deb
	$(PROMTOOL) --version

promtool: $(PROMTOOL)

# deploy/: the Dockerfile linters, the compose specification, the Kubernetes schemas, the
# alert rules and their unit tests (offline).
deploy-check: venv $(PROMTOOL)
	$(UV) run --frozen hadolint deploy/docker/Dockerfile deploy/livekit-cloud/Dockerfile
	$(UV) run --frozen check-jsonschema --builtin-schema vendor.compose-spec deploy/compose/compose.yaml
	$(UV) run --frozen kubernetes-validate --strict --quiet deploy/k8s/*.yaml
	$(PROMTOOL) check rules deploy/prometheus/callcenter-rules.yaml
	$(PROMTOOL) test rules deploy/prometheus/tests/*.test.yaml

test: lint typecheck deploy-check pytest

bench: setup
	$(UV) run --frozen python -m bench latency --calls 4 --profiles zero budget typical measured --json bench/results/latency.json
	$(UV) run --frozen python -m bench turns --no-audio --per-class 100 --json bench/results/turns.json
	$(UV) run --frozen python -m bench pii --json bench/results/pii.json
	$(UV) run --frozen python -m bench capacity --levels 1,8,12,16,20 --json bench/results/capacity.json
	$(UV) run --frozen python -m bench docs

# The docs' benchmark tables, from the JSON the last run of each benchmark wrote.
docs: venv
	$(UV) run --frozen python -m bench docs

clean:
	rm -rf .venv .mypy_cache .ruff_cache .pytest_cache .cache
