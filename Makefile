# The two commands of a fresh machine: `make demo` and `make test`.
# Both create a local virtual environment (.venv) on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: venv demo test test-fast bench lexicon-check clean model

venv: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

demo: venv
	$(BIN)/isic-nlp demo --out out/demo

test: venv
	$(BIN)/python -m pytest -q

test-fast: venv
	$(BIN)/python -m pytest -q -m "not slow"

bench: venv
	$(BIN)/python benchmarks/speed.py

lexicon-check: venv
	$(BIN)/isic-nlp lexicon check

clean:
	rm -rf $(VENV) out build *.egg-info

# Rebuild the shipped classifier from the shipped training data (deterministic, seed 0; a few minutes on 2 cores).
model: venv
	$(BIN)/isic-nlp train isic_nlp/models/training/framing_train.jsonl isic_nlp/models/training/paragraphs_train.jsonl isic_nlp/models/training/modes_constructed_train.jsonl --out isic_nlp/models/default --pipeline fast --seed 0
