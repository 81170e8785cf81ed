# The two commands: `make run` and `make test`. Both install into .venv first when needed.
#
# Install order matters (DESIGN §4): torch 2.13.0 first (the CPU wheel this machine provides), then the
# package with `-c constraints.txt`, which pins torch so that no dependency can pull a CUDA build.

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip --disable-pip-version-check
TORCH_SPEC ?= torch==2.13.0
EXTRAS ?= llm,gui,control,dev
# Debian packages the environments need (MiniWoB++ runs in real Chromium); installed only when missing.
APT_PACKAGES ?= chromium chromium-driver
STAMP := $(VENV)/.installed-$(EXTRAS)

export OMP_NUM_THREADS ?= 2
export HF_HUB_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false

.PHONY: install run test bench lint clean apt

install: $(STAMP)

# Re-runs only when the stamp is missing or older than the files that define the install.
$(STAMP): pyproject.toml constraints.txt
	@$(MAKE) --no-print-directory apt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip setuptools wheel
	$(PIP) install -q "$(TORCH_SPEC)"
	$(PIP) install -q -c constraints.txt -e ".[$(EXTRAS)]"
	$(PY) -c "import torch; print('torch', torch.__version__, '| cuda build:', torch.version.cuda)"
	touch $@

apt:
	@bash scripts/install_apt.sh $(APT_PACKAGES)

run: install
	$(PY) -m actionspace train configs/sft_phone_commands.yaml

test: install
	$(PY) -m pytest -q

bench: install
	$(PY) -m actionspace bench run_overhead

lint: install
	$(PY) -m ruff check actionspace tests benchmarks
	$(PY) -m mypy actionspace

clean:
	rm -rf $(VENV) runs .pytest_cache
