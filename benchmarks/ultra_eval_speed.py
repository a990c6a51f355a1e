"""CPU time of ULTRA zero-shot ranking: the current code against its earlier versions.

The reference ULTRA code is not installed here, so the comparison is with graphkit's own
earlier aggregation, kept below as ``edge_chunks``. It walks the edges in chunks of about
1 MiB of messages. For every edge it gathers the sender state and the relation vector,
multiplies them and adds the message into the receiver. Its backward pass recomputes
the messages' factors edge chunk by edge chunk. The current ``lean`` path sums
the senders of each (receiver, type) pair first (see ``graphkit/kg/aggregate.py``).

For each split, both paths rank the same test queries (the first ``--queries`` query
triples, head and tail) in one process, alternating. The lowest CPU time
(``time.process_time``) of ``--repeats`` rounds is kept, so the ratio holds on a shared
machine. The script also reports whether the ranks are equal and the largest score
difference. With ``--train-steps N`` it also times N training steps (forward and
backward, strict negatives, easy edges removed) on each split's training graph.

Usage::

    OMP_NUM_THREADS=1 python benchmarks/ultra_eval_speed.py --root DATA/kg \\
        --checkpoint DATA/ultra/ultra_3g.pth [--splits codex-s WN18RR_v4] [--queries 16]
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import time

import torch

DEFAULT_SPLITS = ["codex-s", "WN18RR_v4", "fb237_v4", "nell_v3", "fb237_v1"]


def _gather_product(left, left_index, right, right_index, out, scratch):
    """Write ``left[left_index] * right[right_index]`` into the buffer ``out``."""
    count = left_index.numel()
    product = out[:count]
    torch.index_select(left, 0, left_index, out=product)
    factor = scratch[:count]
    torch.index_select(right, 0, right_index, out=factor)
    return product.mul_(factor)


class EdgeChunks(torch.autograd.Function):
    """The earlier lean aggregation: edge chunks forward, recomputed edge chunks backward."""

    @staticmethod
    def forward(ctx, x, relation, receiver, sender, edge_type, chunk_size):
        out = torch.zeros_like(x)
        buffer = x.new_empty((chunk_size, *x.shape[1:]))
        scratch = relation.new_empty((chunk_size, *relation.shape[1:]))
        for start in range(0, receiver.numel(), chunk_size):
            stop = min(start + chunk_size, receiver.numel())
            messages = _gather_product(
                x, sender[start:stop], relation, edge_type[start:stop], buffer, scratch
            )
            out.index_add_(0, receiver[start:stop], messages)
        ctx.save_for_backward(x, relation, receiver, sender, edge_type)
        ctx.chunk_size = chunk_size
        return out

    @staticmethod
    def backward(ctx, grad_out):
        x, relation, receiver, sender, edge_type = ctx.saved_tensors
        need_x, need_relation = ctx.needs_input_grad[0], ctx.needs_input_grad[1]
        grad_out = grad_out.contiguous()
        grad_x = torch.zeros_like(x) if need_x else None
        grad_relation = torch.zeros_like(relation) if need_relation else None
        shared = relation.size(1) == 1 and x.size(1) > 1
        buffer = x.new_empty((ctx.chunk_size, *x.shape[1:]))
        scratch_relation = relation.new_empty((ctx.chunk_size, *relation.shape[1:]))
        scratch_x = x.new_empty((ctx.chunk_size, *x.shape[1:]))
        for start in range(0, receiver.numel(), ctx.chunk_size):
            stop = min(start + ctx.chunk_size, receiver.numel())
            rows, types = receiver[start:stop], edge_type[start:stop]
            senders = sender[start:stop]
            if need_x:
                product = _gather_product(
                    grad_out, rows, relation, types, buffer, scratch_relation
                )
                grad_x.index_add_(0, senders, product)
            if need_relation:
                product = _gather_product(grad_out, rows, x, senders, buffer, scratch_x)
                if shared:
                    product = product.sum(dim=1, keepdim=True)
                grad_relation.index_add_(0, types, product)
        return grad_x, grad_relation, None, None, None, None


def edge_chunks(x, relation, edge_index, edge_type, chunk_size=None):
    """Sum the messages with the earlier lean aggregation, in edge order."""
    if chunk_size is None:
        row_bytes = x.size(1) * x.size(2) * x.element_size()
        chunk_size = max(1, 2**20 // max(row_bytes, 1))
    return EdgeChunks.apply(
        x.contiguous(),
        relation.contiguous(),
        edge_index[0],
        edge_index[1],
        edge_type,
        chunk_size,
    )


def train_seconds(model, graph, aggregation, steps):
    """Return the CPU time of ``steps`` training steps (forward and backward) on the
    training graph, with the sampler seeded alike for every path."""
    from graphkit.kg.train import TrainConfig, _GraphState, train_step

    model.set_aggregation(aggregation)
    state = _GraphState(graph, torch.device("cpu"), True)
    config = TrainConfig(batch_size=8, num_negatives=128)
    generator = torch.Generator().manual_seed(0)
    start = time.process_time()
    for _ in range(steps):
        train_step(model, state, config, generator).backward()
        model.zero_grad()
    return time.process_time() - start


def rank_with(model, dataset, aggregation, batch_size):
    from graphkit.kg.evaluate import evaluate_ranks

    model.set_aggregation(aggregation)
    start = time.process_time()
    ranks = evaluate_ranks(model, dataset, batch_size=batch_size)
    return time.process_time() - start, ranks


def scores_with(model, dataset, aggregation, batch_size):
    from graphkit.kg.evaluate import to_tail_queries
    from graphkit.kg.model import fact_graph

    model.set_aggregation(aggregation)
    graph = fact_graph(dataset.graph)
    sources, index, _ = to_tail_queries(dataset.queries, dataset.graph.num_relations)
    with torch.no_grad():
        return model(graph, sources[:batch_size], index[:batch_size])


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", required=True, help="folder of the KG datasets")
    parser.add_argument("--checkpoint", required=True, help="ULTRA checkpoint file")
    parser.add_argument("--splits", nargs="+", default=DEFAULT_SPLITS)
    parser.add_argument("--queries", type=int, default=16, help="query triples per split")
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument(
        "--train-steps",
        type=int,
        default=0,
        help="also time this many training steps (8 facts, 128 negatives) on each "
        "split's training graph (default: 0, none)",
    )
    parser.add_argument("--json", help="also write the results to this file")
    args = parser.parse_args(argv)

    from graphkit.kg import Ultra, aggregate, load_dataset

    torch.set_num_threads(args.threads)
    aggregate.AGGREGATIONS["edge_chunks"] = edge_chunks
    model = Ultra.from_pretrained(args.checkpoint)
    results = []
    header = "split      entities  edges   pairs  ranks  before ms/q  after ms/q  after/before  ranks equal  max |score diff|"
    print(header)
    for name in args.splits:
        split = load_dataset(args.root, name)
        test = dataclasses.replace(split.test, queries=split.test.queries[: args.queries])
        graph = test.graph
        pairs = aggregate.edge_groups(graph.edge_index, graph.edge_type)
        best = {"edge_chunks": float("inf"), "lean": float("inf")}
        ranks = {}
        for _ in range(args.repeats):
            for path, fastest in best.items():
                seconds, ranks[path] = rank_with(model, test, path, args.batch_size)
                best[path] = min(fastest, seconds)
        difference = (
            scores_with(model, test, "lean", args.batch_size)
            - scores_with(model, test, "edge_chunks", args.batch_size)
        ).abs().max()
        count = ranks["lean"].numel()
        row = {
            "split": name,
            "entities": graph.num_entities,
            "edges": 2 * graph.num_facts,
            "pairs": int(pairs.by_receiver.rows.numel()),
            "ranks": count,
            "before_cpu_ms_per_query": 1000 * best["edge_chunks"] / count,
            "after_cpu_ms_per_query": 1000 * best["lean"] / count,
            "ratio": best["lean"] / best["edge_chunks"],
            "ranks_equal": bool(torch.equal(ranks["lean"], ranks["edge_chunks"])),
            "max_score_difference": float(difference),
        }
        if args.train_steps:
            train = {"edge_chunks": float("inf"), "lean": float("inf")}
            for _ in range(args.repeats):
                for path, fastest in train.items():
                    seconds = train_seconds(
                        model, split.train.graph, path, args.train_steps
                    )
                    train[path] = min(fastest, seconds)
            row["train_before_cpu_s_per_step"] = train["edge_chunks"] / args.train_steps
            row["train_after_cpu_s_per_step"] = train["lean"] / args.train_steps
            row["train_ratio"] = train["lean"] / train["edge_chunks"]
        results.append(row)
        print(
            f"{name:<10} {row['entities']:>8} {row['edges']:>6} {row['pairs']:>7} "
            f"{count:>6} {row['before_cpu_ms_per_query']:>12.1f} "
            f"{row['after_cpu_ms_per_query']:>11.1f} {row['ratio']:>13.2f} "
            f"{row['ranks_equal']!s:>12} {row['max_score_difference']:>17.2e}",
            flush=True,
        )
        if args.train_steps:
            print(
                f"{'':<10} training step: before "
                f"{row['train_before_cpu_s_per_step']:.3f} CPU s, after "
                f"{row['train_after_cpu_s_per_step']:.3f} CPU s, after/before "
                f"{row['train_ratio']:.2f}",
                flush=True,
            )
    if args.json:
        with open(args.json, "w") as handle:
            json.dump(results, handle, indent=2)


if __name__ == "__main__":
    main()
