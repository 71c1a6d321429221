# The two commands of a fresh machine: `make demo` and `make test`.
# Both create a local virtual environment (.venv) on first use, installed from the lock file
# (requirements.lock: exact versions of every dependency, transitive ones included), then the
# project itself, editable and without dependencies. Users' `pip install isic_nlp` keeps the
# version ranges of pyproject.toml; `make lock` recomputes the lock from those ranges.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: venv browser demo test test-fast bench lexicon-check clean model lock

venv: $(STAMP)

$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

# Recompute requirements.lock from pyproject.toml's ranges (pip-tools in a throw-away venv).
lock:
	rm -rf build/lock-venv && $(PYTHON) -m venv build/lock-venv
	build/lock-venv/bin/python -m pip install --quiet pip-tools
	build/lock-venv/bin/pip-compile --quiet --extra test --allow-unsafe --strip-extras \
		--no-emit-index-url --no-emit-find-links --no-emit-trusted-host -o requirements.lock pyproject.toml
	rm -rf build/lock-venv

# The browser tests (tests/browser.py) render report.html in Debian's Chromium, offline.
# Installed with apt-get when missing (root only; ~10 s here), with a font: Chromium
# depends on none, and without one the report text is not drawn. Otherwise the browser
# tests are skipped (they fail instead when ISIC_REQUIRE_BROWSER=1, as in .ci/run).
# This target never fails.
CHROMIUM := /usr/bin/chromium
BROWSER_PACKAGES := chromium fonts-dejavu-core
HAS_FONT = find /usr/share/fonts /usr/local/share/fonts \( -name '*.ttf' -o -name '*.otf' \) 2>/dev/null | grep -q .
NO_BROWSER_TESTS := the browser tests will be skipped (they fail instead when ISIC_REQUIRE_BROWSER=1)

browser:
	@if [ -x $(CHROMIUM) ] && $(HAS_FONT); then \
		echo "browser: $(CHROMIUM) is installed"; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "browser: installing $(BROWSER_PACKAGES) with apt-get (~10 s to a few minutes)"; \
		( apt-get update -qq && \
		  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(BROWSER_PACKAGES) >/dev/null ) \
		|| echo "browser: WARNING: apt-get could not install $(BROWSER_PACKAGES): $(NO_BROWSER_TESTS)"; \
	elif [ -x $(CHROMIUM) ]; then \
		echo "browser: WARNING: no font installed (needs root and apt-get to add fonts-dejavu-core): Chromium will not draw the report text"; \
	else \
		echo "browser: $(CHROMIUM) is missing and cannot be installed here (needs root and apt-get): $(NO_BROWSER_TESTS)"; \
	fi

demo: venv
	$(BIN)/isic-nlp demo --out out/demo

# -n 2: both cores (pytest-xdist); --dist loadfile keeps each file's tests, and their
# module fixtures (a loaded spaCy pipeline), in one worker.
test: venv browser
	$(BIN)/python -m pytest -q -n 2 --dist loadfile

test-fast: venv
	$(BIN)/python -m pytest -q -n 2 --dist loadfile -m "not slow"

bench: venv
	$(BIN)/python benchmarks/speed.py

lexicon-check: venv
	$(BIN)/isic-nlp lexicon check

clean:
	rm -rf $(VENV) out build *.egg-info

# Rebuild the shipped classifier from the shipped training data (deterministic, seed 0; a few minutes on 2 cores).
model: venv
	$(BIN)/isic-nlp train isic_nlp/models/training/framing_train.jsonl isic_nlp/models/training/paragraphs_train.jsonl isic_nlp/models/training/modes_constructed_train.jsonl --out isic_nlp/models/default --pipeline fast --seed 0
