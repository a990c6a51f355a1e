"""``graphkit kg list``: released checkpoints and the dataset folders under --root."""

from __future__ import annotations

from pathlib import Path


def run_list(args) -> int:
    """Print the released checkpoints and the dataset folders under ``args.root``."""
    from graphkit.kg import list_datasets, released_checkpoints
    from graphkit.kg.checkpoint import RELEASED, default_cache_dir

    datasets = None
    if args.root:
        try:
            datasets = list_datasets(args.root)
        except FileNotFoundError as error:
            raise SystemExit(f"--root: {error}") from None
    cache = default_cache_dir()
    print(f"released checkpoints (--checkpoint NAME, cache {cache}):")
    for name, path in released_checkpoints().items():
        if path is None:
            # released_checkpoints counts a cached file only when its SHA-256 matches.
            cached = cache / Path(RELEASED[name][0]).name
            path = (
                f"not downloaded ({cached} has another SHA-256, so it would be "
                "downloaded again)"
                if cached.is_file()
                else "not downloaded"
            )
        print(f"  {name:<10} {path}")
    if datasets is None:
        print("datasets: pass --root (or set GRAPHKIT_DATA) to list them")
        return 0
    print(f"datasets under {args.root} (--dataset NAME):")
    for name, kind in datasets.items():
        note = _missing_files_note(args.root, name, kind)
        note += _pretraining_note(args.root, name)
        print(f"  {name:<12} {_describe(name, kind)}{note}")
    if not datasets:
        print("  none: no folder with train.txt or a NAME_ind sibling")
        root = Path(args.root).expanduser()
        if (root / "train.txt").is_file():
            print(
                f"  {root} contains train.txt, so it is a dataset folder itself: "
                f"pass --root {root.parent}"
            )
        # A graphkit data root keeps knowledge graphs in kg/, beside graphs/, and
        # --root (or GRAPHKIT_DATA) may name either the data root or its graphs/.
        for candidate in (root / "kg", root.parent / "kg"):
            if candidate != root and candidate.is_dir() and list_datasets(candidate):
                print(f"  {candidate} contains datasets: pass --root {candidate}")
                break
    return 0


def _describe(name: str, kind: str) -> str:
    """Return the layout of dataset folder ``name`` as ``kg list`` prints it."""
    from graphkit.kg.layouts import ILPC, INGRAM

    if kind == "grail":
        return f"GraIL split ({name}/ and {name}_ind/)"
    for layout in (ILPC, INGRAM):
        if kind == layout.kind:
            return f"{layout.title} layout ({', '.join(layout.files)})"
    if kind == "ambiguous":
        return (
            "files of both the ILPC 2022 and the InGram layout: --dataset rejects it "
            "and names them"
        )
    return "transductive (train/valid/test.txt)"


def _pretraining_note(root, name: str) -> str:
    """Return a note naming the released checkpoints pre-trained on ``name``, or ""."""
    from graphkit.kg.pretraining_graphs import PRETRAINING_GRAPHS, ultra_dataset_name

    graph = ultra_dataset_name(root, name)
    checkpoints = [
        checkpoint
        for checkpoint, graphs in sorted(PRETRAINING_GRAPHS.items())
        if graph in graphs
    ]
    if not checkpoints:
        return ""
    names = checkpoints[-1]
    if len(checkpoints) > 1:
        names = f"{', '.join(checkpoints[:-1])} and {names}"
    return f", a pre-training graph of {names}, whose ranks on it are not zero-shot"


def _missing_files_note(root, name: str, kind: str) -> str:
    """Return a note naming the files that dataset ``name`` lacks, or "" when none."""
    from graphkit.kg.catalog import missing_dataset_files

    missing = missing_dataset_files(root, name, kind)
    if not missing:
        return ""
    if len(missing) == 1:
        verb, pronoun = "is", "it is"
    else:
        verb, pronoun = "are", "they are"
    return (
        f", incomplete: {', '.join(missing)} {verb} missing, "
        f"so --dataset {name} fails until {pronoun} added"
    )
