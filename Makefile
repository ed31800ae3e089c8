# Two commands: `make run` (start the server on embedded defaults: SQLite and files under data/,
# the SUNAT simulator in-process, a demo company and its API token in data/demo-company.json)
# and `make test` (install everything and run the whole test suite). Each creates .venv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
OUT := out
DATA := data
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run demo-xml test lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[all,test]'
	touch $@

$(OUT)/demo-cert.pfx: | $(VENV)/.installed-run
	@mkdir -p $(OUT)
	$(BIN)/yupana cert selfsigned --ruc 20123456786 \
		--razon-social "EMPRESA DE DEMOSTRACION S.A.C." --out $(OUT)/demo-cert.pfx --password demo

$(DATA)/demo-company.json: | $(OUT)/demo-cert.pfx
	@mkdir -p $(DATA)
	YUPANA_DATA_DIR=$(DATA) $(BIN)/yupana company add --ruc 20123456786 \
		--razon-social "EMPRESA DE DEMOSTRACION S.A.C." --nombre-comercial "YUPANA DEMO" \
		--address '{"direccion": "AV. ABANCAY 123", "ubigeo": "150101", "departamento": "LIMA", "provincia": "LIMA", "distrito": "LIMA"}' \
		--cert $(OUT)/demo-cert.pfx --cert-password demo > $@.tmp && mv $@.tmp $@

run: $(VENV)/.installed-run $(DATA)/demo-company.json
	@echo "API token of the demo company (RUC 20123456786): see $(DATA)/demo-company.json"
	YUPANA_DATA_DIR=$(DATA) $(BIN)/yupana serve --host $(HOST) --port $(PORT)

demo-xml: $(VENV)/.installed-run $(OUT)/demo-cert.pfx
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
	$(BIN)/python bench/server.py

clean:
	rm -rf $(OUT) .pytest_cache .ruff_cache
