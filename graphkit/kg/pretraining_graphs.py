"""Pre-training graphs of the released ULTRA checkpoints, to flag ranks that are not zero-shot.

A released checkpoint ranks a dataset zero-shot only when that dataset was not among
its pre-training graphs. ULTRA's README lists FB15k-237, WN18RR and CoDEx-Medium for
``ultra_3g``, and the same three with NELL-995 for ``ultra_4g``. For ``ultra_50g`` the
maintainers published an excerpt of its pre-training config, which names the 13
transductive datasets, the 12 GraIL splits and the 2 ILPC 2022 folders listed here.
Graphs are named as ULTRA's dataset classes name them (``FB15k237Inductive:v1`` is the
GraIL split ``fb237_v1``).

NOTE: the other 23 pre-training graphs of ``ultra_50g`` (further inductive datasets)
are not listed, so a dataset among them gets no warning. A checkpoint fine-tuned from
a released one has another checksum and is not recognized either.

The ``kg`` commands check the checkpoint file. :func:`graphkit.kg.evaluate` receives a
model and a query set instead, so :meth:`graphkit.kg.Ultra.from_pretrained` records
which released checkpoint it loaded, and :func:`graphkit.kg.load_dataset` records
ULTRA's name of the dataset folder on each query set.
"""

from __future__ import annotations

import re
from pathlib import Path

from graphkit.kg.checkpoint import RELEASED, URL_SCHEMES, sha256_of
from graphkit.kg.errors import KGFormatError
from graphkit.kg.layouts import ILPC, inference_layout

_TRANSDUCTIVE_3G = ("FB15k237", "WN18RR", "CoDExMedium")
_TRANSDUCTIVE_50G = _TRANSDUCTIVE_3G + (
    "NELL995",
    "YAGO310",
    "DBpedia100k",
    "AristoV4",
    "Hetionet",
    "WDsinger",
    "CoDExSmall",
    "NELL23k",
    "ConceptNet100k",
    "FB15k237_10",
)
_GRAIL_CLASSES = {
    "fb237": "FB15k237Inductive",
    "wn18rr": "WN18RRInductive",
    "nell": "NELLInductive",
}

#: Pre-training graphs of each released checkpoint, as ULTRA's dataset classes name them.
PRETRAINING_GRAPHS: dict[str, frozenset[str]] = {
    "ultra_3g": frozenset(_TRANSDUCTIVE_3G),
    "ultra_4g": frozenset(_TRANSDUCTIVE_3G + ("NELL995",)),
    "ultra_50g": frozenset(
        _TRANSDUCTIVE_50G
        + tuple(
            f"{cls}:v{version}"
            for cls in _GRAIL_CLASSES.values()
            for version in range(1, 5)
        )
        + ("ILPC2022:small", "ILPC2022:large")
    ),
}

# Transductive folder names, lower-cased without punctuation, and the ULTRA dataset
# class of each. codex-s and codex-m are the usual short names of the CoDEx graphs.
_TRANSDUCTIVE_NAMES = {
    re.sub(r"[^a-z0-9]", "", name.lower()): name for name in _TRANSDUCTIVE_50G
} | {"codexs": "CoDExSmall", "codexm": "CoDExMedium"}

_GRAIL_NAME = re.compile(r"(fb237|wn18rr|nell)_v([1-4])", re.IGNORECASE)


def released_checkpoint_name(path_or_name: str | Path) -> str | None:
    """Return the released name of a checkpoint (``"ultra_3g"``), or None for another one.

    A file counts by its SHA-256, so a renamed copy of a released file is recognized.
    A released name or a URL that ends in one is taken as given, because
    :func:`~graphkit.kg.checkpoint.resolve` verifies the downloaded file's checksum.
    """
    text = str(path_or_name)
    local = Path(text).expanduser()
    if local.is_file():
        digest = sha256_of(local)
        for name, (_, sha256) in RELEASED.items():
            if sha256 == digest:
                return name
        return None
    if text in RELEASED:
        return text
    if text.startswith(URL_SCHEMES):
        stem = Path(text.split("?")[0]).stem
        return stem if stem in RELEASED else None
    return None


def ultra_dataset_name(root: str | Path, name: str) -> str | None:
    """Return ULTRA's name of dataset folder ``root/name``, or None if none matches.

    GraIL splits (``fb237_v1`` with ``fb237_v1_ind`` beside it, or either half
    alone) and the ILPC 2022 folders ``small`` and ``large`` keep their standard
    folder names. A transductive folder matches by its name without case and
    punctuation (``FB15k-237``, ``codex-s``).
    """
    root = Path(root).expanduser()
    base = name.removesuffix("_ind")
    grail = _GRAIL_NAME.fullmatch(base)
    # load_dataset reads either half of a GraIL split as a transductive folder when
    # the other half is missing, and its ranks still come from that split. None of
    # the transductive datasets listed above is named like a GraIL split, so the
    # folder name alone identifies the split.
    lone_half = grail is not None and (root / name).is_dir()
    if lone_half or ((root / f"{base}_ind").is_dir() and (root / base).is_dir()):
        if grail is None:
            return None
        return f"{_GRAIL_CLASSES[grail.group(1).lower()]}:v{grail.group(2)}"
    folder = root / name
    try:
        layout = inference_layout(folder) if folder.is_dir() else None
    except KGFormatError:
        # A folder with the files of two layouts, which load_dataset rejects.
        return None
    if layout is not None:
        size = name.lower()
        if layout is ILPC and size in ("small", "large"):
            return f"ILPC2022:{size}"
        return None
    return _TRANSDUCTIVE_NAMES.get(re.sub(r"[^a-z0-9]", "", name.lower()))


def pretraining_note(checkpoint: str | Path, root: str | Path, name: str) -> str | None:
    """Explain why ranks of dataset ``root/name`` by ``checkpoint`` are not zero-shot.

    Returns None when ``checkpoint`` is not a released file, or when the dataset is not
    among its listed pre-training graphs.
    """
    released = released_checkpoint_name(checkpoint)
    dataset = ultra_dataset_name(root, name)
    return released_graph_note(released, name, dataset)


def released_graph_note(released: str | None, label: str, dataset: str | None) -> str | None:
    """Explain why ranks by released checkpoint ``released`` on ``dataset`` are not zero-shot.

    ``dataset`` is ULTRA's name of the graph (see :func:`ultra_dataset_name`), and
    ``label`` names it in the message. Returns None when either name is None, or
    when the dataset is not among the checkpoint's listed pre-training graphs.
    """
    if released is None or dataset is None:
        return None
    if dataset not in PRETRAINING_GRAPHS[released]:
        return None
    others = [
        other
        for other, graphs in sorted(PRETRAINING_GRAPHS.items())
        if dataset not in graphs
    ]
    fix = (
        f"For a zero-shot result, evaluate {' or '.join(others)}, whose pre-training "
        "graphs exclude it"
        if others
        else "Every released checkpoint was pre-trained on it"
    )
    return (
        f"{released} was pre-trained on {label} (ULTRA's {dataset}), so its ranks "
        f"there are not zero-shot results. {fix}"
    )
