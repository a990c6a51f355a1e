"""Python API of ULTRA: load a checkpoint, predict top-k answers by name, score triples.

Example::

    from graphkit.kg import Ultra, load_graph

    kg = load_graph("triples.tsv")            # head<TAB>relation<TAB>tail per line
    model = Ultra.from_pretrained("ultra_3g.pth")
    model.predict(kg, head="Paris", relation="capital_of", k=10)   # [(name, logit), ...]
    model.predict(kg, relation="capital_of", tail="France")        # head query
"""

from __future__ import annotations

import io
import logging
import numbers
import pickle
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Union

import torch
from torch import Tensor

from graphkit.atomic_files import write_atomically
from graphkit.kg import checkpoint
from graphkit.kg.graph import KnowledgeGraph, check_id_ranges, check_triples
from graphkit.kg.model import UltraNet, fact_graph
from graphkit.kg.pretraining_graphs import released_checkpoint_name
from graphkit.option_names import option
from graphkit.whole_numbers import WrongTypeError, as_whole_number

if TYPE_CHECKING:
    from graphkit.kg.evaluate import AnswerIndex

logger = logging.getLogger(__name__)

Names = Union[str, Sequence[str]]  # noqa: UP007 (setup.py allows Python 3.9)
Query = tuple  # (head or None, relation, tail or None)


class Ultra(UltraNet):
    """ULTRA with loading, prediction by name and triple scoring.

    Args:
        dim (int): hidden size. (default: ``64``, the released checkpoints)
        num_layers (int): layers per network. (default: ``6``)
        aggregation (str): ``"lean"`` (default) or ``"plain"`` message aggregation.
    """

    @classmethod
    def from_pretrained(
        cls,
        path_or_url: str | Path,
        cache_dir: str | Path | None = None,
        sha256: str | None = None,
        aggregation: str = "lean",
    ) -> Ultra:
        """Load a checkpoint with ``strict=True``.

        Args:
            path_or_url: a local file, an ``http(s)://`` or ``file://`` URL (downloaded
                once into ``cache_dir`` and checked against ``sha256``), or a released
                name ``"ultra_3g"``, ``"ultra_4g"``, ``"ultra_50g"`` (known checksums).
            cache_dir: download folder; default ``$GRAPHKIT_CACHE/ultra`` or
                ``~/.cache/graphkit/ultra``.
            sha256 (str, optional): expected checksum of the file, checked for a
                local file as for a downloaded one.
            aggregation (str): ``"lean"`` or ``"plain"``.
        """
        path = checkpoint.resolve(path_or_url, cache_dir, sha256)
        state = checkpoint.load_state_dict(path)
        dim, num_layers = checkpoint.architecture_of(state, path)
        model = cls(dim=dim, num_layers=num_layers, aggregation=aggregation)
        checkpoint.check_state_fits(model, state, path)
        checkpoint.check_finite_weights(state, path)
        model.load_state_dict(state, strict=True)
        model.eval()
        released = released_checkpoint_name(path)
        if released is not None:
            model._released = _ReleasedWeights(released, model)
        logger.info(
            "loaded %s (%d parameters, dim %d, %d layers)",
            path,
            sum(p.numel() for p in model.parameters()),
            dim,
            num_layers,
        )
        return model

    # The released checkpoint that from_pretrained loaded, with its weights.
    _released: _ReleasedWeights | None = None

    @property
    def released_checkpoint(self) -> str | None:
        """Name of the released checkpoint (``"ultra_3g"``) whose weights the model has.

        :meth:`from_pretrained` sets it when the file is a released one (by its
        SHA-256). It becomes None once a parameter value differs from the release, as
        after an optimizer step or a round trip through ``.half()`` and ``.float()``.
        A move to another device or a lossless cast (``.double()``) keeps it.
        :func:`~graphkit.kg.evaluate` reads it to warn about ranks on the checkpoint's
        pre-training graphs.
        """
        if self._released is None:
            return None
        return self._released.name if self._released.matches(self) else None

    @property
    def config(self) -> dict[str, int]:
        return {
            "dim": self.relation_model.dim,
            "num_layers": len(self.relation_model.layers),
        }

    def save(self, path: str | Path, **extra) -> None:
        """Write ``{"model": state_dict, "config": ..., **extra}`` to ``path``.

        The file is written under a temporary name and then renamed, so an interrupted
        save leaves an earlier file at ``path`` intact. A pipe or device is written in
        place. A leading ``~`` is expanded to the home folder.

        Raises:
            ValueError: an ``extra`` key is ``"model"`` or ``"config"``, or an
                ``extra`` value does not load with ``torch.load(weights_only=True)``
                (as :meth:`from_pretrained` loads), such as a dataclass or a Path.
                Nothing is written then.
        """
        path = Path(path).expanduser()
        if path.is_dir():
            raise IsADirectoryError(
                f"cannot save the model to {path}: it is a folder. Give a file path "
                f"such as {path / 'ultra.pth'}"
            )
        _check_extra_entries(extra)
        state = {"model": self.state_dict(), "config": self.config, **extra}
        write_atomically(path, lambda temporary: torch.save(state, temporary))

    # ------------------------------------------------------------ prediction
    @torch.no_grad()
    def predict(
        self,
        kg: KnowledgeGraph,
        head: Names | None = None,
        relation: Names | None = None,
        tail: Names | None = None,
        k: int = 10,
        queries: Sequence[Query] | None = None,
        batch_size: int = 16,
        exclude_known: bool = False,
    ):
        """Return the ``k`` best-scoring answers of link queries, by name.

        Give ``head`` and ``relation`` for tail queries ``(head, relation, ?)``, or
        ``relation`` and ``tail`` for head queries ``(?, relation, tail)``. Each may be a
        name or a list of names (a single name is repeated). Or give ``queries`` as
        ``(head, relation, None)`` / ``(None, relation, tail)`` tuples to mix both.

        Args:
            kg (KnowledgeGraph): the graph to reason over; all names must be in it.
            k (int): answers per query. (default: ``10``)
            batch_size (int): queries scored together. (default: ``16``)
            exclude_known (bool): drop answers that already form a fact in ``kg``.
                (default: ``False``)

        Returns:
            ``[(name, logit), ...]`` best first for one query given as plain names, else
            one such list per query.
        """
        _check_count(k, "k")
        _check_batch_size(batch_size)
        single, queries = _normalise_queries(head, relation, tail, queries)
        sources, query_index = self._encode_queries(kg, queries)
        k = min(k, kg.num_entities)
        known = None
        if exclude_known:
            from graphkit.kg.evaluate import AnswerIndex

            known = AnswerIndex.build(kg.triples, kg.num_relations)
        results = []
        graph = fact_graph(kg, self._device())
        for start in range(0, sources.numel(), batch_size):
            batch_sources = sources[start : start + batch_size]
            batch_index = query_index[start : start + batch_size]
            scores = self(
                graph,
                batch_sources.to(graph.edge_index.device),
                batch_index.to(graph.edge_index.device),
            ).cpu()
            results.extend(
                _top_answers(scores, known, batch_sources, batch_index, k, kg)
            )
        return results[0] if single else results

    @torch.no_grad()
    def score(
        self,
        kg: KnowledgeGraph,
        triples: Sequence[Sequence[str]] | Tensor,
        batch_size: int = 16,
    ) -> Tensor:
        """Return the logit of each ``(head, relation, tail)`` triple, shape ``(T,)``.

        ``triples`` are names, or an id tensor of shape ``(T, 3)``. Each triple is scored
        as the tail query ``(head, relation, ?)``, so a higher logit means the model
        prefers ``tail`` among all entities.
        """
        _check_batch_size(batch_size)
        ids = check_triples(
            triples if isinstance(triples, Tensor) else kg.encode(triples)
        )
        check_id_ranges(
            ids,
            kg.num_entities,
            kg.num_relations,
            "give ids of kg, with original relation ids (not inverse ones)",
            "triples",
        )
        graph = fact_graph(kg, self._device())
        device = graph.edge_index.device
        out = []
        for start in range(0, ids.size(0), batch_size):
            chunk = ids[start : start + batch_size].to(device)
            out.append(
                self(graph, chunk[:, 0], chunk[:, 1], chunk[:, 2:3]).squeeze(1).cpu()
            )
        return torch.cat(out) if out else torch.zeros(0)

    def _device(self) -> torch.device:
        return next(self.parameters()).device

    @staticmethod
    def _encode_queries(
        kg: KnowledgeGraph, queries: Sequence[Query]
    ) -> tuple[Tensor, Tensor]:
        sources, query_index = [], []
        for position, query in enumerate(queries):
            if isinstance(query, str) or len(query) != 3:
                raise ValueError(
                    f"query {position} {query!r} must be a (head, relation, tail) "
                    "tuple with None for the entity to predict"
                )
            head, relation, tail = query
            if (head is None) == (tail is None):
                raise ValueError(
                    f"query {position} {(head, relation, tail)!r} must give "
                    "exactly one of head and tail"
                )
            relation_id = kg.relation_id(relation)
            if head is not None:
                sources.append(kg.entity_id(head))
                query_index.append(relation_id)
            else:
                sources.append(kg.entity_id(tail))
                query_index.append(relation_id + kg.num_relations)
        return torch.tensor(sources, dtype=torch.long), torch.tensor(
            query_index, dtype=torch.long
        )


def _parameter_marks(model: torch.nn.Module) -> tuple[tuple[int, int], ...]:
    """Return each parameter's version counter and data address.

    In-place changes increment the counter. Casts and moves (``.half()``, ``.to()``)
    assign ``param.data``, which keeps the counter but changes the address.
    """
    return tuple((p._version, p.data_ptr()) for p in model.parameters())


class _ReleasedWeights:
    """A released checkpoint's name and a CPU copy of its weights as loaded."""

    def __init__(self, name: str, model: torch.nn.Module) -> None:
        self.name = name
        self.values = [p.detach().to("cpu", copy=True) for p in model.parameters()]
        self.marks = _parameter_marks(model)

    def matches(self, model: torch.nn.Module) -> bool:
        """Return whether every parameter of ``model`` still has the released value.

        Unchanged counters and addresses prove it without reading the values. Else
        the values are compared in float64, which represents float16, bfloat16 and
        float32 values exactly, so a rounding cast fails and a lossless one passes.
        """
        marks = _parameter_marks(model)
        if marks == self.marks:
            return True
        parameters = list(model.parameters())
        if len(parameters) != len(self.values):
            return False
        for parameter, value in zip(parameters, self.values):
            if parameter.shape != value.shape or not torch.equal(
                parameter.detach().to("cpu", torch.float64), value.to(torch.float64)
            ):
                return False
        # The same values: later calls take the fast path until the next change.
        self.marks = marks
        return True


def _check_extra_entries(extra: dict) -> None:
    """Raise ValueError for an entry that :meth:`Ultra.save` must not write.

    The keys ``model`` and ``config`` would replace the weights or the architecture.
    A value that ``torch.load(weights_only=True)`` rejects would make the whole file
    unreadable by :meth:`Ultra.from_pretrained`.
    """
    for key in ("model", "config"):
        if key in extra:
            raise ValueError(
                "Ultra.save writes the weights under 'model' and the architecture "
                f"under 'config', so an extra entry {key}=... would replace one of "
                "them. Pass it under another name"
            )
    for key, value in extra.items():
        buffer = io.BytesIO()
        torch.save(value, buffer)
        buffer.seek(0)
        try:
            torch.load(buffer, weights_only=True)
        except pickle.UnpicklingError as error:
            raise ValueError(
                f"Ultra.save cannot store {key}={type(value).__name__}(...), because "
                "from_pretrained loads with torch.load(weights_only=True), which "
                "rejects such objects. Convert it to tensors, numbers, strings, or "
                "lists and dicts of them first, for example with dataclasses.asdict "
                "or str(path)"
            ) from error


def _top_answers(
    scores: Tensor,
    known: AnswerIndex | None,
    sources: Tensor,
    query_index: Tensor,
    k: int,
    kg: KnowledgeGraph,
) -> list[list[tuple[str, float]]]:
    """Return the ``k`` best ``(name, logit)`` pairs of each row of ``scores`` ``(B, V)``.

    Known answers are left out when ``known`` is given. NaN logits rank below every
    number, because ``topk`` would otherwise return them first.
    """
    nan = scores.isnan()
    if bool(nan.any()):
        logger.warning(
            "%d of %d scores are NaN and rank last", int(nan.sum()), nan.numel()
        )
    # Sort by logit, then stably by group, so numbers (group 0) come before NaN (1)
    # and known answers (2).
    group = nan.long()
    if known is not None:
        group = group.masked_fill(known.mask(sources, query_index, kg.num_entities), 2)
    order = scores.masked_fill(nan, float("-inf")).argsort(
        dim=1, descending=True, stable=True
    )
    order = order.gather(1, group.gather(1, order).argsort(dim=1, stable=True))
    order = order[:, :k]
    keep = group.gather(1, order) < 2
    results = []
    for row, (indices, kept) in enumerate(zip(order.tolist(), keep.tolist())):
        results.append(
            [
                (kg.entity_names[i], float(scores[row, i]))
                for i, is_kept in zip(indices, kept)
                if is_kept
            ]
        )
    return results


def _check_count(value, name: str) -> None:
    """Raise unless ``value`` is a whole number of at least 1 (``bool`` excluded)."""
    if as_whole_number(value, tensors=False) is None:
        raise WrongTypeError(
            f"{option(name)} must be a whole number, got {value!r} "
            f"({type(value).__name__})"
        )
    if value < 1:
        raise ValueError(f"{option(name)} must be at least 1, got {value}")


def _check_batch_size(batch_size: int) -> None:
    _check_count(batch_size, "batch_size")


def _normalise_queries(head, relation, tail, queries) -> tuple[bool, list[Query]]:
    """Return ``(single, queries)`` from the keyword forms accepted by ``predict``."""
    if queries is not None:
        if head is not None or relation is not None or tail is not None:
            raise ValueError(
                "give either queries=[...] or head/relation/tail, not both"
            )
        return False, [tuple(q) for q in queries]
    if relation is None:
        raise ValueError(
            "relation is required: predict(kg, head=..., relation=...) or "
            "predict(kg, relation=..., tail=...)"
        )
    if (head is None) == (tail is None):
        raise ValueError(
            "give exactly one of head= (to predict tails) and tail= (to predict heads)"
        )
    anchor = head if head is not None else tail
    anchor_name = "head" if head is not None else "tail"
    for name, value in ((anchor_name, anchor), ("relation", relation)):
        if isinstance(value, (numbers.Number, Tensor)):
            raise TypeError(
                f"{name} must be a name (str) or a list of names, got "
                f"{type(value).__name__}. Look up the names of ids in kg.entity_names "
                "and kg.relation_names"
            )
    single = isinstance(anchor, str) and isinstance(relation, str)
    anchors = [anchor] if isinstance(anchor, str) else list(anchor)
    relations = [relation] if isinstance(relation, str) else list(relation)
    if len(relations) == 1:
        relations = relations * len(anchors)
    if len(anchors) == 1:
        anchors = anchors * len(relations)
    if len(anchors) != len(relations):
        raise ValueError(
            f"got {len(anchors)} entities and {len(relations)} relations; "
            "give lists of equal length or a single name"
        )
    if head is not None:
        return single, [(a, r, None) for a, r in zip(anchors, relations)]
    return single, [(None, r, a) for a, r in zip(anchors, relations)]
