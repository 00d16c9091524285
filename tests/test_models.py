"""The pose model bundle: offline build, verification, atomic writes, listing.

The real-model tests use ``models/pose_landmarker_full.task`` (built once from
the cached mediapipe 0.10.21 wheel, so they are quick when it exists).
"""

from __future__ import annotations

import hashlib
import io
import shutil
import threading
import urllib.error
from pathlib import Path

import pytest

from formcheck import models
from formcheck.errors import FormcheckError

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
CLIP = SHARED / "real-clips" / "tobefrank_goblet-squat.mp4"
FULL = models.model_filename("full")


@pytest.fixture(scope="module")
def real_model() -> Path:
    """The repo's full model (built on first use) and the cached wheel."""
    path = models.ensure_model("full", REPO / "models", progress=False)
    return path


@pytest.fixture
def offline_dir(tmp_path: Path, real_model: Path) -> Path:
    """An empty models folder whose cache already holds the legacy wheel."""
    wheel = REPO / "models" / ".cache" / models.LEGACY_WHEEL_NAME
    if not wheel.is_file():
        pytest.skip(f"legacy wheel not cached at {wheel}")
    (tmp_path / ".cache").mkdir()
    (tmp_path / ".cache" / wheel.name).symlink_to(wheel)
    return tmp_path


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_args, **_kwargs):
        raise urllib.error.URLError("network disabled in tests")

    monkeypatch.setattr(models.urllib.request, "urlopen", refuse)


def leftovers(directory: Path) -> list[str]:
    """Anything in the folder besides the cache (locks, wheel)."""
    return sorted(p.name for p in directory.iterdir() if p.name != ".cache")


def fake_bundle() -> bytes:
    """A structurally valid bundle with tiny stand-in TFLite files."""
    out = io.BytesIO()
    tflite = b"\x1c\x00\x00\x00TFL3" + bytes(24)
    models.write_bundle(out, [(models.DETECTOR_MEMBER, tflite), (models.LANDMARKS_MEMBER, tflite)])
    return out.getvalue()


# --- locations and names ----------------------------------------------------------


def test_models_dir_from_environment(monkeypatch, tmp_path):
    monkeypatch.setenv(models.MODELS_DIR_ENV, str(tmp_path / "m"))
    assert models.default_models_dir() == tmp_path / "m"


def test_default_models_dir_is_repo_folder(monkeypatch):
    monkeypatch.delenv(models.MODELS_DIR_ENV, raising=False)
    assert models.default_models_dir() == REPO / "models"


def test_unknown_variant_is_a_user_error(tmp_path):
    with pytest.raises(FormcheckError, match="unknown pose model variant"):
        models.ensure_model("huge", tmp_path, progress=False)


def test_every_variant_builds_offline():
    assert models.MODEL_VARIANTS == ("lite", "full", "heavy")
    assert tuple(models._LEGACY_MODELS) == models.MODEL_VARIANTS


# --- the real bundle --------------------------------------------------------------


def test_repo_bundle_is_the_pinned_build(real_model):
    models.verify_model(real_model)
    digest = hashlib.sha256(real_model.read_bytes()).hexdigest()
    assert digest in models.known_sha256(FULL)


def test_offline_build_is_byte_for_byte_reproducible(offline_dir, no_network):
    path = models.ensure_model("full", offline_dir, progress=False)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    assert digest == models.BUILT_SHA256[FULL]
    assert leftovers(offline_dir) == [FULL]  # no temp files, no recorded-checksum file


@pytest.fixture(scope="module")
def lite_model() -> Path:
    """The repo's lite model, built on first use (which downloads the npm tarball once)."""
    return models.ensure_model("lite", REPO / "models", progress=False)


def test_lite_builds_from_the_npm_tarball_byte_for_byte(lite_model, offline_dir, no_network):
    lite = lite_model
    tarball = REPO / "models" / ".cache" / models.NPM_TARBALL_NAME
    (offline_dir / ".cache" / tarball.name).symlink_to(tarball)
    path = models.ensure_model("lite", offline_dir, progress=False)
    assert path.read_bytes() == lite.read_bytes()
    assert hashlib.sha256(path.read_bytes()).hexdigest() == models.BUILT_SHA256[path.name]
    assert leftovers(offline_dir) == [path.name]


def test_damaged_npm_tarball_is_fetched_again(offline_dir, no_network):
    (offline_dir / ".cache" / models.NPM_TARBALL_NAME).write_bytes(b"\x1f\x8b half a tarball")
    with pytest.raises(FormcheckError, match="cannot reach registry.npmjs.org") as error:
        models.ensure_model("heavy", offline_dir, progress=False)
    assert "\n" not in str(error.value)
    assert not (offline_dir / ".cache" / models.NPM_TARBALL_NAME).exists()
    assert leftovers(offline_dir) == []


@pytest.mark.skipif(not CLIP.is_file(), reason=f"real clip not available ({CLIP})")
def test_bundle_detects_a_person_on_a_real_frame(real_model):
    import cv2
    import mediapipe as mp
    from mediapipe.tasks.python import vision
    from mediapipe.tasks.python.core.base_options import BaseOptions

    cap = cv2.VideoCapture(str(CLIP))
    cap.set(cv2.CAP_PROP_POS_FRAMES, 50)  # bottom of a goblet squat, front view
    ok, bgr = cap.read()
    cap.release()
    assert ok
    rgb = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
    options = vision.PoseLandmarkerOptions(
        base_options=BaseOptions(model_asset_path=str(real_model)),
        running_mode=vision.RunningMode.IMAGE,
    )
    landmarker = vision.PoseLandmarker.create_from_options(options)
    try:
        result = landmarker.detect(mp.Image(image_format=mp.ImageFormat.SRGB, data=rgb))
    finally:
        landmarker.close()

    assert len(result.pose_landmarks) == 1
    pose = result.pose_landmarks[0]
    assert len(pose) == 33
    y = {name: pose[i].y for name, i in [("nose", 0), ("shoulder", 11), ("hip", 23), ("ankle", 27)]}
    assert y["nose"] < y["shoulder"] < y["hip"] < y["ankle"]  # upright, head up
    for i in (11, 12, 23, 24, 27, 28):  # shoulders, hips, ankles: seen, inside the frame
        assert pose[i].visibility > 0.8
        assert 0.2 < pose[i].x < 0.8 and 0.0 < pose[i].y < 1.0
    # The woman stands in the middle third, roughly 0.3 of the frame wide at the shoulders.
    assert 0.05 < abs(pose[11].x - pose[12].x) < 0.3
    world = result.pose_world_landmarks[0]
    assert abs(world[23].y) < 0.2  # world landmarks are hip-centred, metres
    assert 0.2 < world[27].y < 0.9  # ankle below the hips


# --- verification -----------------------------------------------------------------


def test_checksum_mismatch_raises_with_rebuild_hint(tmp_path):
    bad = tmp_path / FULL
    bad.write_bytes(b"not a model")
    with pytest.raises(FormcheckError, match=r"corrupt \(checksum mismatch\).*formcheck models fetch"):
        models.verify_model(bad)
    with pytest.raises(FormcheckError, match="corrupt"):
        models.ensure_model("full", tmp_path, progress=False)
    assert bad.read_bytes() == b"not a model"  # never silently replaced


def test_truncated_real_model_is_corrupt(tmp_path, real_model):
    copy = tmp_path / FULL
    copy.write_bytes(real_model.read_bytes()[:-1])
    with pytest.raises(FormcheckError, match="corrupt"):
        models.verify_model(copy)


def test_missing_model_file(tmp_path):
    with pytest.raises(FormcheckError, match="not found"):
        models.verify_model(tmp_path / FULL)


# --- failures leave nothing behind --------------------------------------------------


def test_failed_build_leaves_no_temp_files(offline_dir, monkeypatch, no_network):
    def half_written(f, members):
        f.write(b"PK\x03\x04 half a zip")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(models, "write_bundle", half_written)
    with pytest.raises(FormcheckError, match="no pose model") as error:
        models.ensure_model("full", offline_dir, progress=False)
    assert "formcheck models fetch" in str(error.value)
    assert "\n" not in str(error.value)
    assert leftovers(offline_dir) == []


def test_interrupted_build_leaves_no_temp_files(offline_dir, monkeypatch):
    def interrupted(f, members):
        f.write(b"PK\x03\x04")
        raise KeyboardInterrupt

    monkeypatch.setattr(models, "write_bundle", interrupted)
    with pytest.raises(KeyboardInterrupt):
        models.ensure_model("full", offline_dir, progress=False)
    assert leftovers(offline_dir) == []


def test_no_route_gives_one_clear_line(tmp_path, monkeypatch, no_network):
    def no_pypi(cache_dir, progress):
        raise models._RouteFailed("pip download mediapipe==0.10.21 failed: no index")

    monkeypatch.setattr(models, "_legacy_wheel", no_pypi)
    with pytest.raises(FormcheckError) as error:
        models.ensure_model("full", tmp_path, progress=False)
    message = str(error.value)
    assert message.startswith("no pose model")
    assert f"put {FULL} in {tmp_path}" in message
    assert "\n" not in message
    assert leftovers(tmp_path) == []


def test_concurrent_builds_agree(offline_dir, no_network):
    results, errors = [], []

    def build():
        try:
            results.append(models.ensure_model("full", offline_dir, progress=False))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=build) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert results == [offline_dir / FULL] * 3
    models.verify_model(offline_dir / FULL)
    assert leftovers(offline_dir) == [FULL]


# --- download route (simulated) ------------------------------------------------------


class FakeResponse(io.BytesIO):
    def __init__(self, data: bytes):
        super().__init__(data)
        self.headers = {"Content-Length": str(len(data))}


@pytest.fixture
def no_offline_build(monkeypatch: pytest.MonkeyPatch) -> None:
    def unavailable(variant, target, progress):
        raise models._RouteFailed("no package index")

    monkeypatch.setattr(models, "_build_offline", unavailable)


def test_download_with_unpinned_checksum_is_recorded(tmp_path, monkeypatch, no_offline_build):
    data = fake_bundle()
    monkeypatch.setattr(models.urllib.request, "urlopen", lambda url, timeout: FakeResponse(data))
    path = models.ensure_model("lite", tmp_path, progress=False)
    assert path.read_bytes() == data
    recorded = (tmp_path / (path.name + ".sha256")).read_text()
    assert recorded.split()[0] == hashlib.sha256(data).hexdigest()
    models.verify_model(path)
    path.write_bytes(data[:-1] + b"x")
    with pytest.raises(FormcheckError, match="corrupt"):
        models.verify_model(path)


def test_download_that_is_not_a_bundle_is_rejected(tmp_path, monkeypatch, no_offline_build):
    monkeypatch.setattr(
        models.urllib.request, "urlopen", lambda url, timeout: FakeResponse(b"<html>captive portal</html>")
    )
    with pytest.raises(FormcheckError, match="not a valid model bundle"):
        models.ensure_model("heavy", tmp_path, progress=False)
    assert leftovers(tmp_path) == []


# --- listing ------------------------------------------------------------------------


def test_list_models(tmp_path, real_model):
    shutil.copyfile(real_model, tmp_path / FULL)
    (tmp_path / "pose_landmarker_heavy.task").write_bytes(b"junk")
    rows = {row["variant"]: row for row in models.list_models(tmp_path)}
    assert list(rows) == ["lite", "full", "heavy"]
    assert {"name", "path", "present", "size", "verified"} <= set(rows["full"])
    assert rows["full"]["name"] == "pose_landmarker_full"
    assert rows["full"]["path"] == tmp_path / FULL
    assert rows["full"]["present"] and rows["full"]["verified"]
    assert rows["full"]["size"] == real_model.stat().st_size
    assert rows["full"]["source"].startswith("built offline")
    assert rows["heavy"]["present"] and not rows["heavy"]["verified"]
    assert rows["lite"] == {
        **rows["lite"],
        "present": False,
        "size": None,
        "verified": False,
    }
