"""Load an ILPC 2022 or InGram folder (:mod:`graphkit.kg.layouts`) as ULTRA does.

ULTRA's loader of these layouts (``InductiveDataset`` in ``ultra/datasets.py``) reads
the training graph with its own vocabulary, and the inference graph with another one
that the validation and test files extend. Both query files are ranked on the
inference graph. For both layouts, ULTRA's ``script/run.py`` filters the validation
and the test ranks with one set of known triples: the inference graph, the validation
queries and the test queries.
"""

from __future__ import annotations

import logging
from pathlib import Path

import torch

from graphkit.kg.errors import KGFormatError
from graphkit.kg.io import (
    InductiveSplit,
    LinkPredictionSet,
    _read_dataset_file,
    drop_repeated_facts,
)
from graphkit.kg.layouts import INFERENCE_LAYOUTS, InferenceLayout
from graphkit.kg.query_names import graph_with_query_names, warn_rows_without_facts
from graphkit.kg.query_overlap import warn_query_overlap

logger = logging.getLogger(__name__)


def load_inference_split(
    root: str | Path, name: str, layout: InferenceLayout
) -> InductiveSplit:
    """Load ``root/name`` in the ILPC 2022 or InGram ``layout``.

    The training graph numbers the entities and relations of its file in order of
    first appearance. The inference graph numbers its own, in order of first
    appearance in the inference file, then the validation file, then the test file,
    as ULTRA's loader does. The two graphs share no ids, so a relation keeps its name
    but may get another id in each graph. ULTRA's scores do not depend on relation ids.

    Returns:
        InductiveSplit: ``train`` contains the training graph and no queries, because
        both query files belong to the inference graph. ``valid`` and ``test`` rank
        their queries on the inference graph, filtered with the inference graph and
        both query files. Repeated facts count once, query rows are all kept, and
        query rows with a name without facts are kept with a warning
        (:mod:`graphkit.kg.query_names`).

    Raises:
        KGFormatError: a file of the layout is missing or malformed, or the training
            or inference graph has no facts.
    """
    folder = Path(root).expanduser() / name
    _check_files(folder, layout)
    _warn_other_layout_files(folder, layout)
    train = drop_repeated_facts(_read_dataset_file(folder / layout.train))
    inference = drop_repeated_facts(_read_dataset_file(folder / layout.inference))
    # An empty query file is an empty query set, which evaluate rejects by name only
    # when that set is evaluated.
    valid = _read_dataset_file(folder / layout.valid, allow_empty=True)
    test = _read_dataset_file(folder / layout.test, allow_empty=True)

    train_graph = graph_with_query_names(train, [])
    inference_graph = graph_with_query_names(inference, [valid, test])
    encoded = []
    for part in (valid, test):
        warn_rows_without_facts(part, inference_graph, inference.source)
        queries = inference_graph.encode(part.rows, part.source, part.lines)
        warn_query_overlap(part, queries, inference_graph, inference.source)
        encoded.append(queries)
    valid_queries, test_queries = encoded
    known_triples = torch.cat([inference_graph.triples, valid_queries, test_queries])
    return InductiveSplit(
        train=LinkPredictionSet(
            train_graph, train_graph.triples[:0], train_graph.triples, f"{name}/train"
        ),
        test=LinkPredictionSet(
            inference_graph, test_queries, known_triples, f"{name}/test"
        ),
        name=name,
        valid=LinkPredictionSet(
            inference_graph, valid_queries, known_triples, f"{name}/valid"
        ),
    )


def _check_files(folder: Path, layout: InferenceLayout) -> None:
    """Raise KGFormatError naming the files of ``layout`` that ``folder`` lacks."""
    missing = [file for file in layout.files if not (folder / file).is_file()]
    if not missing:
        return
    present = sorted(path.name for path in folder.iterdir())
    raise KGFormatError(
        folder,
        None,
        f"{layout.title} dataset folder is missing {', '.join(missing)} (it contains "
        f"{', '.join(present)}). Add {'it' if len(missing) == 1 else 'them'} with one "
        f"head, relation, tail row per line, because the {layout.title} layout reads "
        f"{', '.join(layout.files)}",
    )


def _warn_other_layout_files(folder: Path, layout: InferenceLayout) -> None:
    """Warn about files in ``folder`` that another layout reads and ``layout`` ignores.

    An ILPC 2022 folder with ``valid.txt`` or ``test.txt`` (InGram's query files, and
    a transductive folder's) ranks only ``inference_validation.txt`` and
    ``inference_test.txt``. The marker files of another layout never get here,
    because :func:`graphkit.kg.layouts.inference_layout` rejects such a folder.
    """
    other_files = {
        file
        for other in INFERENCE_LAYOUTS
        if other is not layout
        for file in other.files
    }
    ignored = sorted(
        file for file in other_files - set(layout.files) if (folder / file).is_file()
    )
    if not ignored:
        return
    logger.warning(
        "%s: %s %s ignored, because the folder has the %s layout, which reads %s",
        folder,
        ", ".join(ignored),
        "is" if len(ignored) == 1 else "are",
        layout.title,
        ", ".join(layout.files),
    )
