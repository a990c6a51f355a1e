"""CPU time of one ULTRA training step, by part, against earlier versions of the code.

Runs ``train_step`` (as ``graphkit kg finetune`` does) on a training graph and prints
the CPU seconds per step spent in negative sampling, easy-edge removal, edge grouping,
the relation-graph network, the entity network, scoring with the loss, the backward
pass and the optimizer. It then runs forward and backward passes of the same batches
with the current code and with two earlier versions, alternating them, and reports
the minimum CPU time of each:

* ``two-pass backward``: the lean aggregation's backward pass sums the (sender, type)
  pairs for the gradient of ``x``, then recomputes the forward's (receiver, type) pair
  sums for the gradient of the relation vectors.
* ``and 3-D linear``: moreover each layer adds its second product in place to the 3-D
  view that ``F.linear`` returns, so autograd copies the whole tensor in backward.

Usage::

    OMP_NUM_THREADS=1 python benchmarks/ultra_train_step.py --root DATA/kg \\
        --checkpoint DATA/ultra/ultra_3g.pth --split fb237_v1 --repeats 8
"""

from __future__ import annotations

import argparse
import itertools
import time

import torch
import torch.nn.functional as F

from graphkit.kg import Ultra, aggregate, load_dataset
from graphkit.kg.layer import RelationalConv
from graphkit.kg.model import check_query_ids
from graphkit.kg.train import (
    TrainConfig,
    _batch_queries,
    _GraphState,
    adversarial_loss,
    sample_negatives,
    train_step,
    without_easy_edges,
)


class TwoPassAggregate(aggregate._LeanAggregate):
    """The lean aggregation with the earlier backward pass, which sums twice."""

    @staticmethod
    def backward(ctx, grad_out):  # type: ignore[override]
        x, relation = ctx.saved_tensors
        groups, chunk_size = ctx.groups, ctx.chunk_size
        grad_out = grad_out.contiguous()
        grad_x = torch.zeros_like(x) if ctx.needs_input_grad[0] else None
        grad_relation = torch.zeros_like(relation) if ctx.needs_input_grad[1] else None
        shared = relation.size(1) == 1 and x.size(1) > 1
        if grad_x is not None:
            pairs = groups.by_sender
            for start, stop in aggregate._chunks(pairs.rows.numel(), chunk_size):
                sums = aggregate._pair_sums(grad_out, pairs, start, stop)
                sums.mul_(relation.index_select(0, pairs.types[start:stop]))
                grad_x.index_add_(0, pairs.rows[start:stop], sums)
        if grad_relation is not None:
            pairs = groups.by_receiver
            for start, stop in aggregate._chunks(pairs.rows.numel(), chunk_size):
                product = aggregate._pair_sums(x, pairs, start, stop)
                product.mul_(grad_out.index_select(0, pairs.rows[start:stop]))
                if shared:
                    product = product.sum(dim=1, keepdim=True)
                grad_relation.index_add_(0, pairs.types[start:stop], product)
        return grad_x, grad_relation, None, None


def view_linear_forward(
    self, x, boundary, edge_index, edge_type, relation=None
):  # the earlier RelationalConv.forward
    weights = self.relation_vectors(relation)
    aggregate_messages = aggregate.AGGREGATIONS[self.aggregation]
    messages = aggregate_messages(x, weights, edge_index, edge_type).add_(boundary)
    out = F.linear(x, self.linear.weight[:, : self.dim], self.linear.bias)
    out += F.linear(messages, self.linear.weight[:, self.dim :])
    if self.layer_norm is not None:
        out = self.layer_norm(out)
    if self.activation:
        out = torch.relu_(out)
    return out


def time_parts(net, state, config, generator, steps: int) -> dict[str, float]:
    """Return the CPU seconds per step of each part of ``steps`` training steps."""
    graph = state.graph
    optimizer = torch.optim.AdamW(net.parameters(), lr=config.lr)
    totals: dict[str, float] = {}
    for step in range(steps + 1):
        if step == 1:
            totals.clear()  # the first step warms up caches and allocators
        marks = [("start", time.process_time())]

        def mark(name, marks=marks):
            marks.append((name, time.process_time()))

        picks = torch.randint(
            graph.num_facts, (config.batch_size,), generator=generator
        )
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
        mark("negative sampling")
        tensors = without_easy_edges(state.tensors, facts)
        mark("easy-edge removal")
        aggregate.edge_groups(tensors.edge_index, tensors.edge_type)
        mark("edge grouping")
        check_query_ids(tensors, sources, query_index, candidates)
        relations = net.relation_model(
            tensors.relation_graph, query_index % graph.num_relations
        )
        mark("relation network")
        hidden, query = net.entity_model.propagate(
            tensors, relations, sources, query_index
        )
        mark("entity network")
        logits = net.entity_model.score(hidden, query, candidates)
        loss = adversarial_loss(logits, config.adversarial_temperature)
        mark("score and loss")
        optimizer.zero_grad()
        loss.backward()
        mark("backward")
        optimizer.step()
        mark("optimizer")
        for (_, before), (name, after) in itertools.pairwise(marks):
            totals[name] = totals.get(name, 0.0) + after - before
    return {name: seconds / steps for name, seconds in totals.items()}


def compare_versions(net, state, config, repeats: int) -> dict[str, list[float]]:
    """Return CPU seconds per step of each version, alternated on the same batches."""
    current = (aggregate._LeanAggregate, RelationalConv.forward)
    versions = {
        "current": current,
        "two-pass backward": (TwoPassAggregate, current[1]),
        "and 3-D linear": (TwoPassAggregate, view_linear_forward),
    }
    times: dict[str, list[float]] = {name: [] for name in versions}
    try:
        for repeat in range(repeats):
            order = list(versions)
            if repeat % 2:
                order.reverse()
            for name in order:
                aggregate._LeanAggregate, RelationalConv.forward = versions[name]
                net.zero_grad()
                generator = torch.Generator().manual_seed(repeat)
                started = time.process_time()
                train_step(net, state, config, generator).backward()
                times[name].append(time.process_time() - started)
    finally:
        aggregate._LeanAggregate, RelationalConv.forward = current
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", required=True)
    parser.add_argument("--checkpoint", required=True)
    parser.add_argument("--split", default="fb237_v1")
    parser.add_argument("--steps", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=8)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    graph = load_dataset(args.root, args.split).train.graph
    net = Ultra.from_pretrained(args.checkpoint)
    config = TrainConfig()
    state = _GraphState(graph, torch.device("cpu"), config.strict_negatives)
    parts = time_parts(net, state, config, torch.Generator().manual_seed(0), args.steps)
    total = sum(parts.values())
    print(f"{args.split}: {total:.3f} CPU s per step")
    for name, seconds in parts.items():
        print(f"  {name:18s} {1000 * seconds:8.1f} ms  {100 * seconds / total:5.1f} %")
    times = compare_versions(net, state, config, args.repeats)
    fastest = min(times["current"])
    for name, values in times.items():
        print(
            f"{name}: min {min(values):.3f} CPU s per step (forward and backward), "
            f"{min(values) / fastest:.3f} x current"
        )


if __name__ == "__main__":
    main()
