"""List what ``load_dataset`` and ``Ultra.from_pretrained`` accept by name.

A folder under a data root is a dataset when ``load_dataset`` can read it: a GraIL
split ``NAME`` has a ``NAME_ind`` sibling, an ILPC 2022 or InGram folder has the files
that :func:`graphkit.kg.layouts.inference_layout` detects, and a transductive dataset
has a ``train.txt``. The ``NAME_ind`` half of a GraIL split is not listed on its own.
"""

from __future__ import annotations

from pathlib import Path

from graphkit.kg import checkpoint
from graphkit.kg.errors import KGFormatError
from graphkit.kg.layouts import INFERENCE_LAYOUTS, inference_layout

GRAIL = "grail"
TRANSDUCTIVE = "transductive"
# A folder with the marker files of both the ILPC 2022 and the InGram layout, which
# load_dataset rejects with an error that names them.
AMBIGUOUS = "ambiguous"


def list_datasets(root: str | Path) -> dict[str, str]:
    """Map each dataset folder under ``root`` to its layout.

    The layouts are ``"grail"``, ``"ilpc"`` (ILPC 2022), ``"ingram"``,
    ``"transductive"``, and ``"ambiguous"`` for a folder with the files of both the
    ILPC 2022 and the InGram layout, which ``load_dataset`` rejects. A folder is
    listed even when files of its layout are missing, which
    :func:`missing_dataset_files` names.

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
            continue
        try:
            layout = inference_layout(folder)
        except KGFormatError:
            found[name] = AMBIGUOUS
            continue
        if layout is not None:
            found[name] = layout.kind
        elif (folder / "train.txt").is_file():
            found[name] = TRANSDUCTIVE
    return found


def missing_dataset_files(root: str | Path, name: str, kind: str) -> list[str]:
    """Return the files of dataset ``name`` that ``load_dataset`` reads but ``root`` lacks.

    ``kind`` is the dataset's layout, as :func:`list_datasets` maps it. Each file is named relative to ``root``, such as ``small/inference_test.txt``. An
    ``"ambiguous"`` folder gets an empty list, because no layout applies to it.
    """
    root = Path(root).expanduser()
    if kind == GRAIL:
        expected = [f"{name}/train.txt", f"{name}/valid.txt"] + [
            f"{name}_ind/{part}.txt" for part in ("train", "valid", "test")
        ]
    elif kind == TRANSDUCTIVE:
        expected = [f"{name}/{part}.txt" for part in ("train", "valid", "test")]
    else:
        layouts = [layout for layout in INFERENCE_LAYOUTS if layout.kind == kind]
        expected = [f"{name}/{file}" for layout in layouts for file in layout.files]
    return [file for file in expected if not (root / file).is_file()]


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
