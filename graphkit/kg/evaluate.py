"""Filtered link-prediction ranking over all entities (the standard KG protocol).

Every query triple ``(h, r, t)`` gives a tail query ``(h, r, ?)`` and a head query
``(?, r, t)``, run as the tail query ``(t, r + R, ?)``. Each ranks the true answer
against every entity; candidates that form another known true triple are removed
(filtered setting), and by default ties count against the model (pessimistic):

.. math::
    \\mathrm{rank} = 1 + |\\{e \\notin F(s, \\rho) : \\mathrm{score}(e) \\ge
    \\mathrm{score}(\\mathrm{answer})\\}|,

where :math:`F(s, \\rho)` holds all known answers of the query, the true one included.
The ULTRA reference code ranks this way. ``ties="optimistic"`` counts only strictly
better candidates, and ``ties="realistic"`` takes the mean of both, which is the
expected rank when ties are broken at random (PyKEEN names the three the same way).
MRR and Hits@k average over the head and tail ranks together.

A query row whose head, relation or tail has no facts in the graph it is ranked on
gets uninformed ranks (see :mod:`graphkit.kg.query_names`). :func:`evaluate` counts
them and, when there are any, also reports the metrics over the other ranks.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import torch
from torch import Tensor
from tqdm.auto import tqdm

from graphkit.kg.graph import KnowledgeGraph, check_id_ranges, check_triples
from graphkit.kg.io import InductiveSplit, LinkPredictionSet
from graphkit.kg.model import UltraNet, fact_graph
from graphkit.kg.pretraining_graphs import released_graph_note
from graphkit.kg.query_names import queries_without_facts
from graphkit.kg.rank_inputs import check_rank_inputs
from graphkit.option_names import option
from graphkit.whole_numbers import WrongTypeError, as_whole_number

logger = logging.getLogger(__name__)

HITS_AT = (1, 3, 10)
TIE_POLICIES = ("pessimistic", "optimistic", "realistic")


def to_tail_queries(
    triples: Tensor, num_relations: int
) -> tuple[Tensor, Tensor, Tensor]:
    """Turn ``(h, r, t)`` triples into tail queries ``(h, r)`` then head queries
    ``(t, r + R)``; returns ``(sources, query_index, answers)``, each of shape ``(2T,)``."""
    heads, relations, tails = triples.unbind(1)
    sources = torch.cat([heads, tails])
    query_index = torch.cat([relations, relations + num_relations])
    answers = torch.cat([tails, heads])
    return sources, query_index, answers


@dataclass
class AnswerIndex:
    """All known answers of each tail-form query ``(s, rho)``, for filtering.

    ``keys`` (sorted, unique) encode ``s * 2R + rho``; the answers of ``keys[i]`` are
    ``answers[offsets[i]:offsets[i + 1]]``.
    """

    keys: Tensor
    offsets: Tensor
    answers: Tensor
    num_types: int

    @classmethod
    def build(cls, triples: Tensor, num_relations: int) -> AnswerIndex:
        sources, query_index, answers = to_tail_queries(triples, num_relations)
        num_types = 2 * num_relations
        keys = sources * num_types + query_index
        # Sort by key, then by answer, with two stable sorts. One combined key
        # (key * V + answer) would overflow int64 once s * 2R * V reaches 2**63.
        order = torch.argsort(answers, stable=True)
        order = order[torch.argsort(keys[order], stable=True)]
        keys, answers = keys[order], answers[order]
        unique_keys, counts = torch.unique_consecutive(keys, return_counts=True)
        offsets = torch.zeros(unique_keys.numel() + 1, dtype=torch.long)
        offsets[1:] = torch.cumsum(counts, 0)
        return cls(unique_keys, offsets, answers, num_types)

    def mask(self, sources: Tensor, query_index: Tensor, num_entities: int) -> Tensor:
        """Boolean ``(B, V)`` mask of the known answers of each query."""
        keys = sources * self.num_types + query_index
        mask = torch.zeros(keys.numel(), num_entities, dtype=torch.bool)
        if self.keys.numel() == 0:
            return mask
        position = torch.searchsorted(self.keys, keys).clamp(max=self.keys.numel() - 1)
        hit = self.keys[position] == keys
        starts, stops = self.offsets[position], self.offsets[position + 1]
        counts = torch.where(hit, stops - starts, torch.zeros_like(starts))
        rows = torch.repeat_interleave(torch.arange(keys.numel()), counts)
        within = torch.arange(int(counts.sum())) - torch.repeat_interleave(
            torch.cumsum(counts, 0) - counts, counts
        )
        columns = self.answers[torch.repeat_interleave(starts, counts) + within]
        mask[rows, columns] = True
        return mask


def filtered_ranks(
    scores: Tensor, answers: Tensor, known: Tensor, ties: str = "pessimistic"
) -> Tensor:
    """Filtered rank of each answer.

    Args:
        scores (Tensor): ``(B, V)`` logits.
        answers (LongTensor): ``(B,)`` true entity per query.
        known (BoolTensor): ``(B, V)`` candidates to ignore; the answer itself is always
            ignored as a competitor.
        ties (str): how candidates scored equal to the answer count. ``"pessimistic"``
            ranks the answer after all of them, ``"optimistic"`` before all of them,
            and ``"realistic"`` takes the mean of the two. (default: ``"pessimistic"``)

    Returns:
        Tensor: ``(B,)`` ranks starting at 1, a LongTensor, or float64 for
        ``"realistic"`` (half ranks occur).

    Raises:
        TypeError, ValueError: an input has another shape or dtype than the ones
            above, or an answer lies outside ``[0, V)``.

    A NaN score ranks as the lowest. A true entity scored NaN therefore gets the worst rank
    under every tie policy, not rank 1, which it would otherwise get because every
    comparison with NaN is false.
    """
    if ties not in TIE_POLICIES:
        raise ValueError(
            f"{option('ties')} must be one of {TIE_POLICIES}, got {ties!r}"
        )
    answers, known = check_rank_inputs(scores, answers, known)
    nan = scores.isnan()
    if bool(nan.any()):
        logger.warning(
            "%d of %d scores are NaN and rank last", int(nan.sum()), nan.numel()
        )
        scores = scores.masked_fill(nan, float("-inf"))
    batch = torch.arange(answers.numel())
    true_scores = scores[batch, answers].unsqueeze(1)
    competitors = known.clone()
    competitors[batch, answers] = True
    # A NaN answer ties with every other NaN and -inf candidate, and must still rank
    # after them.
    tied_last = nan[batch, answers]
    better = ((scores > true_scores) & ~competitors).sum(dim=1)
    # A NaN candidate ranks below every number, -inf included, so it ties only with a
    # NaN answer.
    ties_possible = ~competitors & (~nan | tied_last.unsqueeze(1))
    tied = ((scores == true_scores) & ties_possible).sum(dim=1)
    if ties == "pessimistic":
        return 1 + better + tied
    if ties == "optimistic":
        return 1 + better + torch.where(tied_last, tied, 0)
    return 1.0 + better + torch.where(tied_last, tied.double(), tied / 2.0)


def summarize_ranks(ranks: Tensor) -> dict[str, float]:
    """MRR, MR and Hits@1/3/10 of a rank vector.

    Raises:
        ValueError: If ``ranks`` is empty, because every mean is then undefined, or
            contains a value below 1 or NaN, which no ranking produces.
    """
    ranks = torch.as_tensor(ranks)
    if ranks.numel() == 0:
        raise ValueError(
            "cannot summarize an empty rank vector: the evaluated set has no "
            "queries. Pass a LinkPredictionSet with at least one query triple"
        )
    ranks = ranks.double().reshape(-1)
    invalid = ranks.isnan() | (ranks < 1)
    if bool(invalid.any()):
        first = int(invalid.nonzero()[0])
        raise ValueError(
            f"ranks start at 1, but {int(invalid.sum())} of {ranks.numel()} are below "
            f"1 or NaN (first: {float(ranks[first])} at index {first}). Pass the "
            "output of filtered_ranks or evaluate_ranks"
        )
    metrics = {"mrr": float((1.0 / ranks).mean()), "mr": float(ranks.mean())}
    for k in HITS_AT:
        metrics[f"hits@{k}"] = float((ranks <= k).double().mean())
    metrics["num_ranks"] = int(ranks.numel())
    return metrics


@torch.no_grad()
def evaluate_ranks(
    model: UltraNet,
    dataset: LinkPredictionSet,
    batch_size: int = 16,
    progress: bool = False,
    ties: str = "pessimistic",
) -> Tensor:
    """Return the filtered rank of every tail and head query of ``dataset``, shape
    ``(2Q,)`` (tail queries first). ``ties`` is as in :func:`filtered_ranks`."""
    check_query_set(dataset)
    if ties not in TIE_POLICIES:
        raise ValueError(
            f"{option('ties')} must be one of {TIE_POLICIES}, got {ties!r}"
        )
    # True as a batch size is a slip, not a size of 1, so a bool is rejected too.
    if as_whole_number(batch_size, tensors=False) is None:
        raise WrongTypeError(
            f"{option('batch_size')} must be a whole number, got {batch_size!r} "
            f"({type(batch_size).__name__})"
        )
    if batch_size < 1:
        raise ValueError(f"{option('batch_size')} must be at least 1, got {batch_size}")
    graph = dataset.graph
    queries, filter_triples = _checked_triples(dataset)
    device = next(model.parameters()).device
    tensors = fact_graph(graph, device)
    index = AnswerIndex.build(filter_triples, graph.num_relations)
    sources, query_index, answers = to_tail_queries(queries, graph.num_relations)
    was_training = model.training
    model.eval()
    ranks = []
    bar = tqdm(
        total=sources.numel(),
        desc=f"ranking {dataset.name or 'queries'}",
        unit="query",
        disable=not progress,
    )
    # Close the bar and restore the training mode on an error or Ctrl-C as well, so
    # the bar's line ends before the caller prints its message.
    try:
        for start in range(0, sources.numel(), batch_size):
            stop = start + batch_size
            batch_sources = sources[start:stop]
            batch_index = query_index[start:stop]
            scores = model(
                tensors, batch_sources.to(device), batch_index.to(device)
            ).cpu()
            known = index.mask(batch_sources, batch_index, graph.num_entities)
            ranks.append(filtered_ranks(scores, answers[start:stop], known, ties))
            bar.update(batch_sources.numel())
    finally:
        bar.close()
        model.train(was_training)
    return torch.cat(ranks) if ranks else torch.zeros(0, dtype=torch.long)


def check_query_set(dataset) -> None:
    """Raise TypeError unless ``dataset`` is a :class:`LinkPredictionSet`.

    ``load_dataset`` returns a split of two query sets, and a graph has no queries,
    so the message names the attribute or class to pass instead.
    """
    if isinstance(dataset, LinkPredictionSet):
        return
    if isinstance(dataset, InductiveSplit):
        fix = (
            "Pass split.test (the test queries) or split.valid (the validation "
            "queries)"
        )
    elif isinstance(dataset, KnowledgeGraph):
        fix = (
            "A graph has no queries to rank: pass LinkPredictionSet(graph, queries, "
            "filter_triples), or a split from load_dataset such as split.test"
        )
    else:
        fix = "Pass a query set such as load_dataset(root, name).test"
    raise TypeError(
        f"evaluate expects a LinkPredictionSet, got {type(dataset).__name__}. {fix}"
    )


def _checked_triples(dataset: LinkPredictionSet) -> tuple[Tensor, Tensor]:
    """Return the queries and filter triples of ``dataset`` as ``(T, 3)`` long tensors.

    Raises:
        ValueError: an id lies outside ``dataset.graph``. A relation id of ``R`` or more
            names an inverse relation, which the ranking adds itself for head queries.
    """
    graph = dataset.graph
    checked = []
    for field in ("queries", "filter_triples"):
        triples = check_triples(getattr(dataset, field))
        check_id_ranges(
            triples,
            graph.num_entities,
            graph.num_relations,
            "give ids of dataset.graph with original relation ids only, because "
            "head queries are ranked as inverse tail queries automatically",
            f"{dataset.name or 'dataset'} {field}",
        )
        checked.append(triples)
    return checked[0], checked[1]


def summarize_informed_ranks(
    ranks: Tensor, rows_without_facts: Tensor
) -> dict[str, float]:
    """Count the uninformed ranks and, if there are any, summarize the other ranks.

    Args:
        ranks (Tensor): ``(2Q,)`` ranks as :func:`evaluate_ranks` returns them, the
            tail queries first.
        rows_without_facts (BoolTensor): ``(Q,)`` query rows that name an entity or
            relation without facts, as :func:`~graphkit.kg.query_names.queries_without_facts`
            returns them. Both ranks of such a row are uninformed.

    Returns:
        dict[str, float]: ``num_uninformed_ranks``. When it is above 0, also
        ``informed_num_ranks`` and, when that is above 0, the :func:`summarize_ranks`
        metrics of the informed ranks with the prefix ``informed_`` (``informed_mrr``,
        ``informed_hits@10``).
    """
    ranks = torch.as_tensor(ranks).reshape(-1)
    mask = torch.as_tensor(rows_without_facts).reshape(-1)
    if mask.dtype != torch.bool and not bool(((mask == 0) | (mask == 1)).all()):
        # A list of row indices would otherwise pass as a mask of True values.
        raise ValueError(
            "rows_without_facts must be a mask with one True/False (or 1/0) per "
            f"query row, got values {sorted(set(mask.tolist()))[:5]}. Pass the output "
            "of queries_without_facts, not row indices"
        )
    uninformed = mask.to(torch.bool)
    uninformed = uninformed.to(ranks.device).repeat(2)
    if uninformed.numel() != ranks.numel():
        raise ValueError(
            f"{ranks.numel()} ranks do not belong to {uninformed.numel() // 2} query "
            f"rows, which give {uninformed.numel()} ranks (a tail and a head query "
            "each). Pass the output of evaluate_ranks for the same query rows"
        )
    count = int(uninformed.sum())
    metrics: dict[str, float] = {"num_uninformed_ranks": count}
    if count == 0:
        return metrics
    informed = ranks[~uninformed]
    if informed.numel() == 0:
        metrics["informed_num_ranks"] = 0
        return metrics
    for key, value in summarize_ranks(informed).items():
        metrics[f"informed_{key}"] = value
    return metrics


def evaluate(
    model: UltraNet,
    dataset: LinkPredictionSet,
    batch_size: int = 16,
    progress: bool = False,
    ties: str = "pessimistic",
    warn_pretraining: bool = True,
) -> dict[str, float]:
    """Rank every query of ``dataset`` in both directions; return MRR, MR, Hits@1/3/10.

    The result also contains ``num_ranks`` and ``num_uninformed_ranks``, the ranks of
    query rows whose head, relation or tail has no facts in ``dataset.graph``. When
    that count is above 0, the keys of :func:`summarize_informed_ranks` give the
    metrics over the other ranks (``informed_mrr``, ``informed_hits@10``, ...), which
    can be reported next to the metrics over all ranks.

    Args:
        model (UltraNet): the model (an :class:`~graphkit.kg.Ultra` or its core).
        dataset (LinkPredictionSet): graph, queries and filter triples; for a GraIL
            split pass ``split.test``.
        batch_size (int): tail-form queries scored together. (default: ``16``)
        progress (bool): show a progress bar over batches. (default: ``False``)
        ties (str): ``"pessimistic"``, ``"optimistic"`` or ``"realistic"`` ranks of
            tied candidates, as in :func:`filtered_ranks`. (default: ``"pessimistic"``)
        warn_pretraining (bool): log a warning when ``model`` has the weights of a
            released checkpoint (:attr:`~graphkit.kg.Ultra.released_checkpoint`) and
            ``dataset`` comes from one of its pre-training graphs
            (:attr:`~graphkit.kg.LinkPredictionSet.pretraining_name`), because such
            ranks are not zero-shot results. (default: ``True``)
    """
    check_query_set(dataset)
    if dataset.queries.numel() == 0:
        # summarize_ranks also raises here, but its message does not name the set.
        raise ValueError(
            f"cannot evaluate {dataset.name or 'the dataset'}: it has no query triples, "
            "so MRR and Hits@k are undefined. Evaluate a split with at least one query"
        )
    if warn_pretraining:
        note = released_graph_note(
            getattr(model, "released_checkpoint", None),
            dataset.name or "the dataset",
            getattr(dataset, "pretraining_name", None),
        )
        if note is not None:
            logger.warning(note)
    ranks = evaluate_ranks(model, dataset, batch_size, progress, ties)
    metrics = summarize_ranks(ranks)
    without_facts = queries_without_facts(dataset.graph, check_triples(dataset.queries))
    metrics.update(summarize_informed_ranks(ranks, without_facts))
    logger.info(
        "%s: MRR %.4f, Hits@10 %.4f over %d ranks (%d uninformed)",
        dataset.name or "evaluation",
        metrics["mrr"],
        metrics["hits@10"],
        metrics["num_ranks"],
        metrics["num_uninformed_ranks"],
    )
    return metrics
