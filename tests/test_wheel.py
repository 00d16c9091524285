"""The wheel works on its own: built from this checkout, installed into a clean virtual
env, ``formcheck analyze --exercise auto`` runs on a sample clip (the recogniser's data
and the page templates must be in the wheel).

The new env does not download the dependencies again: it gets this env's site-packages
on its path (a ``.pth`` line, so this checkout's editable install is not picked up), and
formcheck itself only from the wheel."""

from __future__ import annotations

import json
import shutil
import site
import subprocess
import sys
import venv
import zipfile

import pytest

from conftest import REPO, SAMPLES


@pytest.mark.wheel
def test_wheel_installs_and_analyses_a_sample_clip(tmp_path, model_path):
    source = tmp_path / "source"  # a copy: building writes build/ beside the sources
    shutil.copytree(REPO / "formcheck", source / "formcheck", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / name, source / name)
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--quiet",
                            "-w", str(tmp_path / "dist"), str(source)], capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stderr[-3000:]
    (wheel,) = (tmp_path / "dist").glob("formcheck-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {"formcheck/recognition.json", "formcheck/report/templates/report.html"} <= names

    env = tmp_path / "env"
    venv.EnvBuilder(with_pip=False).create(env)
    python = env / "bin" / "python"
    purelib = subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             capture_output=True, text=True, check=True).stdout.strip()
    (tmp_path / "env-deps.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    (tmp_path / "env-deps.pth").rename(f"{purelib}/zz-formcheck-test-deps.pth")
    installed = subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps",
                                "--no-index", "--quiet", str(wheel)], capture_output=True, text=True, timeout=300)
    assert installed.returncode == 0, installed.stderr[-3000:]

    clip = next(SAMPLES.glob("glute_bridge/bridge_clean_left.mp4"))
    work = tmp_path / "work"  # not the checkout: formcheck must come from the wheel
    work.mkdir()
    clean = {"PATH": str(env / "bin"), "FORMCHECK_MODELS_DIR": str(model_path.parent)}  # no PYTHONPATH
    run = subprocess.run([env / "bin" / "formcheck", "analyze", clip, "--exercise", "auto", "--quiet",
                          "--json", work / "r.json", "--html", work / "r.html"], cwd=work, capture_output=True,
                         text=True, timeout=300, env=clean)
    assert run.returncode == 0, run.stderr[-3000:]
    report = json.loads((work / "r.json").read_text())
    assert report["exercise"] == "glute_bridge" and report["recognized"]["exercise"] == "glute_bridge"
    where = subprocess.run([python, "-c", "import formcheck; print(formcheck.__file__)"], cwd=work, env=clean,
                           capture_output=True, text=True, check=True).stdout
    assert where.startswith(purelib), where
