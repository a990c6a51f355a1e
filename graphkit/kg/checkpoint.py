"""Locate, download (cached, checksum-verified) and read ULTRA checkpoints.

A checkpoint is a ``torch.save`` file holding either a plain state dict or a dict with
the state dict under ``"model"`` (the layout of the released ULTRA files, which also
store the optimizer). Files load with ``torch.load(weights_only=True)``.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import tempfile
import urllib.error
import urllib.request
from pathlib import Path
from typing import TYPE_CHECKING

from graphkit.atomic_files import umask_file_mode
from graphkit.link_loops import is_link_loop, link_loop_message
from graphkit.option_names import option

if TYPE_CHECKING:
    import torch

logger = logging.getLogger(__name__)

# Released ULTRA checkpoints (GitHub DeepGraphLearning/ULTRA, folder ckpts/, MIT licence)
# and the SHA-256 of each file.
RELEASED = {
    "ultra_3g": (
        "https://github.com/DeepGraphLearning/ULTRA/raw/main/ckpts/ultra_3g.pth",
        "fdedc01b0045fc089d2ad5da08569466b7b221691fe978a18e91082bbb133c18",
    ),
    "ultra_4g": (
        "https://github.com/DeepGraphLearning/ULTRA/raw/main/ckpts/ultra_4g.pth",
        "48a046e708adf5632d87c30eacae01f5f51466b2301effdc2cb42358d22854e0",
    ),
    "ultra_50g": (
        "https://github.com/DeepGraphLearning/ULTRA/raw/main/ckpts/ultra_50g.pth",
        "f1c5377b2cf547aaa67520ffb6fce27b75b6eb3417b86dc9cf9dba89964ed10f",
    ),
}
URL_SCHEMES = ("http://", "https://", "file://")


def default_cache_dir() -> Path:
    """``$GRAPHKIT_CACHE/ultra`` when set, else ``~/.cache/graphkit/ultra``."""
    base = os.environ.get("GRAPHKIT_CACHE")
    return (Path(base) if base else Path.home() / ".cache" / "graphkit") / "ultra"


def sha256_of(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(2**20), b""):
            digest.update(block)
    return digest.hexdigest()


def download(
    url: str, cache_dir: str | Path | None = None, sha256: str | None = None
) -> Path:
    """Download ``url`` into ``cache_dir`` once and return the cached file.

    A cached file is reused when its checksum matches ``sha256``, in upper or lower
    case. Without a checksum, the file is cached in a folder named by a hash of ``url``
    and reused whenever it exists. A fresh download that does not match is deleted.

    Raises:
        ValueError: the checksum of the downloaded file differs from ``sha256``.
        ConnectionError: the download failed (no network, unknown host, HTTP error).
    """
    # hexdigest() is lower case, and a checksum copied from elsewhere may be upper case.
    sha256 = None if sha256 is None else sha256.lower()
    cache = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    target = cache / Path(url.split("?")[0]).name
    if sha256 is None:
        # Without a checksum only the URL identifies the file, and URLs on other hosts
        # or paths can end in the same name (model.pth), so each URL gets a folder.
        target = cache / hashlib.sha256(url.encode()).hexdigest()[:16] / target.name
    stale = ""
    if target.is_file():
        cached_sha256 = None if sha256 is None else sha256_of(target)
        if cached_sha256 == sha256:
            logger.debug("using cached %s", target)
            return target
        stale = (
            f" The file there now has sha256 {cached_sha256}, not the expected "
            f"{sha256}, so it is another checkpoint or a damaged copy"
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    logger.info("downloading %s to %s", url, target)
    if sha256 is None:
        logger.warning("no SHA-256 given for %s, so the download is not verified", url)
    handle, partial = tempfile.mkstemp(dir=target.parent, suffix=".part")
    os.fchmod(handle, umask_file_mode())
    os.close(handle)
    try:
        try:
            with urllib.request.urlopen(url) as response, open(partial, "wb") as out:
                shutil.copyfileobj(response, out)
        except urllib.error.URLError as error:
            raise ConnectionError(
                f"download of {url} failed: {error.reason}. Without network access, "
                f"copy the file from another machine to {target}, or pass the path "
                f"of a local copy ({option('path_or_url', '/path/to/file.pth')})."
                f"{stale}"
            ) from error
        actual = sha256_of(partial)
        if sha256 is not None and actual != sha256:
            raise ValueError(
                f"checksum mismatch for {url}: expected sha256 {sha256}, got "
                f"{actual}; the download is corrupt or the file has changed"
            )
        os.replace(partial, target)
    finally:
        if os.path.exists(partial):
            os.remove(partial)
    return target


def resolve(
    path_or_url: str | Path,
    cache_dir: str | Path | None = None,
    sha256: str | None = None,
) -> Path:
    """Turn a local path, a URL or a released name (``"ultra_3g"``) into a local file.

    A local path may start with ``~`` for the home folder. When ``sha256`` is given,
    a local file is checked against it too, not only a downloaded one.

    Raises:
        ValueError: the local file's checksum differs from ``sha256``.
    """
    text = str(path_or_url)
    local = Path(text).expanduser()
    if local.is_file():
        if sha256 is not None:
            actual = sha256_of(local)
            if actual != sha256.lower():
                raise ValueError(
                    f"checksum mismatch for {local}: expected sha256 {sha256}, got "
                    f"{actual}. The file is another checkpoint or a damaged copy"
                )
        return local
    if local.is_dir():
        files = sorted(str(p) for p in local.glob("*.pth"))
        raise ValueError(
            f"checkpoint {text!r} is a folder. Pass a checkpoint file in it "
            f"({', '.join(files[:5]) or 'it contains no .pth file'}), such as the "
            "last.pth that finetune and pretrain write"
        )
    if text in RELEASED:
        url, known = RELEASED[text]
        return download(url, cache_dir, sha256 or known)
    if text.startswith(URL_SCHEMES):
        known = RELEASED.get(Path(text.split("?")[0]).stem, (None, None))[1]
        return download(text, cache_dir, sha256 or known)
    if is_link_loop(local):
        raise FileNotFoundError(link_loop_message(local, "checkpoint"))
    raise FileNotFoundError(
        f"checkpoint {text!r} not found: give an existing file, a URL, "
        f"or one of {sorted(RELEASED)}"
    )


def _unreadable_reason(path: str | Path, error: Exception) -> str:
    """Return why torch.load failed on ``path``, in words that name the cause."""
    with open(path, "rb") as file:
        start = file.read(4)
    # torch.save writes a zip archive, and before torch 1.6 a pickle, which starts
    # with 0x80. For any other file, such as a YAML config or a gzip file, the
    # unpickler raises errors such as "IndexError: pop from empty list".
    if start and start != b"PK\x03\x04" and start[:1] != b"\x80":
        return "not a file written by torch.save"
    # An empty file raises EOFError with no message at all.
    detail = (str(error).splitlines() or ["the file is empty or truncated"])[0]
    return f"{type(error).__name__}: {detail}"


def load_state_dict(path: str | Path) -> dict[str, torch.Tensor]:
    """Read the model state dict from a checkpoint file (on the CPU)."""
    # Import torch here, so that graphkit kg list can list the released files and the
    # cache folder without importing it.
    import torch

    try:
        payload = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as error:  # torch raises several types for a damaged file
        raise ValueError(
            f"{path}: not a readable checkpoint ({_unreadable_reason(path, error)}); "
            "download it again or give another file"
        ) from error
    state = payload.get("model", payload) if isinstance(payload, dict) else None
    if not isinstance(state, dict) or not all(
        torch.is_tensor(v) for v in state.values()
    ):
        raise ValueError(f"{path}: {describe_unknown_layout(payload)}")
    return strip_wrapper_prefixes(state)


def describe_unknown_layout(payload: object) -> str:
    """Describe what a checkpoint contains when it is not a known ULTRA layout."""
    expected = (
        "expected a state dict (parameter name to tensor) or a dict whose key "
        "'model' contains one"
    )
    if not isinstance(payload, dict):
        return f"{expected}, but the file contains a {type(payload).__name__}"
    keys = [repr(key) for key in list(payload)[:5]]
    more = f" and {len(payload) - 5} more" if len(payload) > 5 else ""
    found = f"the top-level keys {', '.join(keys)}{more}" if keys else "an empty dict"
    hint = ""
    if isinstance(payload.get("state_dict"), dict):
        hint = (
            ". Save its 'state_dict' entry under the key 'model' instead, with "
            "parameter names that start with 'relation_model.' or 'entity_model.'"
        )
    return f"{expected}, but the file contains {found}{hint}"


# DistributedDataParallel and DataParallel put "module." before every key of the
# wrapped model's state dict, and torch.compile puts "_orig_mod." there (seen with
# torch 2.x). A model compiled and then wrapped, or the reverse, has both prefixes.
WRAPPER_PREFIXES = ("module.", "_orig_mod.")


def strip_wrapper_prefixes(state: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """Remove the wrapper prefixes that every key of ``state`` starts with."""
    stripped = True
    while state and stripped:
        stripped = False
        for prefix in WRAPPER_PREFIXES:
            if all(key.startswith(prefix) for key in state):
                state = {key[len(prefix) :]: value for key, value in state.items()}
                stripped = True
    return state


def check_state_fits(
    model: torch.nn.Module, state: dict[str, torch.Tensor], path: str | Path
) -> None:
    """Raise ``ValueError`` unless ``state`` has exactly the keys and shapes of ``model``.

    ``Module.load_state_dict`` copies every fitting tensor before it raises on the
    others, so a failed load would leave ``model`` half overwritten. This check runs
    first and changes nothing.
    """
    expected = model.state_dict()
    missing = sorted(set(expected) - set(state))
    unexpected = sorted(set(state) - set(expected))
    mismatched = [
        f"{key} {tuple(state[key].shape)} vs {tuple(value.shape)}"
        for key, value in expected.items()
        if key in state and state[key].shape != value.shape
    ]
    problems = [
        f"{label}: {', '.join(items[:3])}{' ...' if len(items) > 3 else ''}"
        for label, items in (
            ("missing keys", missing),
            ("unexpected keys", unexpected),
            ("shapes (saved vs model)", mismatched),
        )
        if items
    ]
    if problems:
        raise ValueError(
            f"{path}: the saved weights do not fit this model ({'; '.join(problems)}). "
            "Load them into a model of the same dim and num_layers"
        )


def check_finite_weights(state: dict[str, torch.Tensor], path: str | Path) -> None:
    """Raise ``ValueError`` when a floating-point tensor of ``state`` has NaN or infinity.

    Such weights turn scores into NaN, and NaN scores rank last, so a model loaded
    from them would return meaningless rankings and metrics.
    """
    import torch

    for key, value in state.items():
        if not value.is_floating_point():
            continue
        bad = ~torch.isfinite(value)
        if bool(bad.any()):
            raise ValueError(
                f"{path}: the weights {key!r} contain {int(bad.sum())} NaN or infinite "
                f"values, so the file is damaged or comes from a diverged run. "
                "Download it again or load an earlier checkpoint"
            )


def architecture_of(
    state: dict[str, torch.Tensor], path: str | Path = "state dict"
) -> tuple[int, int]:
    """Infer ``(dim, num_layers)`` from the state-dict keys and shapes.

    ``path`` names the checkpoint file in the error raised for another model's weights.
    """
    key = "relation_model.layers.0.linear.weight"
    if key not in state:
        raise ValueError(
            f"{path}: not an ULTRA checkpoint, because its weights have no {key!r} "
            f"(first keys: {list(state)[:3]}). Pass a released ULTRA file "
            f"({', '.join(sorted(RELEASED))}) or a last.pth or step_N.pth written by "
            "graphkit kg finetune or pretrain"
        )
    dim = int(state[key].shape[0])
    layers = {k.split(".")[2] for k in state if k.startswith("relation_model.layers.")}
    return dim, len(layers)
