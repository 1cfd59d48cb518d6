# Two commands do everything on a fresh machine (see README.md):
#   make serve   set up, run the validated build, serve on http://127.0.0.1:8000
#   make test    set up, run the validated build, run the whole test suite
# Every other target is optional.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
MERMAID := docs/assets/vendor/mermaid/mermaid.esm.min.mjs
export NO_MKDOCS_2_WARNING := 1

.PHONY: serve test build setup assets check lint bench lock new-page review clean

# The validated build first, then MkDocs' preview server: it rebuilds on every save and reloads
# the page. A failed build does not stop the preview: an editor mid-edit still gets it, with
# every source problem listed at the top of each page until it is fixed.
serve: setup
	@$(PY) scripts/build.py || echo "make serve: the build found the problems above; the preview starts anyway and lists them on every page" >&2
	$(PY) -m mkdocs serve --dev-addr 127.0.0.1:8000

test: build lint
	$(PY) -m pytest

# The rules are in pyproject.toml (as pymdown-extensions': pycodestyle, pyflakes, bugbear,
# naming, pydocstyle for public names), plus ruff's format check.
lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

build: setup
	$(PY) scripts/build.py

# Only the source checks, links and anchors included: fast, for editors while writing. It
# needs only the Python environment: no Node.js, no Chromium, no copy of Mermaid.
check: $(VENV)/.installed
	$(PY) scripts/validate.py --readability

bench: build
	$(PY) scripts/bench.py
	$(PY) scripts/bench_search.py

# make new-page title="Breathing and swallowing" page=treatment/breathing.md section=Treatment
# Without title= or page=, the make form and a one-line stop before anything runs (make has no
# way to fail without its own "***" line; this keeps it to one that says what is missing).
ifneq ($(filter new-page,$(MAKECMDGOALS)),)
ifeq ($(and $(title),$(page)),)
$(info usage: make new-page title="Breathing and swallowing" page=treatment/breathing.md section=Treatment)
$(info $()  title=    the page title (plain words; & is fine))
$(info $()  page=     its file under docs/, lower-case words joined by -, ending in .md)
$(info $()  section=  its section of the navigation (optional; default: the end of the nav))
$(error title= and page= are required)
endif
endif
new-page: $(VENV)/.installed
	$(PY) scripts/new_page.py --title "$(title)" --path "$(page)" $(if $(section),--section "$(section)")

# make review PAGE=docs/treatment/ivig.md: the reviewer's sheet, reports/review-treatment-ivig.html
review: setup
	@if [ -z "$(PAGE)" ]; then echo "usage: make review PAGE=docs/<page>.md   (writes reports/review-<page>.html)" >&2; exit 2; fi
	$(PY) scripts/review_sheet.py --page "$(PAGE)"

setup: $(VENV)/.installed node_modules/.installed $(MERMAID)

# The pinned packages, then the site's own plugin (lems_site/) in editable mode: no build
# isolation, so nothing is fetched beyond requirements.txt.
$(VENV)/.installed: requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r requirements.txt
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $@

# --ignore-scripts: vnu-jar's install script would try to download a Java runtime; the Java
# it needs comes from the system (README: prerequisites).
node_modules/.installed: package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund
	touch $@

# The copy keeps the package's old file dates, older than node_modules/.installed: touching
# the target after the copy is what lets make see it up to date.
$(MERMAID): node_modules/.installed scripts/vendor_assets.py
	$(PYTHON) scripts/vendor_assets.py
	@touch $@

assets: $(MERMAID)

# Re-pin the Python dependencies after editing requirements.in.
lock: $(VENV)/.installed
	$(PY) -m pip install --quiet pip-tools==7.6.2
	$(VENV)/bin/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras --output-file requirements.txt requirements.in

clean:
	rm -rf site .cache reports docs/assets/vendor
