"""Obtaining and verifying the MediaPipe PoseLandmarker model bundle.

A PoseLandmarker ``.task`` bundle is a zip holding two TFLite models,
``pose_detector.tflite`` and ``pose_landmarks_detector.tflite``. There are two
ways to get one, tried in this order by :func:`ensure_model`:

1. **Offline build**: the ``mediapipe==0.10.21`` wheel from the Python package
   index carries the legacy BlazePose models ``pose_detection.tflite`` and
   ``pose_landmark_full.tflite``; the npm package ``@mediapipe/pose`` carries the
   same ``full`` model byte for byte, and its ``lite`` and ``heavy`` siblings.
   The archives are fetched (the wheel with ``pip download``, never installed;
   the npm tarball from the npm registry), their models checked against pinned
   SHA-256 digests, given the TFLite metadata the Tasks API needs (input
   normalisation), and zipped deterministically, so each result has a pinned
   SHA-256 too. This works on a machine that reaches only PyPI and npm.
2. **Official download** from Google's model storage, checked against the
   published SHA-256 of each variant.

Every file is written to a temporary file in the models folder, fsynced,
verified and only then renamed into place; a lock file in ``models/.cache/``
serialises concurrent builders. A download (or build) whose digest is not
pinned is accepted only if it is a well-formed bundle, and its digest is then
recorded in ``<file>.sha256`` and checked from then on. Example::

    from formcheck.models import ensure_model
    path = ensure_model("full")          # builds or downloads on first use
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import subprocess
import sys
import tarfile
import tempfile
import time
import urllib.error
import urllib.request
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Callable, Iterator

from formcheck.errors import FormcheckError
from formcheck.fileio import atomic_path

MODELS_DIR_ENV = "FORMCHECK_MODELS_DIR"
MODEL_VARIANTS = ("lite", "full", "heavy")
DEFAULT_VARIANT = "full"

OFFICIAL_URL = (
    "https://storage.googleapis.com/mediapipe-models/pose_landmarker/"
    "pose_landmarker_{variant}/float16/latest/pose_landmarker_{variant}.task"
)
DOWNLOAD_TIMEOUT_S = 10.0

# Members of a PoseLandmarker bundle (names fixed by MediaPipe Tasks).
DETECTOR_MEMBER = "pose_detector.tflite"
LANDMARKS_MEMBER = "pose_landmarks_detector.tflite"

# --- pinned checksums ---------------------------------------------------------
# Official bundles (float16). Google serves two byte-different generations of
# the full model with the same size: ``/latest/`` (generation 1682642787774579)
# and ``/1/``; both are accepted. Digests as published by several independent
# projects that pin these downloads (all agree).
OFFICIAL_SHA256: dict[str, dict[str, str]] = {
    "pose_landmarker_lite.task": {
        "59929e1d1ee95287735ddd833b19cf4ac46d29bc7afddbbf6753c459690d574a": "official float16 (5,777,746 bytes)",
    },
    "pose_landmarker_full.task": {
        "4eaa5eb7a98365221087693fcc286334cf0858e2eb6e15b506aa4a7ecdcec4ad": "official float16 latest (9,398,198 bytes)",
        "5134a3aad27a58b93da0088d431f366da362b44e3ccfbe3462b3827a839011b1": "official float16 v1 (9,398,198 bytes)",
    },
    "pose_landmarker_heavy.task": {
        "64437af838a65d18e5ba7a0d39b465540069bc8aae8308de3e318aad31fcbc7b": "official float16 (30,664,242 bytes)",
    },
}

# Bundles built offline by this module from the legacy models (deterministic).
BUILT_SHA256: dict[str, str] = {
    "pose_landmarker_lite.task": "045c207fb842266dc348c91343ccec2958f84cadbd9d4eee586f5129a79a9643",
    "pose_landmarker_full.task": "32f00c40ba17521867179a1ad52e07e94e0387e9babcfc469e9313db3b480ed5",
    "pose_landmarker_heavy.task": "a41f13ee556430c96e895a77831b98139257521442c75a3c1840ff0f4cad38f9",
}
BUILT_FROM = "the legacy BlazePose models (mediapipe 0.10.21 wheel, @mediapipe/pose npm)"

LEGACY_REQUIREMENT = "mediapipe==0.10.21"
# One specific wheel, so the download is the same from any Python >= 3.10 on
# any OS (it is only unzipped, never installed). PyPI files are immutable.
LEGACY_WHEEL_NAME = "mediapipe-0.10.21-cp311-cp311-manylinux_2_28_x86_64.whl"
LEGACY_WHEEL_SHA256 = "05dc4a9e593655a79558d05d6227d31018c2537a4bd3362b51e230cf22aecfe3"
LEGACY_WHEEL_PLATFORM = ("manylinux_2_28_x86_64", "3.11", "cp", "cp311")
LEGACY_WHEEL_MB = 36

# The legacy JavaScript solution on npm: its pose_landmark_full.tflite is the wheel's,
# byte for byte, and it also carries the lite and heavy landmark models.
NPM_TARBALL_NAME = "mediapipe-pose-0.5.1675469404.tgz"
NPM_TARBALL_URL = "https://registry.npmjs.org/@mediapipe/pose/-/pose-0.5.1675469404.tgz"
NPM_TARBALL_SHA256 = "8bb349a7b3a3ba699df23be804ddd3b3eab810b50b15406894be257859388a84"
NPM_TARBALL_MB = 41
NPM_TIMEOUT_S = 60.0
NPM_PACKAGE = "@mediapipe/pose@0.5.1675469404"

# Where each archive's models come from, as written into the bundle's metadata.
_ARCHIVE_RELEASE = {"wheel": (LEGACY_REQUIREMENT, "0.10.21"), "npm": (NPM_PACKAGE, "0.5.1675469404")}


@dataclass(frozen=True)
class _LegacyModel:
    archive: str  # "wheel" or "npm"
    member: str   # its path in the archive
    sha256: str
    bundle_member: str
    # Input normalisation (x - mean) / std that the model was trained with.
    mean: float
    std: float
    title: str
    input_name: str
    outputs: tuple[tuple[str, str], ...]


# The legacy BlazePose models. The detector is the same for every variant.
_DETECTOR = _LegacyModel(
    archive="wheel",
    member="mediapipe/modules/pose_detection/pose_detection.tflite",
    sha256="9ba9dd3d42efaaba86b4ff0122b06f29c4122e756b329d89dca1e297fd8f866c",
    bundle_member=DETECTOR_MEMBER,
    mean=127.5,
    std=127.5,  # -> [-1, 1]
    title="BlazePose person detector",
    input_name="image",
    outputs=(
        ("raw_boxes", "Undecoded person boxes and keypoints (2254 anchors x 12)."),
        ("scores", "Raw scores of the 2254 anchors."),
    ),
)


def _landmarks_model(variant: str, archive: str, member: str, sha256: str) -> _LegacyModel:
    return _LegacyModel(
        archive=archive,
        member=member,
        sha256=sha256,
        bundle_member=LANDMARKS_MEMBER,
        mean=0.0,
        std=255.0,  # -> [0, 1]
        title=f"BlazePose GHUM 3D landmarks ({variant})",
        input_name="image",
        outputs=(
            ("landmarks", "39 image landmarks x (x, y, z, visibility, presence)."),
            ("pose_presence", "Pose presence score."),
            ("segmentation", "Person segmentation logits (256 x 256)."),
            ("heatmap", "Landmark heatmaps (64 x 64 x 39)."),
            ("world_landmarks", "39 world landmarks x (x, y, z), metres."),
        ),
    )


_LEGACY_MODELS: dict[str, tuple[_LegacyModel, ...]] = {
    "lite": (_DETECTOR, _landmarks_model(
        "lite", "npm", "package/pose_landmark_lite.tflite",
        "f17bfbecadb61c3be1baa8b8d851cc6619c870a87167b32848ad20db306b9d61")),
    "full": (_DETECTOR, _landmarks_model(
        "full", "wheel", "mediapipe/modules/pose_landmark/pose_landmark_full.tflite",
        "e9a5c5cb17f736fafd4c2ec1da3b3d331d6edbe8a0d32395855aeb2cdfd64b9f")),
    "heavy": (_DETECTOR, _landmarks_model(
        "heavy", "npm", "package/pose_landmark_heavy.tflite",
        "59e42d71bcd44cbdbabc419f0ff76686595fd265419566bd4009ef703ea8e1fe")),
}

_ZIP_TIMESTAMP = (1980, 1, 1, 0, 0, 0)
_ZIP_ALIGNMENT = 64  # members start at aligned offsets, like MediaPipe's own bundler
_TFLITE_BUFFER_ALIGNMENT = 16  # TFLite weight buffers are 16-byte aligned; keep it so
_TFLITE_METADATA_NAME = "TFLITE_METADATA"


class _RouteFailed(Exception):
    """One way of obtaining the model did not work; the next one is tried."""


# --- locations ----------------------------------------------------------------


def default_models_dir() -> Path:
    """Where model bundles live.

    ``$FORMCHECK_MODELS_DIR`` if set; else the repository's ``models/`` folder
    (when it exists, or can be created in a source checkout); else
    ``~/.cache/formcheck/models``.
    """
    env = os.environ.get(MODELS_DIR_ENV)
    if env:
        return Path(env).expanduser()
    repo_models = Path(__file__).resolve().parents[1] / "models"
    if repo_models.is_dir():
        return repo_models
    parent = repo_models.parent
    # Only create models/ next to a source checkout, never inside site-packages.
    if (parent / "pyproject.toml").is_file() and os.access(parent, os.W_OK):
        return repo_models
    return Path.home() / ".cache" / "formcheck" / "models"


def model_filename(variant: str) -> str:
    """``pose_landmarker_{variant}.task``."""
    return f"pose_landmarker_{variant}.task"


def _check_variant(variant: str) -> None:
    if variant not in MODEL_VARIANTS:
        raise FormcheckError(
            f"unknown pose model variant {variant!r}: choose one of {', '.join(MODEL_VARIANTS)}"
        )


# --- verification -------------------------------------------------------------


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def known_sha256(name: str) -> dict[str, str]:
    """Pinned digests accepted for a model file name -> where each comes from."""
    known = dict(OFFICIAL_SHA256.get(name, {}))
    built = BUILT_SHA256.get(name)
    if built:
        known[built] = f"built offline from {BUILT_FROM}"
    return known


def _recorded_path(path: Path) -> Path:
    return path.with_name(path.name + ".sha256")


def _read_recorded(path: Path) -> str | None:
    try:
        text = _recorded_path(path).read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return None
    return text.split()[0].lower() if text else None


def _model_source(path: Path, digest: str) -> str | None:
    """Where a file with this digest came from, or None if it is not trusted."""
    known = known_sha256(path.name)
    if digest in known:
        return known[digest]
    if _read_recorded(path) == digest:
        return "checksum recorded when it was obtained"
    return None


def verify_model(path: Path) -> None:
    """Check a model file's SHA-256 against the known digest for its name.

    Accepted: a pinned digest (official downloads, the offline build) or the
    digest recorded in ``<file>.sha256`` when this module obtained the file
    (used only when a download or build has a digest that is not pinned).

    Raises:
        FormcheckError: missing file or checksum mismatch (with a rebuild hint).
    """
    path = Path(path)
    if not path.is_file():
        raise FormcheckError(f"model file {path} not found: run `formcheck models fetch`")
    try:
        digest = _sha256_file(path)
    except OSError as exc:
        raise FormcheckError(f"cannot read model file {path}: {exc.strerror or exc}") from None
    if _model_source(path, digest) is None:
        raise FormcheckError(
            f"model file {path} is corrupt (checksum mismatch): "
            "delete it and run `formcheck models fetch`"
        )


def _check_bundle_structure(path: Path) -> None:
    """A PoseLandmarker bundle: an intact zip with the two stored TFLite models."""
    try:
        with zipfile.ZipFile(path) as zf:
            infos = {info.filename: info for info in zf.infolist()}
            for member in (DETECTOR_MEMBER, LANDMARKS_MEMBER):
                info = infos.get(member)
                if info is None:
                    raise _RouteFailed(f"bundle lacks {member}")
                if info.compress_type != zipfile.ZIP_STORED:
                    raise _RouteFailed(f"{member} is compressed (MediaPipe needs it stored)")
                with zf.open(info) as f:
                    if f.read(8)[4:8] != b"TFL3":
                        raise _RouteFailed(f"{member} is not a TFLite model")
            bad = zf.testzip()
            if bad is not None:
                raise _RouteFailed(f"bundle member {bad} is damaged")
    except (zipfile.BadZipFile, OSError) as exc:
        raise _RouteFailed(f"not a valid model bundle ({exc})") from None


def list_models(models_dir: Path | None = None) -> list[dict]:
    """One entry per variant: name, path, present, size (bytes), verified, source."""
    directory = Path(models_dir) if models_dir is not None else default_models_dir()
    rows = []
    for variant in MODEL_VARIANTS:
        path = directory / model_filename(variant)
        present = path.is_file()
        size = path.stat().st_size if present else None
        source = None
        if present:
            with contextlib.suppress(OSError):
                source = _model_source(path, _sha256_file(path))
        rows.append(
            {
                "name": f"pose_landmarker_{variant}",
                "variant": variant,
                "path": path,
                "present": present,
                "size": size,
                "verified": source is not None,
                "source": source,
            }
        )
    return rows


# --- obtaining ------------------------------------------------------------------


def ensure_model(
    variant: str = DEFAULT_VARIANT, models_dir: Path | None = None, progress: bool = True
) -> Path:
    """Return the path of a verified ``pose_landmarker_{variant}.task``.

    If it is absent, build it offline from the legacy models (PyPI, npm), else
    download the official bundle.

    Args:
        variant: ``"lite"``, ``"full"`` or ``"heavy"``.
        models_dir: folder for the bundles; default :func:`default_models_dir`.
        progress: print one-line status messages on stderr.

    Raises:
        FormcheckError: no route worked, or an existing file is corrupt.
    """
    _check_variant(variant)
    directory = Path(models_dir) if models_dir is not None else default_models_dir()
    target = directory / model_filename(variant)
    if target.is_file():
        verify_model(target)
        return target
    try:
        (directory / ".cache").mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise FormcheckError(
            f"cannot create models folder {directory}: {exc.strerror or exc} "
            f"(set {MODELS_DIR_ENV} to a writable folder)"
        ) from None

    with _exclusive_lock(directory / ".cache" / f"{target.name}.lock"):
        if target.is_file():  # another process finished it while we waited
            verify_model(target)
            return target
        failures = []
        for route, obtain in (("offline build", _build_offline), ("download", _download_official)):
            try:
                obtain(variant, target, progress)
                return target
            except _RouteFailed as exc:
                failures.append(f"{route}: {exc}")
                _say(progress, f"{route} failed: {exc}")

    hint = "run `formcheck models fetch` on a machine that reaches PyPI and npm"
    raise FormcheckError(
        f"no pose model ({'; '.join(failures)}): {hint}, or put {target.name} in {directory}"
    )


def _say(progress: bool, message: str) -> None:
    if progress:
        print(f"formcheck: {message}", file=sys.stderr, flush=True)


@contextlib.contextmanager
def _exclusive_lock(path: Path) -> Iterator[None]:
    """Block until this process holds an exclusive lock on ``path``."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            import fcntl
        except ImportError:  # Windows
            import msvcrt

            while True:
                try:
                    msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
                    break
                except OSError:
                    time.sleep(0.2)
            try:
                yield
            finally:
                os.lseek(fd, 0, os.SEEK_SET)
                msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
        else:
            fcntl.flock(fd, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _atomic_write(
    target: Path, write: Callable[[BinaryIO], None], check: Callable[[Path], None]
) -> None:
    """Write ``target`` whole (``fileio.atomic_path``): fsync, ``check``, then rename.

    Nothing is left behind if writing or checking fails.
    """
    with atomic_path(target, suffix=".part", durable=True) as tmp:
        with open(tmp, "wb") as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
        check(tmp)


def _record_checksum(target: Path, digest: str) -> None:
    """Remember the digest of a file whose digest is not pinned (atomically)."""
    line = f"{digest}  {target.name}\n".encode("ascii")
    _atomic_write(_recorded_path(target), lambda f: f.write(line), lambda _p: None)


def _install(target: Path, write: Callable[[BinaryIO], None], what: str, progress: bool) -> None:
    """Atomically write ``target``; accept it if its digest is pinned, otherwise
    if it is a well-formed bundle (then its digest is recorded beside it)."""
    unpinned: list[str] = []

    def check(tmp: Path) -> None:
        digest = _sha256_file(tmp)
        if digest in known_sha256(target.name):
            return
        _check_bundle_structure(tmp)
        unpinned.append(digest)

    try:
        _atomic_write(target, write, check)
    except OSError as exc:
        raise _RouteFailed(f"cannot write {target}: {exc.strerror or exc}") from None
    if unpinned:
        with contextlib.suppress(OSError):
            stale = _recorded_path(target)
            stale.unlink(missing_ok=True)
        try:
            _record_checksum(target, unpinned[0])
        except OSError as exc:
            target.unlink(missing_ok=True)
            raise _RouteFailed(f"cannot write {_recorded_path(target)}: {exc}") from None
        _say(progress, f"note: {what} has an unpinned checksum {unpinned[0][:12]}…; recorded it")
    else:
        _recorded_path(target).unlink(missing_ok=True)


# --- route 1: official download ------------------------------------------------


def _download_official(variant: str, target: Path, progress: bool) -> None:
    url = OFFICIAL_URL.format(variant=variant)
    _say(progress, f"downloading {url}")
    response = _open(url, DOWNLOAD_TIMEOUT_S)

    try:
        with response:
            _install(target, lambda f: _copy_with_progress(response, f, progress), f"the downloaded {target.name}",
                     progress)
    except (urllib.error.URLError, OSError) as exc:  # connection dropped mid-way
        raise _RouteFailed(f"download interrupted ({exc})") from None
    _say(progress, f"saved {target}")


def _open(url: str, timeout_s: float):
    try:
        return urllib.request.urlopen(url, timeout=timeout_s)
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", None) or exc
        raise _RouteFailed(f"cannot reach {url.split('/')[2]} ({reason})") from None


def _copy_with_progress(response, f: BinaryIO, progress: bool) -> None:
    """Copy an HTTP response to ``f``, showing every 10%; a short copy fails."""
    total = int(response.headers.get("Content-Length") or 0)
    done, shown = 0, -1
    while chunk := response.read(1 << 16):
        f.write(chunk)
        done += len(chunk)
        if progress and total and 10 * done // total != shown:
            shown = 10 * done // total
            print(f"\rformcheck: {10 * shown:3d}% of {total / 1e6:.1f} MB", end="", file=sys.stderr)
    if progress and total:
        print(file=sys.stderr)
    if total and done != total:
        raise _RouteFailed(f"download incomplete ({done} of {total} bytes)")


# --- route 2: offline build from the legacy models --------------------------------


def _build_offline(variant: str, target: Path, progress: bool) -> None:
    start = time.monotonic()
    fetchers = {"wheel": _legacy_wheel, "npm": _npm_tarball}
    archives: dict[str, Path] = {}
    members = []
    for spec in _LEGACY_MODELS[variant]:
        if spec.archive not in archives:
            archives[spec.archive] = fetchers[spec.archive](target.parent / ".cache", progress)
        archive = archives[spec.archive]
        data = _read_member(archive, spec.member)
        if hashlib.sha256(data).hexdigest() != spec.sha256:
            raise _RouteFailed(f"{spec.member} in {archive.name} has an unexpected checksum; delete {archive}")
        members.append((spec.bundle_member, _add_metadata(data, spec)))
    _say(progress, f"building {target.name} from {' and '.join(p.name for p in archives.values())}")
    _install(target, lambda f: write_bundle(f, members), f"the built {target.name}", progress)
    _say(progress, f"saved {target} ({time.monotonic() - start:.1f} s)")


def _read_member(archive: Path, member: str) -> bytes:
    """One file from a wheel (zip) or an npm tarball (tar.gz)."""
    try:
        if archive.suffix == ".whl":
            with zipfile.ZipFile(archive) as zf:
                return zf.read(member)
        with tarfile.open(archive, "r:gz") as tf:
            return tf.extractfile(member).read()
    except KeyError:
        raise _RouteFailed(f"{archive.name} lacks {member}") from None
    except (zipfile.BadZipFile, tarfile.TarError, OSError, EOFError) as exc:
        raise _RouteFailed(f"cannot read {archive} ({exc}); delete it") from None


def _npm_tarball(cache_dir: Path, progress: bool) -> Path:
    """The cached ``@mediapipe/pose`` tarball, downloaded from the npm registry if needed."""
    pinned = cache_dir / NPM_TARBALL_NAME
    if pinned.is_file():
        if _sha256_file(pinned) == NPM_TARBALL_SHA256:
            return pinned
        pinned.unlink()
    _say(progress, f"downloading {NPM_PACKAGE} (~{NPM_TARBALL_MB} MB, only unpacked) from the npm registry")
    response = _open(NPM_TARBALL_URL, NPM_TIMEOUT_S)

    def check(tmp: Path) -> None:
        if _sha256_file(tmp) != NPM_TARBALL_SHA256:
            raise _RouteFailed(f"downloaded {NPM_TARBALL_NAME} has an unexpected checksum")

    try:
        with response:
            _atomic_write(pinned, lambda f: _copy_with_progress(response, f, progress), check)
    except (urllib.error.URLError, OSError) as exc:
        raise _RouteFailed(f"download of {NPM_TARBALL_NAME} interrupted ({exc})") from None
    return pinned


def _legacy_wheel(cache_dir: Path, progress: bool) -> Path:
    """The cached mediapipe 0.10.21 wheel, downloaded with pip if needed.

    Any ``mediapipe-0.10.21-*.whl`` placed in the cache is used too (the
    models inside are checked by their own pinned digests).
    """
    pinned = cache_dir / LEGACY_WHEEL_NAME
    if pinned.is_file():
        if _sha256_file(pinned) == LEGACY_WHEEL_SHA256:
            return pinned
        pinned.unlink()
    others = sorted(cache_dir.glob("mediapipe-0.10.21-*.whl"))
    if others:
        return others[0]

    platform, python_version, implementation, abi = LEGACY_WHEEL_PLATFORM
    _say(
        progress,
        f"downloading {LEGACY_REQUIREMENT} wheel (~{LEGACY_WHEEL_MB} MB, only unzipped) with pip",
    )
    with tempfile.TemporaryDirectory(dir=cache_dir, prefix=".pip-") as tmp:
        cmd = [
            sys.executable, "-m", "pip", "download", LEGACY_REQUIREMENT,
            "--no-deps", "--only-binary=:all:",
            "--platform", platform, "--python-version", python_version,
            "--implementation", implementation, "--abi", abi,
            "--dest", tmp,
            "--disable-pip-version-check", "--no-input", "--progress-bar", "off",
            "--timeout", "20", "--retries", "2",
        ]  # fmt: skip
        try:
            run = subprocess.run(cmd, capture_output=True, text=True, timeout=900)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise _RouteFailed(f"pip download failed ({exc})") from None
        if run.returncode != 0:
            output = (run.stderr or run.stdout or "").strip().splitlines()
            why = output[-1] if output else f"exit code {run.returncode}"
            if "No module named pip" in (run.stderr or ""):
                why = f"pip is not installed for {sys.executable}"
            raise _RouteFailed(f"pip download {LEGACY_REQUIREMENT} failed: {why}")
        downloaded = Path(tmp) / LEGACY_WHEEL_NAME
        if not downloaded.is_file():
            raise _RouteFailed(f"pip did not produce {LEGACY_WHEEL_NAME}")
        if _sha256_file(downloaded) != LEGACY_WHEEL_SHA256:
            raise _RouteFailed(f"downloaded {LEGACY_WHEEL_NAME} has an unexpected checksum")
        os.replace(downloaded, pinned)
    return pinned


def _add_metadata(model: bytes, spec: _LegacyModel) -> bytes:
    """Return ``model`` with TFLite model metadata (``TFLITE_METADATA``) set.

    The metadata says the input is an RGB float image normalised with
    ``(x - mean) / std``; MediaPipe Tasks refuses float inputs without it.
    """
    from mediapipe.tasks.metadata import schema_py_generated as tflite_fb

    graph = tflite_fb.Model.GetRootAs(model, 0).Subgraphs(0)
    if graph.InputsLength() != 1 or graph.OutputsLength() != len(spec.outputs):
        raise _RouteFailed(f"{spec.member}: unexpected inputs/outputs")
    metadata = _metadata_for(spec)
    result = _splice_metadata(model, metadata)
    # Read it back the ordinary way: the entry must point at our metadata.
    check = tflite_fb.Model.GetRootAs(result, 0)
    entries = [check.Metadata(i) for i in range(check.MetadataLength())]
    ours = [e for e in entries if e.Name() == _TFLITE_METADATA_NAME.encode()]
    if (
        len(ours) != 1
        or check.Buffers(ours[0].Buffer()).DataAsNumpy().tobytes() != metadata
        or check.SubgraphsLength() != 1
        or check.Subgraphs(0).OperatorsLength() != graph.OperatorsLength()
    ):
        raise _RouteFailed(f"{spec.member}: adding metadata failed")
    return result


def _metadata_for(spec: _LegacyModel) -> bytes:
    """The ``ModelMetadata`` flatbuffer (file identifier ``M001``) for a model."""
    import flatbuffers
    from mediapipe.tasks.metadata import metadata_schema_py_generated as meta_fb

    image = meta_fb.ImagePropertiesT()
    image.colorSpace = meta_fb.ColorSpaceType.RGB
    content = meta_fb.ContentT()
    content.contentPropertiesType = meta_fb.ContentProperties.ImageProperties
    content.contentProperties = image
    norm = meta_fb.NormalizationOptionsT()
    norm.mean = [spec.mean]
    norm.std = [spec.std]
    unit = meta_fb.ProcessUnitT()
    unit.optionsType = meta_fb.ProcessUnitOptions.NormalizationOptions
    unit.options = norm
    stats = meta_fb.StatsT()  # value range after normalisation
    stats.min = [(0.0 - spec.mean) / spec.std]
    stats.max = [(255.0 - spec.mean) / spec.std]
    tensor_in = meta_fb.TensorMetadataT()
    tensor_in.name = spec.input_name
    tensor_in.description = "RGB image"
    tensor_in.content = content
    tensor_in.processUnits = [unit]
    tensor_in.stats = stats

    tensors_out = []
    for name, description in spec.outputs:
        feature = meta_fb.ContentT()
        feature.contentPropertiesType = meta_fb.ContentProperties.FeatureProperties
        feature.contentProperties = meta_fb.FeaturePropertiesT()
        tensor = meta_fb.TensorMetadataT()
        tensor.name = name
        tensor.description = description
        tensor.content = feature
        tensor.stats = meta_fb.StatsT()
        tensors_out.append(tensor)

    subgraph = meta_fb.SubGraphMetadataT()
    subgraph.inputTensorMetadata = [tensor_in]
    subgraph.outputTensorMetadata = tensors_out
    metadata = meta_fb.ModelMetadataT()
    metadata.name = spec.title
    release, version = _ARCHIVE_RELEASE[spec.archive]
    metadata.description = f"{spec.title}, from {release} ({spec.member})."
    metadata.version = version
    metadata.author = "MediaPipe authors; metadata added by formcheck"
    metadata.license = "Apache License 2.0"
    metadata.subgraphMetadata = [subgraph]
    metadata.minParserVersion = "1.0.0"  # uses only fields of metadata schema 1.0.0
    builder = flatbuffers.Builder(1024)
    builder.Finish(metadata.Pack(builder), b"M001")
    return bytes(builder.Output())


# TFLite schema: field indices of table Model, Metadata and Buffer.
_MODEL_VERSION, _MODEL_BUFFERS, _MODEL_METADATA, _MODEL_FIELDS = 0, 4, 6, 8
_METADATA_NAME = 0


def _splice_metadata(model: bytes, metadata: bytes) -> bytes:
    """Set the ``TFLITE_METADATA`` entry of a TFLite flatbuffer without
    re-serialising the model.

    Re-packing the whole model with the flatbuffers object API would make the
    bytes depend on the flatbuffers version (its vtable sharing changed in
    25.x). Instead a block is inserted right after the 8-byte header with a
    new root ``Model`` table, new ``buffers``/``metadata`` vectors and the new
    metadata ``Buffer``; everything after it (the original model, whose
    objects only point forward to each other) moves by the same multiple of
    16 bytes, so its internal offsets and alignment stay valid. The new table
    copies the old one's other fields, pointing at the moved originals. The
    result depends only on the input bytes.
    """
    old = _OldModel(model)
    # The new objects' positions are known only once they are written: lay the block
    # out with dummy targets to learn them, then again with them.
    positions = _lay_out(old, metadata, {}).found
    block = _lay_out(old, metadata, positions)
    if block.found != positions:
        raise _RouteFailed("internal error laying out TFLite metadata")
    shift = len(block.data)
    out = bytearray(model[:8]) + block.data + model[8:]
    out[0:4] = positions["root"].to_bytes(4, "little")
    for pos, kind, target in block.fixups:
        target = target + shift if kind == "old" else target
        if target <= pos:
            raise _RouteFailed("internal error: backward offset")
        out[pos : pos + 4] = (target - pos).to_bytes(4, "little")
    return bytes(out)


class _OldModel:
    """The parts of a TFLite model's root table that the splice needs: its fields, its
    buffers, its metadata entries, and which entry (and buffer) is ``TFLITE_METADATA``."""

    def __init__(self, model: bytes):
        self.model = model
        if model[4:8] != b"TFL3":
            raise _RouteFailed("not a TFLite model")
        fields = self.fields(self.u32(0))
        if len(fields) > _MODEL_FIELDS or not fields[_MODEL_BUFFERS]:
            raise _RouteFailed("unexpected TFLite model layout")
        self.root_fields = fields + [0] * (_MODEL_FIELDS - len(fields))
        self.buffers = self.offset_vector(self.deref(self.root_fields[_MODEL_BUFFERS]))
        metadata = self.root_fields[_MODEL_METADATA]
        self.entries = self.offset_vector(self.deref(metadata)) if metadata else []
        self.existing: int | None = None  # the index of the TFLITE_METADATA entry, if there is one
        for i, entry in enumerate(self.entries):
            name_field = self.fields(entry)[_METADATA_NAME]
            if name_field:
                name = self.deref(name_field)
                if model[name + 4 : name + 4 + self.u32(name)] == _TFLITE_METADATA_NAME.encode():
                    self.existing = i
        self.existing_buffer = 0
        if self.existing is not None:
            buffer_field = self.fields(self.entries[self.existing])[1]
            self.existing_buffer = self.u32(buffer_field) if buffer_field else 0
            if not 0 < self.existing_buffer < len(self.buffers):
                raise _RouteFailed("unexpected TFLite metadata entry")

    def u16(self, pos: int) -> int:
        return int.from_bytes(self.model[pos : pos + 2], "little")

    def u32(self, pos: int) -> int:
        return int.from_bytes(self.model[pos : pos + 4], "little")

    def i32(self, pos: int) -> int:
        return int.from_bytes(self.model[pos : pos + 4], "little", signed=True)

    def fields(self, table: int) -> list[int]:
        """A table's absolute field positions, 0 where a field is absent."""
        vtable = table - self.i32(table)
        count = (self.u16(vtable) - 4) // 2
        slots = [self.u16(vtable + 4 + 2 * i) for i in range(count)]
        return [table + slot if slot else 0 for slot in slots]

    def deref(self, pos: int) -> int:
        return pos + self.u32(pos)

    def offset_vector(self, pos: int) -> list[int]:
        return [self.deref(pos + 4 + 4 * i) for i in range(self.u32(pos))]


class _Block:
    """The bytes inserted after the 8-byte header. Offsets are resolved once its length is
    known: each fixup's target is ("old", a position in the input) or ("new", a position
    in the output)."""

    BASE = 8  # the block starts after the root offset and file identifier

    def __init__(self):
        self.data = bytearray()
        self.fixups: list[tuple[int, str, int]] = []
        self.found: dict[str, int] = {}  # where each new object was put

    def here(self) -> int:
        return self.BASE + len(self.data)

    def put_u16(self, value: int) -> None:
        self.data.extend(value.to_bytes(2, "little"))

    def put_u32(self, value: int) -> None:
        self.data.extend(value.to_bytes(4, "little", signed=value < 0))

    def put_offset(self, kind: str, target: int) -> None:
        self.fixups.append((self.here(), kind, target))
        self.put_u32(0)

    def align(self, n: int, extra: int = 0) -> None:
        while (self.here() + extra) % n:
            self.data.append(0)

    def put_table(self, values: list[tuple[str, int] | None]) -> int:
        """A vtable, then its table; each value a 4-byte ("u32"|"old"|"new", x) or None."""
        present = [i for i, v in enumerate(values) if v is not None]
        self.put_u16(4 + 2 * len(values))
        self.put_u16(4 + 4 * len(present))
        slot = 4
        for v in values:
            self.put_u16(slot if v is not None else 0)
            slot += 4 if v is not None else 0
        vtable = self.here() - (4 + 2 * len(values))
        self.align(4)
        table = self.here()
        self.put_u32(table - vtable)
        for v in values:
            if v is not None:
                kind, x = v
                if kind == "u32":
                    self.put_u32(x)
                else:
                    self.put_offset(kind, x)
        return table

    def put_vector(self, targets: list[tuple[str, int]]) -> int:
        start = self.here()
        self.put_u32(len(targets))
        for kind, x in targets:
            self.put_offset(kind, x)
        return start


def _lay_out(old: _OldModel, metadata: bytes, positions: dict[str, int]) -> _Block:
    """The inserted block: the new root table, the buffers and metadata vectors, the
    metadata entry and its name (unless the model has one), the new buffer and the data;
    ``positions`` are where the new objects will be (from a first pass)."""
    block = _Block()
    root_values: list[tuple[str, int] | None] = []
    for i, pos in enumerate(old.root_fields):
        if i == _MODEL_VERSION:
            root_values.append(("u32", old.u32(pos)) if pos else None)
        elif i in (_MODEL_BUFFERS, _MODEL_METADATA):
            root_values.append(("new", positions.get("buffers" if i == _MODEL_BUFFERS else "metadata", 0)))
        else:
            root_values.append(("old", old.deref(pos)) if pos else None)
    block.found["root"] = block.put_table(root_values)

    block.align(4)
    new_index = old.existing_buffer if old.existing is not None else len(old.buffers)
    targets = [("old", b) for b in old.buffers] + ([] if old.existing is not None else [None])
    targets[new_index] = ("new", positions.get("buffer", 0))
    block.found["buffers"] = block.put_vector(targets)
    entries = [("old", e) for e in old.entries] + ([("new", positions.get("entry", 0))] if old.existing is None else [])
    block.found["metadata"] = block.put_vector(entries)

    if old.existing is None:
        block.found["entry"] = block.put_table([("new", positions.get("name", 0)), ("u32", new_index)])
        block.found["name"] = block.here()
        block.put_u32(len(_TFLITE_METADATA_NAME))
        block.data.extend(_TFLITE_METADATA_NAME.encode() + b"\0")
        block.align(4)
    block.found["buffer"] = block.put_table([("new", positions.get("data", 0))])
    block.align(_TFLITE_BUFFER_ALIGNMENT, extra=4)  # the data itself starts aligned
    block.found["data"] = block.here()
    block.put_u32(len(metadata))
    block.data.extend(metadata)
    block.align(_TFLITE_BUFFER_ALIGNMENT)
    return block


def write_bundle(f: BinaryIO, members: list[tuple[str, bytes]]) -> None:
    """Write a deterministic ``.task`` zip: members stored uncompressed, in the
    given order, with fixed timestamps and attributes, each starting at a
    64-byte aligned offset (padding goes in the local header's extra field)."""
    with zipfile.ZipFile(f, "w", compression=zipfile.ZIP_STORED) as zf:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIMESTAMP)
            info.compress_type = zipfile.ZIP_STORED
            info.create_system = 3  # unix, whatever OS builds it
            info.external_attr = 0o100644 << 16
            header_end = f.tell() + 30 + len(name.encode("utf-8"))
            pad = -header_end % _ZIP_ALIGNMENT
            if 0 < pad < 4:  # an extra-field record needs at least 4 bytes
                pad += _ZIP_ALIGNMENT
            if pad:  # 0xD935: the "alignment" extra field of Android's zipalign
                info.extra = b"\x35\xd9" + (pad - 4).to_bytes(2, "little") + bytes(pad - 4)
            zf.writestr(info, data)


__all__ = [
    "DEFAULT_VARIANT",
    "MODELS_DIR_ENV",
    "MODEL_VARIANTS",
    "default_models_dir",
    "ensure_model",
    "list_models",
    "model_filename",
    "verify_model",
]
