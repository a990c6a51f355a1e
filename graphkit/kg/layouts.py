"""Folder layouts with an inference graph and its query files in one folder.

ILPC 2022 (``pykeen/ilpc2022``, folders ``data/small`` and ``data/large``)::

    NAME/train.txt                    training graph (facts)
    NAME/inference.txt                inference graph: the facts used at test time
    NAME/inference_validation.txt     validation queries on the inference graph
    NAME/inference_test.txt           test queries on the inference graph

InGram (``bdi-lab/InGram``, folders such as ``data/NL-25``)::

    NAME/train.txt      training graph (facts)
    NAME/msg.txt        inference graph: the facts used at test time
    NAME/valid.txt      validation queries on the inference graph
    NAME/test.txt       test queries on the inference graph

ULTRA evaluates zero-shot on both with the same loader (``InductiveDataset`` in
``ultra/datasets.py``). This module only names the files and detects the layout, so
that ``graphkit kg list`` imports no torch. :mod:`graphkit.kg.inference_split` loads
such a folder.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from graphkit.kg.errors import KGFormatError


@dataclass(frozen=True)
class InferenceLayout:
    """The file names of a folder layout with an inference graph and its queries.

    ``markers`` are the files that only this layout has, any of which selects it.
    """

    kind: str
    title: str
    inference: str
    valid: str
    test: str
    markers: tuple[str, ...]
    train: str = "train.txt"

    @property
    def files(self) -> tuple[str, str, str, str]:
        """The four files, in the order they are read."""
        return (self.train, self.inference, self.valid, self.test)


ILPC = InferenceLayout(
    "ilpc",
    "ILPC 2022",
    inference="inference.txt",
    valid="inference_validation.txt",
    test="inference_test.txt",
    markers=("inference.txt", "inference_validation.txt", "inference_test.txt"),
)
# valid.txt and test.txt are also the query files of a transductive folder, so only
# msg.txt marks the InGram layout.
INGRAM = InferenceLayout(
    "ingram",
    "InGram",
    inference="msg.txt",
    valid="valid.txt",
    test="test.txt",
    markers=("msg.txt",),
)
INFERENCE_LAYOUTS = (ILPC, INGRAM)


def inference_layout(folder: str | Path) -> InferenceLayout | None:
    """Return the layout whose marker files ``folder`` has, else None.

    A folder has the ILPC 2022 layout when it contains ``inference.txt``,
    ``inference_validation.txt`` or ``inference_test.txt``, and the InGram layout when
    it contains ``msg.txt``. Missing files of the layout are reported when it loads.

    Raises:
        KGFormatError: ``folder`` has marker files of both layouts.
    """
    folder = Path(folder)
    found = [
        (layout, [name for name in layout.markers if (folder / name).is_file()])
        for layout in INFERENCE_LAYOUTS
    ]
    found = [(layout, names) for layout, names in found if names]
    if len(found) > 1:
        described = " and ".join(
            f"{', '.join(names)} ({layout.title} layout)" for layout, names in found
        )
        raise KGFormatError(
            folder,
            None,
            f"the folder contains {described}, so its layout is ambiguous. Keep the "
            f"files of one layout in the folder: {ILPC.title} reads "
            f"{', '.join(ILPC.files)}, {INGRAM.title} reads {', '.join(INGRAM.files)}",
        )
    return found[0][0] if found else None
