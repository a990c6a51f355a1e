"""List what ``load_dataset`` and ``Ultra.from_pretrained`` accept by name.

A folder under a data root is a dataset when ``load_dataset`` can read it: a GraIL
split ``NAME`` has a ``NAME_ind`` sibling, and a transductive dataset has a
``train.txt``. The ``NAME_ind`` half of a GraIL split is not listed on its own.
"""

from __future__ import annotations

from pathlib import Path

from graphkit.kg import checkpoint

GRAIL = "grail"
TRANSDUCTIVE = "transductive"


def list_datasets(root: str | Path) -> dict[str, str]:
    """Map each dataset folder under ``root`` to ``"grail"`` or ``"transductive"``.

    Raises:
        FileNotFoundError: ``root`` is not a folder.
    """
    root = Path(root).expanduser()
    if not root.is_dir():
        raise FileNotFoundError(
            f"dataset root {root} is not a folder. Pass the folder that contains the "
            "dataset folders (such as kg/ with fb237_v1/ and fb237_v1_ind/)"
        )
    found = {}
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        name = folder.name
        if name.endswith("_ind") and (root / name[: -len("_ind")]).is_dir():
            continue
        if (root / f"{name}_ind").is_dir():
            found[name] = GRAIL
        elif (folder / "train.txt").is_file():
            found[name] = TRANSDUCTIVE
    return found


def released_checkpoints(cache_dir: str | Path | None = None) -> dict[str, Path | None]:
    """Map each released checkpoint name to its file in ``cache_dir``, or ``None``.

    ``None`` means that ``Ultra.from_pretrained(name)`` would download the file. A
    cached file counts only when its SHA-256 matches the released one.
    """
    cache = Path(cache_dir) if cache_dir is not None else checkpoint.default_cache_dir()
    cached = {}
    for name, (url, sha256) in sorted(checkpoint.RELEASED.items()):
        path = cache / Path(url).name
        ok = path.is_file() and checkpoint.sha256_of(path) == sha256
        cached[name] = path if ok else None
    return cached
