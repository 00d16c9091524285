# Two commands for a newcomer (see README): `make demo` and `make test`.
# Each sets everything up first: virtual env, install, pose model.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO_CLIP ?= samples/glute_bridge/bridge_clean_left.mp4

.PHONY: setup demo test samples population accuracy accuracy-cameras benchmark benchmark-adaptive fuzz clean

$(BIN)/formcheck: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	@touch $@

# What the tests use beyond the runtime: pytest, ffmpeg for awkward test videos, Ray, a voice.
$(VENV)/.test-deps: pyproject.toml | $(BIN)/formcheck
	$(BIN)/pip install --quiet -e ".[dev,ray,speech]"
	@touch $@

models/pose_landmarker_full.task: | $(BIN)/formcheck
	$(BIN)/formcheck models fetch

setup: $(BIN)/formcheck models/pose_landmarker_full.task

demo: setup
	mkdir -p out
	$(BIN)/formcheck analyze $(DEMO_CLIP) --exercise glute_bridge \
	    --json out/report.json --output out/annotated.mp4 --html out/report.html
	@echo "Open out/report.html in a browser; the annotated video is out/annotated.mp4"

test: setup $(VENV)/.test-deps
	$(BIN)/python -m pytest -q -n auto  # one test process per core

# Every figure of the performance issue in one run (~25 min; see README "Benchmarks").
benchmark: setup
	$(BIN)/python -m benchmarks.run

# The adaptive analysis rate alone (~5 min): model calls per frame and fps on a bridge, a
# hold and a squat set; and (~10 min) whether it changes any answer against every frame.
benchmark-adaptive: setup
	$(BIN)/python -m benchmarks.run --only-adaptive
	$(BIN)/python -m benchmarks.adaptive

samples:
	$(BIN)/pip install --quiet -e ".[samples]"
	$(BIN)/python -m formcheck.samplegen

# The rendered population's pose tracks (samples/population; ~1 h on 2 cores, resumable).
population: setup
	$(BIN)/pip install --quiet -e ".[samples]"
	$(BIN)/python -m formcheck.samplegen population --jobs 2

# How often formcheck is right: the test half of the population and the filmed clips.
accuracy: setup
	$(BIN)/python -m benchmarks.accuracy

# The filmed clips as other cameras would film them, and the rules at a lower frame rate.
accuracy-cameras: setup
	$(BIN)/python -m benchmarks.filmed_variants
	$(BIN)/python -m benchmarks.lower_rate

# 500 damaged videos, each analysed with a time limit (~10 min; CI runs 30 of them).
fuzz: setup $(VENV)/.test-deps
	$(BIN)/python -m benchmarks.fuzz

clean:
	rm -rf $(VENV) out
