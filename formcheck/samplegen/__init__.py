"""Sample-clip generator: renders a parametric human (Anny) doing the exercises.

An optional extra (``pip install -e .[samples]``); the analyser never imports it.
Every clip is rendered from scripted joint angles, so the expected outcome
written beside it comes from the truth, not from what an analyser sees.

    python -m formcheck.samplegen [--only EXERCISE] [--out samples]
    python -m formcheck.samplegen measure [--only EXERCISE] [--out samples]
"""
