"""``graphkit kg predict``: the top-k entities of one query on a triple file."""

from __future__ import annotations

from graphkit.launch.kg_setup import load_model, setup_command


def run_predict(args) -> int:
    """Print the top --top-k answers of one query on the --graph file."""
    from graphkit.kg import load_graph

    setup_command(args)
    kg = load_graph(args.graph, header=args.header)
    model = load_model(args)
    try:
        answers = model.predict(
            kg,
            head=args.head,
            relation=args.relation,
            tail=args.tail,
            k=args.top_k,
            exclude_known=args.exclude_known,
        )
    except KeyError as error:
        raise SystemExit(f"{args.graph}: {error.args[0]}") from None
    query = (
        f"({args.head}, {args.relation}, ?)"
        if args.head is not None
        else f"(?, {args.relation}, {args.tail})"
    )
    print(f"top {len(answers)} answers of {query}:")
    for rank, (name, logit) in enumerate(answers, start=1):
        print(f"{rank:>4}  {logit:9.4f}  {name}")
    return 0

