"""Pre-training and fine-tuning of ULTRA with self-adversarial negative sampling.

Each step draws one training graph with probability proportional to its number of facts,
then ``batch_size`` of its facts. The first half of the batch queries tails
``(h, r, ?)``, the second half heads (run as ``(t, r + R, ?)``). Each query ranks its
true answer against ``num_negatives`` entities drawn uniformly from those that are not
known answers ("strict" negatives). The loss is binary cross-entropy with logits,
negatives weighted by self-adversarial sampling (Sun et al., RotatE, ICLR 2019, Eq. 5):

.. math::
    \\mathcal{L} = \\frac{\\ell(s_0, 1) + \\sum_i p_i\\, \\ell(s_i, 0)}{1 + \\sum_i p_i},
    \\qquad p = \\mathrm{softmax}(s_{1..n} / T)\\ \\text{(no gradient)}.

Before the forward pass the batch's own facts and their inverses are removed from the
message-passing graph ("easy edges"), so the model cannot read the answer off a direct
edge. The relation graph of the full graph is kept.

Checkpoints contain the model, the optimizer, the step and the sampler's random state, so a
run resumed from ``step_<n>.pth`` with the same graphs and settings continues exactly as
the uninterrupted run would have. They also contain a fingerprint of each training
graph, and a resume on other graphs raises ValueError. A resume on the same facts in
another row order logs a warning, because it draws other batches.
"""

from __future__ import annotations

import logging
import math
import os
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import Tensor
from tqdm.auto import tqdm

from graphkit.embed.memory_budget import available_memory_bytes
from graphkit.int64 import INT64_MAX, out_of_range_message
from graphkit.kg.checkpoint import check_state_fits
from graphkit.kg.checkpoint_folder import (
    check_new_run_folder,
    check_no_checkpoint_folders,
)
from graphkit.kg.evaluate import AnswerIndex
from graphkit.kg.graph import KnowledgeGraph
from graphkit.kg.graph_fingerprint import (
    check_same_graphs,
    graph_fingerprint,
    graph_order_fingerprint,
)
from graphkit.kg.io import InductiveSplit, LinkPredictionSet
from graphkit.kg.model import FactGraph, UltraNet, fact_graph
from graphkit.kg.train_inputs import check_trainable, merge_settings
from graphkit.option_names import flag, from_command_line, option
from graphkit.train.config import ADAM_MAX_LR
from graphkit.train.progress import logs_above_bar
from graphkit.whole_numbers import WrongTypeError, as_whole_number

logger = logging.getLogger(__name__)


@dataclass
class TrainConfig:
    """Settings of :func:`pretrain` and :func:`finetune`.

    Args:
        steps (int): optimizer steps. (default: ``100``)
        batch_size (int): positive facts per step, half tail and half head queries.
            (default: ``16``)
        num_negatives (int): negative entities per query. (default: ``256``)
        lr (float): AdamW learning rate. (default: ``5e-4``, as ULTRA's pre-training)
        weight_decay (float): AdamW weight decay. (default: ``0.01``)
        adversarial_temperature (float): temperature ``T``; ``0`` weights all negatives
            equally by ``1 / num_negatives``. (default: ``1.0``)
        strict_negatives (bool): draw negatives only among non-answers. (default: ``True``)
        remove_easy_edges (bool): drop the batch's facts from the graph. (default: ``True``)
        checkpoint_dir (str, optional): folder for ``step_<n>.pth`` and ``last.pth``
            (a leading ``~`` is expanded to the home folder). Unless the run
            resumes, it must not contain such files of another run.
        checkpoint_every (int): steps between checkpoints; ``0`` writes only the last.
        log_every (int): steps between INFO lines. (default: ``10``)
        seed (int): random seed of the sampler. (default: ``0``)
        progress (bool): show a progress bar. (default: ``False``)
    """

    steps: int = 100
    batch_size: int = 16
    num_negatives: int = 256
    lr: float = 5e-4
    weight_decay: float = 0.01
    adversarial_temperature: float = 1.0
    strict_negatives: bool = True
    remove_easy_edges: bool = True
    checkpoint_dir: str | None = None
    checkpoint_every: int = 0
    log_every: int = 10
    seed: int = 0
    progress: bool = False

    def __post_init__(self) -> None:
        _check_whole_numbers(self)
        _check_counts(self)
        _check_finite_rates(self)
        _check_signs(self)
        _check_learning_rate(self)
        _check_seed_range(self.seed)
        _check_checkpoint_dir(self.checkpoint_dir)


def _check_whole_numbers(config: TrainConfig) -> None:
    """Raise WrongTypeError for a count or seed that is not an int."""
    for name in (
        "steps",
        "batch_size",
        "num_negatives",
        "log_every",
        "checkpoint_every",
        "seed",
    ):
        value = getattr(config, name)
        # 1e4 is a float, which would fail only deep inside torch.
        if as_whole_number(value, tensors=False) is None:
            raise WrongTypeError(
                f"{option(name)} must be a whole number, got {value!r} "
                f"({type(value).__name__}). Pass an int, such as 10_000 for 1e4"
            )


def _check_counts(config: TrainConfig) -> None:
    """Raise ValueError for a count out of range, or a batch without a head query."""
    for name in ("steps", "batch_size", "num_negatives", "log_every"):
        if getattr(config, name) < 1:
            raise ValueError(
                f"{option(name)} must be at least 1, got {getattr(config, name)}"
            )
    # torch takes sizes and counts as 64-bit integers, so a larger one fails inside
    # torch with "Overflow when unpacking long long".
    minimums = {"steps": 1, "batch_size": 2, "num_negatives": 1, "log_every": 1}
    for name, minimum in {**minimums, "checkpoint_every": 0}.items():
        value = getattr(config, name)
        if value > INT64_MAX:
            raise ValueError(out_of_range_message(option(name, value), minimum))
    if config.batch_size < 2:
        raise ValueError(
            f"{option('batch_size')} must be at least 2 (one tail and one head "
            "query), "
            f"got {config.batch_size}"
        )


def _check_finite_rates(config: TrainConfig) -> None:
    """Raise ValueError for a NaN or infinite learning rate, decay or temperature."""
    for name in ("lr", "weight_decay", "adversarial_temperature"):
        value = getattr(config, name)
        if not math.isfinite(value):
            raise ValueError(
                f"{option(name)} must be a finite number, got {value}. NaN or infinity "
                "would turn the weights into NaN or silently change the loss"
            )


def _check_learning_rate(config: TrainConfig) -> None:
    """Raise ValueError for a learning rate that AdamW cannot take.

    AdamW passes 10 * lr at the first step to a kernel that takes a float32 factor,
    which fails with a traceback above the largest float32 (3.4e38).
    """
    if config.lr > ADAM_MAX_LR:
        raise ValueError(
            f"{option('lr', config.lr)} is out of range. Give a positive learning "
            f"rate up to {ADAM_MAX_LR:g}"
        )


def _check_signs(config: TrainConfig) -> None:
    """Raise ValueError for a negative decay, temperature or checkpoint interval.

    A learning rate of 0 or less raises too.
    """
    if config.weight_decay < 0:
        raise ValueError(
            f"{option('weight_decay')} must be at least 0, got {config.weight_decay}"
        )
    if (
        config.lr <= 0
        or config.adversarial_temperature < 0
        or config.checkpoint_every < 0
    ):
        raise ValueError(
            f"need {option('lr')} > 0, {option('adversarial_temperature')} >= 0 "
            f"and {option('checkpoint_every')} >= 0; got "
            f"{option('lr', config.lr)}, "
            f"{option('adversarial_temperature', config.adversarial_temperature)}, "
            f"{option('checkpoint_every', config.checkpoint_every)}"
        )


def _check_seed_range(seed: int) -> None:
    """Raise ValueError for a seed that torch.Generator.manual_seed rejects.

    torch 2.13 accepts seeds in [-2^63, 2^64). A seed outside that range fails only when
    training starts, with an overflow error that names neither the seed nor the range.
    """
    if not -(2**63) <= seed < 2**64:
        raise ValueError(
            f"{option('seed')} must lie in [-2^63, 2^64), the range of a torch seed, "
            f"got {seed}"
        )


def _check_checkpoint_dir(checkpoint_dir: str | None) -> None:
    """Raise ValueError for an empty ``checkpoint_dir``, which would save nothing."""
    if checkpoint_dir is not None and not str(checkpoint_dir).strip():
        raise ValueError(
            f"{option('checkpoint_dir')} is empty, so no checkpoint would be written. "
            f"Pass a folder, or {option('checkpoint_dir', None)} to train without "
            "checkpoints"
        )


def adversarial_loss(logits: Tensor, temperature: float) -> Tensor:
    """Self-adversarial BCE of ``logits`` ``(B, 1 + n)`` whose column 0 is the positive."""
    target = torch.zeros_like(logits)
    target[:, 0] = 1.0
    loss = F.binary_cross_entropy_with_logits(logits, target, reduction="none")
    weight = torch.ones_like(logits)
    with torch.no_grad():
        if temperature > 0:
            weight[:, 1:] = torch.softmax(logits[:, 1:] / temperature, dim=-1)
        else:
            weight[:, 1:] = 1.0 / (logits.size(1) - 1)
    return ((loss * weight).sum(-1) / weight.sum(-1)).mean()


def sample_negatives(
    sources: Tensor,
    query_index: Tensor,
    num_entities: int,
    num_negatives: int,
    known: AnswerIndex | None,
    generator: torch.Generator,
) -> Tensor:
    """Draw ``num_negatives`` entities per query, avoiding ``known`` answers when given.

    Returns:
        LongTensor: ``(B, num_negatives)``. A query whose every entity is an answer
        falls back to uniform draws.
    """
    batch_size = sources.numel()
    if known is None:
        return torch.randint(
            num_entities, (batch_size, num_negatives), generator=generator
        )
    allowed = ~known.mask(sources, query_index, num_entities)
    empty = ~allowed.any(dim=1)
    allowed[empty] = True
    if num_entities > MULTINOMIAL_MAX_CATEGORIES:
        return _draw_allowed(allowed, num_negatives, generator)
    return torch.multinomial(
        allowed.float(), num_negatives, replacement=True, generator=generator
    )


# torch.multinomial raises RuntimeError above this many categories (seen on torch 2.13).
MULTINOMIAL_MAX_CATEGORIES = 2**24


def _draw_allowed(
    allowed: Tensor, num_negatives: int, generator: torch.Generator
) -> Tensor:
    """Draw ``num_negatives`` columns per row of ``allowed`` ``(B, V)`` by rejection.

    Each draw is uniform among the row's ``True`` entries, so every row needs at least
    one ``True`` entry or the loop never ends.
    """
    batch_size, num_entities = allowed.shape
    negatives = torch.empty(batch_size, num_negatives, dtype=torch.long)
    for row in range(batch_size):
        accepted, found = [], 0
        while found < num_negatives:
            draw = torch.randint(
                num_entities, (2 * (num_negatives - found),), generator=generator
            )
            draw = draw[allowed[row, draw]]
            accepted.append(draw)
            found += draw.numel()
        negatives[row] = torch.cat(accepted)[:num_negatives]
    return negatives


def without_easy_edges(graph: FactGraph, facts: Tensor) -> FactGraph:
    """Remove the edges of ``facts`` ``(B, 3)`` and their inverses from ``graph``.

    NOTE: only the inverse type ``r + R`` is removed. A reverse fact stored under another
    relation stays, so the model may still read the answer from that edge.
    """
    num_types = 2 * graph.num_relations
    heads, relations, tails = facts.unbind(1)
    edges = torch.stack([graph.edge_index[0], graph.edge_type, graph.edge_index[1]])
    easy = torch.cat(
        [
            torch.stack([heads, relations, tails]),
            torch.stack([tails, relations + graph.num_relations, heads]),
        ],
        dim=1,
    )
    if graph.num_entities**2 * num_types < 2**63:
        # Number each (source, type, target) column as (source * 2R + type) * V + target.
        scale = torch.tensor(
            [[num_types * graph.num_entities], [graph.num_entities], [1]],
            device=edges.device,
        )
        keep = ~torch.isin((edges * scale).sum(0), (easy * scale).sum(0))
    else:
        # (source, type, target) as one int64 number would overflow, so number
        # the distinct columns instead.
        _, ids = torch.unique(torch.cat([edges, easy], 1), dim=1, return_inverse=True)
        keep = ~torch.isin(ids[: edges.size(1)], ids[edges.size(1) :])
    return graph._replace(
        edge_index=graph.edge_index[:, keep], edge_type=graph.edge_type[keep]
    )


def _batch_queries(facts: Tensor, num_relations: int) -> tuple[Tensor, Tensor, Tensor]:
    """First half tail queries, second half head queries: ``(sources, index, answers)``."""
    half = facts.size(0) // 2
    heads, relations, tails = facts.unbind(1)
    sources = torch.cat([heads[:half], tails[half:]])
    query_index = torch.cat([relations[:half], relations[half:] + num_relations])
    answers = torch.cat([tails[:half], heads[half:]])
    return sources, query_index, answers


class _GraphState:
    """Per-graph tensors reused across steps: the fact graph and the answer index."""

    def __init__(
        self, graph: KnowledgeGraph, device: torch.device, strict: bool
    ) -> None:
        self.graph = graph
        self.tensors = fact_graph(graph, device)
        self.known = (
            AnswerIndex.build(graph.triples, graph.num_relations) if strict else None
        )


def train_step(
    model: UltraNet, state: _GraphState, config: TrainConfig, generator: torch.Generator
) -> Tensor:
    """Sample one batch of ``state.graph`` and return its loss (graph kept for backward)."""
    graph = state.graph
    picks = torch.randint(graph.num_facts, (config.batch_size,), generator=generator)
    facts = graph.triples[picks]
    sources, query_index, answers = _batch_queries(facts, graph.num_relations)
    negatives = sample_negatives(
        sources,
        query_index,
        graph.num_entities,
        config.num_negatives,
        state.known,
        generator,
    )
    candidates = torch.cat([answers.unsqueeze(1), negatives], dim=1)
    device = state.tensors.edge_index.device
    tensors = state.tensors
    if config.remove_easy_edges:
        tensors = without_easy_edges(tensors, facts.to(device))
    logits = model(
        tensors, sources.to(device), query_index.to(device), candidates.to(device)
    )
    return adversarial_loss(logits, config.adversarial_temperature)


# The schedule draws the graphs of SCHEDULE_BLOCK steps at a time, so the graph of a
# step is the same in runs of any length that reach it.
SCHEDULE_BLOCK = 1024
# Saved in each training checkpoint. Checkpoints without it come from the earlier
# schedule, one draw for all steps from the sampler's generator.
SCHEDULE_VERSION = 2
# Added to the seed of the schedule's own generator, so that its stream differs from
# the stream of the batch and negative sampler, which starts from the seed itself.
SCHEDULE_SEED_OFFSET = 0x9E3779B97F4A7C15


def graph_schedule(sizes: Tensor, steps: int, generator: torch.Generator) -> Tensor:
    """Draw the graph of each step with probability proportional to ``sizes``.

    The draws come in blocks of :data:`SCHEDULE_BLOCK` steps, so from the same
    generator state the first ``s`` steps are the same for every ``steps >= s``.
    """
    blocks = [
        torch.multinomial(
            sizes.double(), SCHEDULE_BLOCK, replacement=True, generator=generator
        )
        for _ in range(math.ceil(steps / SCHEDULE_BLOCK))
    ]
    return torch.cat(blocks)[:steps]


class LazyGraphSchedule:
    """The graphs of :func:`graph_schedule`, drawn one block at a time when read.

    A list of every step's graph needs about 36 bytes per step (an int and a list
    slot), 3.6 GB for ``steps=10**8``, before the first step. Only the block of the
    step read last is kept, so steps must be read in increasing order.
    """

    def __init__(self, sizes: Tensor, generator: torch.Generator) -> None:
        self.sizes = sizes.double()
        self.generator = generator
        self.block_number = -1
        self.block: list[int] = []

    def __getitem__(self, index: int) -> int:
        needed_block = index // SCHEDULE_BLOCK
        if needed_block < self.block_number:
            raise IndexError(
                f"step index {index} is in block {needed_block}, which was discarded "
                f"when block {self.block_number} was drawn. Read the schedule in "
                "increasing order"
            )
        while self.block_number < needed_block:
            self.block = torch.multinomial(
                self.sizes, SCHEDULE_BLOCK, replacement=True, generator=self.generator
            ).tolist()
            self.block_number += 1
        return self.block[index % SCHEDULE_BLOCK]


def schedule_generator(seed: int) -> torch.Generator:
    """Return the generator of the graph schedule for ``seed``."""
    return torch.Generator().manual_seed((seed + SCHEDULE_SEED_OFFSET) % 2**64)


def save_training_checkpoint(
    path: Path,
    model: UltraNet,
    optimizer: torch.optim.Optimizer,
    step: int,
    config: TrainConfig,
    generator: torch.Generator | None = None,
    graph_sizes: Sequence[int] = (),
    graph_fingerprints: Sequence[str] | None = None,
    graph_order_fingerprints: Sequence[str] | None = None,
) -> None:
    """Save the model, optimizer, step, settings, sampler state and facts per graph.

    ``graph_fingerprints`` (from :func:`~graphkit.kg.graph_fingerprint.graph_fingerprint`)
    are saved when given, so that a resume can reject other graphs, and so are
    ``graph_order_fingerprints`` (from
    :func:`~graphkit.kg.graph_fingerprint.graph_order_fingerprint`), so that it can
    warn about reordered facts. The file can be loaded with
    ``torch.load(..., weights_only=True)``.

    Raises:
        OSError: the file cannot be written (a missing folder, a full disk). The
            message names ``path`` and the cause.
    """
    payload = {
        "model": model.state_dict(),
        "optimizer": optimizer.state_dict(),
        "step": step,
        "train_config": {k: v for k, v in asdict(config).items() if v is not None},
        "graph_sizes": [int(size) for size in graph_sizes],
        "schedule_version": SCHEDULE_VERSION,
    }
    if generator is not None:
        payload["generator"] = generator.get_state()
    if graph_fingerprints is not None:
        payload["graph_fingerprints"] = list(graph_fingerprints)
    if graph_order_fingerprints is not None:
        payload["graph_order_fingerprints"] = list(graph_order_fingerprints)
    if hasattr(model, "config"):
        payload["config"] = model.config
    # Write to a temporary name first. An interrupted save then cannot leave a
    # truncated file under the final name, where a later resume would read it.
    partial = path.with_name(path.name + ".part")
    try:
        torch.save(payload, partial)
        os.replace(partial, path)
    except (OSError, RuntimeError) as error:
        # torch.save (torch 2.13) raises a RuntimeError of its zip writer when it cannot
        # open or write the file, and the message does not always name the file.
        detail = error.strerror if isinstance(error, OSError) else None
        detail = detail or str(error).rstrip(".")
        raise OSError(f"cannot write checkpoint {path} ({detail})") from error
    finally:
        # A failed save (a full disk, say) must not leave a half-written file.
        if partial.exists():
            partial.unlink()
    logger.info("wrote checkpoint %s", path)


RESUME_KEYS = ("model", "optimizer", "step", "generator")

# Settings that change the training steps after a resume. The others change only logs
# and output files.
RUN_SETTINGS = (
    "batch_size",
    "num_negatives",
    "lr",
    "weight_decay",
    "adversarial_temperature",
    "strict_negatives",
    "remove_easy_edges",
    "seed",
)


def restore_training_checkpoint(
    path: str | Path,
    model: UltraNet,
    optimizer: torch.optim.Optimizer,
    generator: torch.Generator,
    config: TrainConfig,
    graph_sizes: Sequence[int],
    graph_fingerprints: Sequence[str] | None = None,
    graph_order_fingerprints: Sequence[str] | None = None,
) -> int:
    """Load a training checkpoint into ``model``, ``optimizer`` and ``generator``.

    Returns the step at which :func:`save_training_checkpoint` saved the file. With
    ``graph_fingerprints``, this run's graphs must be those of the checkpoint. A
    checkpoint saved without fingerprints then resumes with a warning. With
    ``graph_order_fingerprints`` as well, a graph whose facts are in another row
    order than the checkpoint's resumes with a warning.

    Raises:
        ValueError: If the file is not a training checkpoint with a sampler state,
            if its step is not below ``config.steps``, or if its graph fingerprints
            differ from ``graph_fingerprints``.
    """
    payload = _load_resume_payload(path)
    step = int(payload["step"])
    if step >= config.steps:
        raise ValueError(
            f"{path} is at step {step}, but {option('steps', config.steps)}. "
            f"Pass a larger {option('steps')} value to train further"
        )
    saved_sizes = list(payload.get("graph_sizes", []))
    if graph_fingerprints is not None:
        check_same_graphs(
            path,
            payload.get("graph_fingerprints"),
            saved_sizes,
            graph_fingerprints,
            graph_sizes,
            payload.get("graph_order_fingerprints"),
            graph_order_fingerprints,
        )
    _warn_changed_graphs(path, saved_sizes, graph_sizes)
    _warn_earlier_schedule(path, payload.get("schedule_version", 1), len(graph_sizes))
    _warn_changed_settings(path, payload.get("train_config", {}), config)
    check_state_fits(model, payload["model"], path)
    model.load_state_dict(payload["model"], strict=True)
    optimizer.load_state_dict(payload["optimizer"])
    # load_state_dict also restores the saved learning rate and weight decay, which
    # would silently override this run's config.
    for group in optimizer.param_groups:
        group["lr"] = config.lr
        group["weight_decay"] = config.weight_decay
    generator.set_state(payload["generator"])
    logger.info("resumed from %s at step %d of %d", path, step, config.steps)
    return step


def _load_resume_payload(path: str | Path) -> dict:
    """Load the checkpoint at ``path``, or raise ValueError if it cannot resume a run."""
    try:
        payload = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as error:  # torch raises several error types for a damaged file.
        raise ValueError(
            f"{path}: not a readable checkpoint ({type(error).__name__}). Pass a "
            "step_<n>.pth or last.pth file written by pretrain or finetune"
        ) from error
    missing = [
        key
        for key in RESUME_KEYS
        if not isinstance(payload, dict) or key not in payload
    ]
    if missing:
        raise ValueError(
            f"{path}: cannot resume from this file because keys {missing} are "
            "missing. Resume needs a step_<n>.pth or last.pth written by pretrain or "
            f"finetune. To start from a released model instead, {_released_model_fix()}"
        )
    return payload


def _warn_changed_graphs(
    path: str | Path, saved_sizes: list[int], graph_sizes: Sequence[int]
) -> None:
    """Log a warning when the checkpoint's facts per graph differ from this run's.

    An empty ``saved_sizes`` (a checkpoint without the entry) is not compared.
    """
    if saved_sizes and saved_sizes != [int(size) for size in graph_sizes]:
        logger.warning(
            "%s was trained on graphs with %s facts but resumes on graphs with %s, "
            "so the run will not match an uninterrupted one",
            path,
            saved_sizes,
            [int(size) for size in graph_sizes],
        )


def _released_model_fix() -> str:
    """Return the fix that starts from a released model, as CLI flags or as Python calls."""
    if from_command_line():
        return f"pass it as {flag('path_or_url')} and leave out {flag('resume')}"
    return "load it with Ultra.from_pretrained and train without resume"


def _warn_earlier_schedule(path, version: int, num_graphs: int) -> None:
    """Log a warning when a run on several graphs resumes from an earlier schedule.

    With one graph every schedule picks that graph, so the version does not matter.
    """
    if num_graphs > 1 and version != SCHEDULE_VERSION:
        logger.warning(
            "%s was written by an earlier graphkit that ordered the graphs differently, "
            "so the resumed run will not match an uninterrupted one",
            path,
        )


def _warn_changed_settings(path, saved: dict, config: TrainConfig) -> None:
    """Log one warning that names each :data:`RUN_SETTINGS` entry changed since saving.

    ``saved`` is the checkpoint's ``train_config``. Entries missing from it are skipped.
    """
    changed = [
        f"{name}={saved[name]!r} -> {getattr(config, name)!r}"
        for name in RUN_SETTINGS
        if name in saved and saved[name] != getattr(config, name)
    ]
    if changed:
        logger.warning(
            "%s was written with other settings (%s). This run uses the new values, "
            "so it will not match an uninterrupted run",
            path,
            ", ".join(changed),
        )


def pretrain(
    model: UltraNet,
    graphs: Sequence[KnowledgeGraph],
    config: TrainConfig | None = None,
    resume: str | Path | None = None,
    **overrides,
) -> list[float]:
    """Train ``model`` on several graphs, each step on one drawn in proportion to its size.

    Args:
        model (UltraNet): the model, updated in place.
        graphs (Sequence[KnowledgeGraph] or KnowledgeGraph): training graphs (facts =
            training triples), or one graph.
        config (TrainConfig or dict, optional): settings, or a dict of TrainConfig
            fields; keyword ``overrides`` replace fields.
        resume (str or Path, optional): a ``step_<n>.pth`` or ``last.pth`` of an earlier
            run. Training continues at step ``n + 1`` up to ``steps`` with the saved
            model, optimizer and sampler state. With the same graphs, settings and
            ``steps``, the result equals the uninterrupted run. Settings of this call
            (the learning rate and weight decay included) replace the saved ones, and
            a warning names each one that changed.

    Returns:
        list[float]: the loss of every step run by this call.

    Raises:
        ValueError: without ``resume``, ``checkpoint_dir`` already contains
            ``step_<n>.pth`` or ``last.pth`` files, which this run would partly
            overwrite.
            With ``resume``, the checkpoint was trained on other graphs (its graph
            fingerprints differ from those of ``graphs``).
            Every parameter of ``model`` has ``requires_grad=False``.
        TypeError: ``config`` is neither a TrainConfig nor a dict of its fields,
            a setting is not a TrainConfig field, or ``model`` is not a
            ``torch.nn.Module``.
        RuntimeError: the call runs under ``torch.no_grad()`` or
            ``torch.inference_mode()``.
    """
    config = TrainConfig(**merge_settings(config, overrides, TrainConfig))
    check_trainable(model)
    graphs = _training_graphs(graphs)
    if not graphs or any(g.num_facts == 0 for g in graphs):
        raise ValueError(
            "pretrain needs at least one graph, and every graph needs facts"
        )
    if torch.is_inference_mode_enabled() or not torch.is_grad_enabled():
        # The first backward would fail with "element 0 of tensors does not require
        # grad", which names neither the cause nor the fix.
        block = ("torch.inference_mode()" if torch.is_inference_mode_enabled()
                 else "torch.no_grad()")
        raise RuntimeError(
            f"training was called under {block}, where no gradient can be computed. "
            "Call pretrain or finetune outside that block"
        )
    _check_batch_memory(model, graphs, config)
    folder, resume = _checkpoint_paths(config, resume)
    run = _TrainingRun(model, graphs, config, folder)
    was_training = model.training
    model.train()
    try:
        run.prepare(resume)
        bar = tqdm(
            range(run.first, config.steps + 1),
            desc="training",
            disable=not config.progress,
            initial=run.first - 1,
            total=config.steps,
        )
        with bar, logs_above_bar(bar):
            for step in bar:
                run.take_step(step)
        if folder is not None:
            run.save("last.pth", config.steps)
    finally:
        # A failed step, resume or write leaves the model in the mode it came in.
        model.train(was_training)
    return run.losses


def _check_batch_memory(
    model: UltraNet, graphs: list[KnowledgeGraph], config: TrainConfig
) -> None:
    """Raise ValueError when one training batch cannot fit in CPU memory.

    The entity network keeps a ``(V, B, d)`` state of every layer for the backward
    pass, so a batch needs at least ``B * V * d * layers`` floats on the largest
    graph, and its candidates ``B * (negatives + 1)`` int64 ids. Edge messages are
    left out, so the true need is larger. Models on other devices are not checked.
    """
    parameter = next(model.parameters(), None)
    available = available_memory_bytes()
    if parameter is None or parameter.device.type != "cpu" or available is None:
        return
    entity_model = model.entity_model
    entities = max(g.num_entities for g in graphs)
    states = config.batch_size * entities * entity_model.dim * len(entity_model.layers)
    candidates = config.batch_size * (config.num_negatives + 1)
    needed = states * parameter.element_size() + candidates * 8
    if needed <= available:
        return
    raise ValueError(
        f"{option('batch_size', config.batch_size)} with "
        f"{option('num_negatives', config.num_negatives)} on a graph of {entities} "
        f"entities needs at least {needed / 2**30:.4g} GiB per step, but "
        f"{available / 2**30:.4g} GiB of memory is free. Lower "
        f"{option('batch_size')} or {option('num_negatives')}"
    )


def _checkpoint_paths(
    config: TrainConfig, resume: str | Path | None
) -> tuple[Path | None, Path | None]:
    """Expand ``~`` in the checkpoint folder and the resume path, and create the folder.

    Returns the folder (None without ``checkpoint_dir``) and the resume path.

    Raises:
        ValueError: If ``resume`` is None and the folder contains an earlier run's
            files, or if the folder contains a folder named like a checkpoint.
    """
    # pathlib does not expand a leading "~" by itself, so mkdir would create a folder
    # named "~".
    folder = Path(config.checkpoint_dir).expanduser() if config.checkpoint_dir else None
    if resume is not None:
        resume = Path(resume).expanduser()
    if folder is not None:
        if resume is None:
            check_new_run_folder(folder)
        check_no_checkpoint_folders(folder)
        folder.mkdir(parents=True, exist_ok=True)
    return folder, resume


def _nonfinite_loss_hint(model: UltraNet) -> str:
    """Return the likely cause of a NaN or infinite loss and its fix, for the error.

    Non-finite weights come first. Otherwise float16 weights are named, because a
    value above 65504 overflows there but not in float32. The overflow is inferred,
    not checked by a float32 rerun.
    """
    for name, parameter in model.named_parameters():
        if not bool(torch.isfinite(parameter).all()):
            return (
                f"The weight {name} contains NaN or infinity (for example from the "
                "loaded checkpoint). Start from finite weights"
            )
    dtypes = {parameter.dtype for parameter in model.parameters()}
    if torch.float16 in dtypes:
        return (
            "The weights are finite but float16, whose largest value is 65504, so "
            "the forward pass probably overflowed. Train in float32 (model.float()) "
            "or bfloat16"
        )
    return (
        "Check the model's weights for NaN (for example in the loaded "
        f"checkpoint) and lower {option('lr')}"
    )


class _TrainingRun:
    """Model, optimizer, generator and losses of one :func:`pretrain` run."""

    def __init__(
        self,
        model: UltraNet,
        graphs: list[KnowledgeGraph],
        config: TrainConfig,
        folder: Path | None,
    ) -> None:
        device = next(model.parameters()).device
        self.model = model
        self.config = config
        self.folder = folder
        self.states = [_GraphState(g, device, config.strict_negatives) for g in graphs]
        self.sizes = torch.tensor([float(g.num_facts) for g in graphs])
        self.generator = torch.Generator().manual_seed(config.seed)
        self.optimizer = torch.optim.AdamW(
            model.parameters(), lr=config.lr, weight_decay=config.weight_decay
        )
        self.graph_sizes = [g.num_facts for g in graphs]
        self.graph_fingerprints = [graph_fingerprint(g) for g in graphs]
        self.graph_order_fingerprints = [graph_order_fingerprint(g) for g in graphs]
        self.losses: list[float] = []
        self.schedule: LazyGraphSchedule | None = None
        self.first = 1
        self.started = 0.0

    def prepare(self, resume: Path | None) -> None:
        """Draw the graph of every step, then load ``resume`` when given."""
        self.started = time.perf_counter()
        self.schedule = LazyGraphSchedule(
            self.sizes, schedule_generator(self.config.seed)
        )
        if resume is not None:
            self.first += restore_training_checkpoint(
                resume,
                self.model,
                self.optimizer,
                self.generator,
                self.config,
                self.graph_sizes,
                self.graph_fingerprints,
                self.graph_order_fingerprints,
            )

    def take_step(self, step: int) -> None:
        """Run optimizer step ``step``, then log and save a checkpoint when due."""
        self._update(step)
        self._log(step)
        every = self.config.checkpoint_every
        if self.folder is not None and every and step % every == 0:
            self.save(f"step_{step}.pth", step)

    def _update(self, step: int) -> None:
        """Compute the loss of one batch on the step's graph and update the weights."""
        graph_index = self.schedule[step - 1]
        loss = train_step(
            self.model, self.states[graph_index], self.config, self.generator
        )
        if not bool(torch.isfinite(loss)):
            # Stop before the optimizer step, which would make every weight NaN.
            raise FloatingPointError(
                f"the loss of step {step} on graph {graph_index} is "
                f"{loss.item()}, so training stopped before updating the weights. "
                f"{_nonfinite_loss_hint(self.model)}"
            )
        self.optimizer.zero_grad()
        loss.backward()
        self.optimizer.step()
        self.losses.append(float(loss.detach()))

    def _log(self, step: int) -> None:
        """Log the mean recent loss every ``log_every`` steps and at the last step."""
        config = self.config
        if step % config.log_every != 0 and step != config.steps:
            return
        recent = self.losses[-config.log_every :]
        logger.info(
            "step %d/%d: loss %.4f (mean of last %d), %.2f s/step",
            step,
            config.steps,
            sum(recent) / len(recent),
            len(recent),
            (time.perf_counter() - self.started) / (step - self.first + 1),
        )

    def save(self, name: str, step: int) -> None:
        """Save a training checkpoint of ``step`` as ``name`` in the folder."""
        save_training_checkpoint(
            self.folder / name,
            self.model,
            self.optimizer,
            step,
            self.config,
            self.generator,
            self.graph_sizes,
            self.graph_fingerprints,
            self.graph_order_fingerprints,
        )


def _training_graphs(graphs) -> list[KnowledgeGraph]:
    """Return ``graphs`` as a list, or raise TypeError naming the graph to pass.

    One :class:`KnowledgeGraph` counts as a list of one. ``load_dataset`` returns
    splits and query sets, whose training facts are ``split.train.graph``.
    """
    if isinstance(graphs, KnowledgeGraph):
        return [graphs]
    graphs = list(graphs) if isinstance(graphs, (list, tuple)) else [graphs]
    for graph in graphs:
        if isinstance(graph, KnowledgeGraph):
            continue
        if isinstance(graph, InductiveSplit):
            fix = "pass split.train.graph, the training facts of the split"
        elif isinstance(graph, LinkPredictionSet):
            fix = "pass its .graph, the facts it ranks on"
        else:
            fix = "pass a KnowledgeGraph from load_graph or split.train.graph"
        raise TypeError(
            f"training takes KnowledgeGraph objects, got {type(graph).__name__}: {fix}"
        )
    return graphs


def finetune(
    model: UltraNet,
    kg: KnowledgeGraph,
    config: TrainConfig | None = None,
    resume: str | Path | None = None,
    **overrides,
) -> list[float]:
    """Fine-tune ``model`` on the facts of one graph; see :func:`pretrain`."""
    return pretrain(model, [kg], config, resume, **overrides)
