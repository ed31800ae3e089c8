# Two commands: `make run` (build and sign the bundled examples on embedded defaults)
# and `make test` (install everything and run the whole test suite). Each creates .venv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
OUT := out

.PHONY: run test lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[all,test]'
	touch $@

run: $(VENV)/.installed-run
	@mkdir -p $(OUT)
	@test -f $(OUT)/demo-cert.pfx || $(BIN)/yupana cert selfsigned --ruc 20123456786 \
		--razon-social "EMPRESA DE DEMOSTRACION S.A.C." --out $(OUT)/demo-cert.pfx --password demo
	$(BIN)/yupana xml build --issuer examples/issuer.json --cert $(OUT)/demo-cert.pfx \
		--cert-password demo --out $(OUT)/xml examples/documents
	$(BIN)/yupana xml verify $(OUT)/xml/*.xml

test: $(VENV)/.installed-test
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/pytest

bench: $(VENV)/.installed-test
	$(BIN)/python bench/build_sign.py
	$(BIN)/python bench/summary.py
	$(BIN)/python bench/despatch.py
	$(BIN)/python bench/transport.py

clean:
	rm -rf $(OUT) .pytest_cache .ruff_cache
