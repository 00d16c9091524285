"""Performance benchmarks: `.venv/bin/python -m benchmarks.run` (see run.py)."""
