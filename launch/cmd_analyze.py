"""``graphkit analyze``: homophily, label informativeness and NIC of labelled graphs.

Examples::

    graphkit analyze --dataset cora --dataset texas --root DATA --plot out/
    graphkit analyze --edge-list edges.txt --labels labels.txt --json stats.json
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

from graphkit.launch.cmd_partition import yaml_mapping
from graphkit.launch.interrupts import describe_interrupt
from graphkit.launch.logs import setup_logging
from graphkit.launch.option_types import AppendOnce, count_option, positive_int
from graphkit.launch.outputs import (
    check_output_file,
    check_output_folder_path,
    path_option,
    write_atomically,
)

# torch and graphkit.metrics (which imports torch) are imported inside the functions
# that run the command, so that building the parser (graphkit --help) does not.
if TYPE_CHECKING:
    import torch

    from graphkit.metrics import MeasureOptions
    from graphkit.metrics.summary import GraphSummary, NICOptions

log = logging.getLogger(__name__)

NODE_SETS = ("all", "train", "val", "test")
# Arguments of load_dataset that analyze passes itself, so --dataset-options may not.
ANALYZE_LOADER_ARGUMENTS = ("root", "split", "features", "pyg_data")


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "analyze",
        help="homophily, label informativeness and NIC of labelled graphs",
        description=(
            "Compute edge, node, class-insensitive and adjusted homophily, label "
            "informativeness (edge and node versions), the class compatibility matrix "
            "and NIC for each graph, and print one comparison table."
        ),
    )
    _add_input_arguments(parser)
    _add_convention_arguments(parser)
    _add_nic_arguments(parser)
    _add_output_arguments(parser)
    parser.set_defaults(func=run_analyze)


def _add_input_arguments(parser: argparse.ArgumentParser) -> None:
    source = parser.add_argument_group(
        "input (any number of --dataset, or an edge list)"
    )
    source.add_argument(
        "--dataset",
        action=AppendOnce,
        default=[],
        metavar="NAME",
        help="dataset known to graphkit.datasets; repeat to compare several, each "
        "once",
    )
    source.add_argument(
        "--root",
        default=None,
        help="data folder (default: the GRAPHKIT_DATA environment variable)",
    )
    source.add_argument(
        "--split",
        type=count_option(0),
        default=None,
        help="split whose mask --nodes train/val/test counts, for datasets with several "
        "train/val/test splits",
    )
    source.add_argument(
        "--dataset-options",
        type=yaml_mapping,
        default={},
        metavar="YAML",
        help="extra loader arguments for every --dataset, as a YAML mapping, e.g. "
        "\"{source: yandex}\" for Cornell's own labels (default: none)",
    )
    source.add_argument(
        "--edge-list",
        type=path_option,
        default=None,
        metavar="FILE",
        help="edge list: 'SOURCE TARGET' per line, whitespace, comma or tab separated",
    )
    source.add_argument(
        "--labels",
        type=path_option,
        default=None,
        metavar="FILE",
        help="label file: 'NODE LABEL' per line for every node, with a negative, empty "
        "or nan label (or NA among numbers) for an unlabelled node (not counted). "
        "The distinct labels become classes 0..K-1 in sorted order, so a label id "
        "that no node has is not a class. Required with --edge-list",
    )
    source.add_argument(
        "--delimiter",
        default=None,
        type=_delimiter,
        metavar="CHAR",
        help="field separator of --edge-list and --labels, such as ';', tab (which "
        "may be written '\\t') or space (one space character). Default: detected per "
        "file (tab, else comma, else any run of whitespace)",
    )
    source.add_argument(
        "--header",
        choices=("auto", "yes", "no"),
        default="auto",
        help="whether --edge-list and --labels start with a column-name line: guess "
        "from the first line (auto, the default), yes, or no (use no when a node id "
        "such as 'source' or 'y' could be read as a column name)",
    )


def _add_convention_arguments(parser: argparse.ArgumentParser) -> None:
    conventions = parser.add_argument_group(
        "conventions (defaults printed with results)"
    )
    conventions.add_argument(
        "--directed",
        action="store_true",
        help="keep edge directions, neighbours are in-neighbours (default: undirected)",
    )
    conventions.add_argument(
        "--self-loops", action="store_true", help="keep self-loops (default: removed)"
    )
    conventions.add_argument(
        "--isolated",
        choices=("exclude", "zero"),
        default="exclude",
        help="nodes without a neighbour in node homophily (h_node): left out (default) "
        "or counted as 0. LI_node always leaves them out",
    )
    conventions.add_argument(
        "--nodes",
        choices=NODE_SETS,
        default="all",
        help=(
            "nodes to count: all labelled nodes (default) or one split's mask. An "
            "--edge-list has no split of its own, so it gets a random 60/20/20 split "
            "of its labelled nodes (seed 0)"
        ),
    )


def _add_nic_arguments(parser: argparse.ArgumentParser) -> None:
    nic_group = parser.add_argument_group("NIC estimator")
    nic_group.add_argument(
        "--nic-bins",
        type=_bins,
        default=10,
        metavar="B",
        help="levels per class for the neighbour label fractions (default 10), or "
        "'raw' for the raw neighbour counts",
    )
    nic_group.add_argument(
        "--nic-hops",
        type=positive_int,
        default=1,
        metavar="K",
        help="neighbourhood radius in hops (default 1)",
    )
    nic_group.add_argument(
        "--nic-correction",
        choices=("permutation", "none"),
        default="permutation",
        help="bias correction: exact label-permutation baseline (default) or none",
    )


def _add_output_arguments(parser: argparse.ArgumentParser) -> None:
    output = parser.add_argument_group("output")
    output.add_argument(
        "--json", type=path_option, metavar="FILE", help="write all results"
    )
    output.add_argument(
        "--csv", type=path_option, metavar="FILE", help="write the table"
    )
    output.add_argument(
        "--plot",
        type=path_option,
        metavar="DIR",
        help="write PNGs per graph: compatibility, per-node homophily, NIC by size. "
        "Images of the same names are replaced, as --json and --csv replace their "
        "files",
    )


def _bins(text: str) -> int | None:
    if text == "raw":
        return None
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(
            f"expected a positive integer or 'raw', got {text!r}"
        )
    return count_option(1)(text)


def run_analyze(args: argparse.Namespace) -> int:
    from graphkit.metrics import MeasureOptions
    from graphkit.metrics.report import format_table, write_csv, write_json
    from graphkit.metrics.summary import NICOptions

    setup_logging()
    if not args.dataset and args.edge_list is None:
        return _fail(
            "nothing to analyze: pass --dataset NAME or --edge-list FILE --labels FILE"
        )
    if (args.edge_list is None) != (args.labels is None):
        return _fail("--edge-list and --labels must be given together")
    if args.dataset_options and not args.dataset:
        return _fail(
            "--dataset-options applies to --dataset only. Pass the edge-list settings "
            "as --delimiter and --header"
        )
    if args.split is not None and not args.dataset:
        return _fail(
            f"--split {args.split} selects one of a --dataset's splits, but an "
            "--edge-list has one random split. Leave out --split"
        )
    reserved = sorted(set(args.dataset_options) & set(ANALYZE_LOADER_ARGUMENTS))
    if reserved:
        return _fail(
            f"--dataset-options cannot set {', '.join(reserved)}, which analyze sets "
            "itself. Use --root and --split instead, and leave out features and pyg_data"
        )
    options = MeasureOptions(
        directed=args.directed, self_loops=args.self_loops, isolated=args.isolated
    )
    nic_options = NICOptions(
        bins=args.nic_bins, hops=args.nic_hops, correction=args.nic_correction
    )
    summaries: list[GraphSummary] = []
    unwritten = [
        f"{option} {path}"
        for option, path in (("--json", args.json), ("--csv", args.csv))
        if path is not None
    ]
    printed = False
    try:
        _check_outputs(args)
        _check_dataset_names(args.dataset)
        _check_dataset_options(args.dataset, args.dataset_options)
        _analyze_all(args, options, nic_options, summaries)
        print(format_table(summaries))
        printed = True
        if args.json is not None:
            replaced = args.json.is_file()
            write_atomically(args.json, lambda path: write_json(summaries, path))
            unwritten.remove(f"--json {args.json}")
            log.info("replaced %s" if replaced else "wrote %s", args.json)
        if args.csv is not None:
            replaced = args.csv.is_file()
            write_atomically(args.csv, lambda path: write_csv(summaries, path))
            unwritten.remove(f"--csv {args.csv}")
            log.info("replaced %s" if replaced else "wrote %s", args.csv)
    except (ValueError, OSError) as error:
        # Bad input or an unwritable output path: the message names the file or value.
        if summaries and not printed:
            # A later graph failed. The earlier graphs' rows are printed, but the output
            # files are left as they were, because they would lack the failed graph.
            print(format_table(summaries))
            return _fail(f"{error}\n{_partial_results_note(summaries, unwritten)}")
        return _fail(str(error))
    except KeyboardInterrupt as error:
        if summaries and not printed:
            print(format_table(summaries))  # the graphs that finished
        if unwritten:
            verb = "was" if len(unwritten) == 1 else "were"
            kept = f"{' and '.join(unwritten)} {verb} not written"
            describe_interrupt(error, getattr(error, "where", ""), kept)
        raise
    return 0


def _partial_results_note(summaries: list[GraphSummary], unwritten: list[str]) -> str:
    """Return a note naming the graphs printed before an error and the unwritten files."""
    names = ", ".join(summary.name for summary in summaries)
    note = f"The table above contains the graphs analysed before the error ({names})."
    if unwritten:
        verb = "was" if len(unwritten) == 1 else "were"
        note += (
            f" {' and '.join(unwritten)} {verb} not written, so existing files keep "
            "their content. Fix the input and rerun to write all graphs"
        )
    return note


def _check_outputs(args: argparse.Namespace) -> None:
    """Raise ValueError for an output path that cannot be written, before any work."""
    for path, option in ((args.json, "--json"), (args.csv, "--csv")):
        if path is not None:
            check_output_file(path, option)
    both = args.json is not None and args.csv is not None
    if both and args.json.resolve() == args.csv.resolve():
        raise ValueError(
            f"--json and --csv both name {args.json}, so the table would replace the "
            "JSON results. Give two different files"
        )
    if args.plot is not None and args.plot.exists() and not args.plot.is_dir():
        raise ValueError(f"--plot {args.plot} is a file; give a folder for the images")
    if args.plot is not None:
        _check_plot_folder(args.plot)
    _reject_input_as_output(args)


def _check_plot_folder(path: Path) -> None:
    """Raise ValueError when the --plot folder cannot be created or written.

    The images are written after each graph is analysed, so a bad folder would
    otherwise fail after the work, before the table is printed.
    """
    check_output_folder_path(path, "--plot")
    existing = next(folder for folder in (path, *path.parents) if folder.exists())
    try:
        with tempfile.TemporaryFile(dir=existing):
            pass
    except OSError as error:
        raise ValueError(
            f"--plot {path}: cannot create files in {existing} ({error.strerror}). "
            "Choose another folder"
        ) from None


def _check_dataset_names(names: list[str]) -> None:
    """Raise UnknownDatasetError for a --dataset that is neither a name nor a file.

    The datasets are loaded one after another, so a typo in a later name would
    otherwise discard the results of the graphs analysed before it.
    """
    if not names:
        return
    from graphkit.datasets import UnknownDatasetError, list_datasets
    from graphkit.datasets.registry import canonical_name

    for name in names:
        if canonical_name(name) is None and not Path(name).expanduser().is_file():
            raise UnknownDatasetError(name, list_datasets())


def _check_dataset_options(names: list[str], options: dict) -> None:
    """Raise ValueError when one of several --dataset loaders rejects an option.

    --dataset-options applies to every --dataset, so an option that only the first
    loader accepts would otherwise fail on a later dataset and discard the results
    of the graphs analysed before it. One --dataset gets the loader's own error.
    """
    if not options or len(names) < 2:
        return
    from graphkit.datasets.registry import EDGE_LIST, canonical_name, loader_options

    for name in names:
        key = canonical_name(name) or EDGE_LIST
        valid = loader_options(key)
        unknown = [str(option) for option in options if option not in valid]
        if unknown:
            raise ValueError(
                f"--dataset-options sets {', '.join(unknown)}, which the loader of "
                f"--dataset {name} does not accept (valid options: {valid}). "
                "--dataset-options applies to every --dataset, so analyze "
                f"{name} in a separate graphkit analyze command, or remove "
                f"{'that option' if len(unknown) == 1 else 'those options'}"
            )


def _reject_input_as_output(args: argparse.Namespace) -> None:
    """Raise ValueError when --json or --csv names an input file, which it would replace."""
    inputs = [("--edge-list", args.edge_list), ("--labels", args.labels)]
    inputs += [("--dataset", Path(name).expanduser()) for name in args.dataset]
    for key in ("path", "features", "labels"):
        value = args.dataset_options.get(key)
        if isinstance(value, (str, os.PathLike)):
            input_path = Path(value).expanduser()
            if key == "path" and not input_path.is_absolute() and not input_path.exists():
                input_path = _edge_list_under_root(args.root, input_path)
            inputs.append((f"--dataset-options {key}", input_path))
    for option, path in (("--json", args.json), ("--csv", args.csv)):
        if path is None or not path.is_file():
            continue
        for input_option, input_path in inputs:
            is_input = input_path is not None and input_path.is_file()
            if is_input and os.path.samefile(path, input_path):
                raise ValueError(
                    f"{option} {path} is the {input_option} input file, which the "
                    f"output would replace. Give another {option} file"
                )


def _edge_list_under_root(root: str | None, path: Path) -> Path:
    """Return ``path`` under the data root, where the edge-list loader reads it.

    The loader reads a relative ``path`` that is missing from the working folder under
    ``--root`` (or ``GRAPHKIT_DATA``). Without a data root, ``path`` is returned.
    """
    from graphkit.datasets.layout import data_root

    try:
        return data_root(root) / path
    except FileNotFoundError:
        return path


def _analyze_all(
    args: argparse.Namespace,
    options: MeasureOptions,
    nic_options: NICOptions,
    summaries: list[GraphSummary],
) -> None:
    """Summarise every requested graph into ``summaries``, and write plots for --plot.

    ``summaries`` is the caller's list, so after an interrupt it contains the graphs
    that finished.
    """
    for name, source, data in _inputs(args):
        try:
            summary = _analyze_one(args, options, nic_options, name, source, data)
        except KeyboardInterrupt as error:
            describe_interrupt(error, f"while analysing {name}")
            raise
        summaries.append(summary)


def _analyze_one(
    args: argparse.Namespace,
    options: MeasureOptions,
    nic_options: NICOptions,
    name: str,
    source: str,
    data,
) -> GraphSummary:
    """Build and summarise one graph, and write its plots when --plot is given."""
    from graphkit.metrics import build_labelled_graph, summarize_graph

    if data.edge_index.size(1) == 0:
        raise ValueError(
            f"{source} contains no edges, but every measure needs at least one edge"
        )
    node_mask = _node_mask(data, args.nodes, name)
    start = time.perf_counter()
    graph = build_labelled_graph(
        data.edge_index, data.y, node_mask=node_mask, options=options
    )
    _require_counted_edges(graph, data.edge_index, source, args)
    build_seconds = time.perf_counter() - start
    _note_nodes_without_neighbours(graph, name)
    summary = summarize_graph(graph, name=name, nic_options=nic_options)
    summary.seconds["build"] = build_seconds
    # _inputs describes the source of an --edge-list as "edge list PATH".
    from_edge_list = source.startswith("edge list ")
    if args.nodes != "all":
        summary.conventions += f"; {_counted_nodes(args, from_edge_list)}"
    if args.dataset_options and not from_edge_list:
        # The table name alone does not tell the yandex Cornell from the Geom-GCN one.
        items = args.dataset_options.items()
        listed = ", ".join(f"{key}: {value}" for key, value in items)
        summary.conventions += f"; dataset options {{{listed}}}"
    log.info("%s: analysed in %.2f s", name, time.perf_counter() - start)
    if args.plot is not None:
        from graphkit.metrics.plots import write_plots

        write_plots(graph, name, args.plot, nic_options)
    return summary


def _note_nodes_without_neighbours(graph, name: str) -> None:
    """Log how many counted nodes the node averages leave out, and how PyG counts them.

    ``torch_geometric.utils.homophily(method="node")`` averages over all nodes with 0
    for a node without in-neighbours, so its value differs whenever such nodes exist.
    On a directed graph they can be many (1,413 of chameleon's 2,277 nodes on its stored edges).
    """
    if graph.options.isolated != "exclude":
        return
    count = int(((graph.in_degree == 0) & graph.mask).sum())
    if count == 0:
        return
    neighbour = "in-neighbour" if graph.options.directed else "neighbour"
    log.info(
        "%s: %d of %d counted nodes have no %s and are left out of h_node and LI_node. "
        "Pass --isolated zero to count them as 0 in h_node, as "
        "torch_geometric.utils.homophily(method='node') does",
        name,
        count,
        int(graph.mask.sum()),
        neighbour,
    )


def _require_counted_edges(
    graph, edge_index, source: str, args: argparse.Namespace
) -> None:
    """Raise ValueError when no edge is left after the conventions (undefined measures).

    The message names each convention that removed edges of this graph.
    """
    if graph.src.numel() > 0:
        return
    reasons = []
    if not args.self_loops and bool((edge_index[0] == edge_index[1]).any()):
        reasons.append("self-loops removed; --self-loops keeps them")
    unlabelled = int((graph.y < 0).sum())
    if unlabelled:
        reasons.append(f"{unlabelled} unlabelled node(s) and their edges left out")
    if args.nodes != "all":
        reasons.append(f"only --nodes {args.nodes} counted")
    detail = f" ({'; '.join(reasons)})" if reasons else ""
    raise ValueError(
        f"{source} has no edge between two counted nodes{detail}; "
        "every measure needs at least one edge"
    )


def _fail(message: str) -> int:
    print(f"graphkit analyze: error: {message}", file=sys.stderr)
    return 2


def _inputs(args: argparse.Namespace):
    """Yield ``(name, source, Data)`` for every requested graph, loading each in turn.

    ``source`` names the dataset or the edge-list file in error messages.
    """
    if args.dataset:
        try:
            from graphkit.datasets import load_dataset
        except ImportError as error:
            raise ValueError(
                f"--dataset needs graphkit.datasets.load_dataset, which failed to import "
                f"({error}); use --edge-list and --labels instead"
            ) from error

        for name in args.dataset:
            data = load_dataset(
                name,
                root=args.root,
                split=args.split,
                features=False,
                pyg_data=False,
                **_loader_options(name, args),
            )
            _require_labels(data, name)
            _require_label_lines(data, name, args)
            yield _dataset_table_name(name), f"dataset {name!r}", data
    if args.edge_list is not None:
        header = {"auto": "auto", "yes": True, "no": False}[args.header]
        data = _read_edge_list(
            args.edge_list, args.labels, args.directed, header, args.delimiter
        )
        yield _graph_name(args.edge_list), f"edge list {args.edge_list}", data


def _loader_options(name: str, args: argparse.Namespace) -> dict:
    """Return --dataset-options, with ``undirected: false`` for an edge list and --directed.

    The edge-list loader adds the reverse of every edge by default, after which
    --directed would measure the undirected graph.
    """
    from graphkit.datasets.registry import EDGE_LIST, canonical_name

    options = dict(args.dataset_options)
    key = canonical_name(name)
    is_edge_list = key == EDGE_LIST or (
        key is None and Path(name).expanduser().is_file()
    )
    if not is_edge_list or not args.directed:
        return options
    if options.get("undirected", False) is True:
        raise ValueError(
            f"--directed measures the edges of {name} in their given direction, but "
            "--dataset-options sets undirected: true, which adds their reverse. Leave "
            "out one of the two"
        )
    options["undirected"] = False
    return options


def _dataset_table_name(name: str) -> str:
    """Return the table name of a --dataset: its file name stem when it is a file.

    The name also starts the file names of --plot, so a path there would write the
    images next to the dataset file instead of into the --plot folder.
    """
    from graphkit.datasets.registry import canonical_name

    path = Path(name).expanduser()
    if canonical_name(name) is None and path.is_file():
        return _graph_name(path)
    return name


def _graph_name(path: Path) -> str:
    """Return the table name of an edge-list file: ``edges`` for ``edges.txt.gz`` too."""
    if path.suffix.lower() == ".gz":
        path = Path(path.stem)
    return path.stem


def _require_labels(data, name: str) -> None:
    y = getattr(data, "y", None)
    if y is None:
        hint = ""
        if Path(name).expanduser().is_file():
            hint = f". For an edge-list file pass --edge-list {name} --labels FILE"
        raise ValueError(
            f"dataset {name!r} has no node labels (data.y is missing); analyze needs "
            f"one class label per node{hint}"
        )
    if y.dim() != 1:
        raise ValueError(
            f"dataset {name!r} has labels of shape {tuple(y.shape)}; analyze needs one "
            "class label per node (shape [N]), so multi-label datasets are not supported"
        )
    if not bool((y >= 0).any()):
        raise ValueError(
            f"dataset {name!r} has no labelled node (every label is negative); analyze "
            "needs one class label per node"
        )


def _require_label_lines(data, name: str, args: argparse.Namespace) -> None:
    """Reject an edge-list --dataset whose label file has no line for some node.

    The loader makes such a node unlabelled, but here, as with --edge-list, a missing
    line more often means that the two files name the nodes differently.
    """
    options = args.dataset_options
    if options.get("labels") is None or not hasattr(data, "negative_label_mask"):
        return
    unlabelled = ((data.y < 0) & ~data.negative_label_mask).nonzero().view(-1).tolist()
    if not unlabelled:
        return
    edge_path = Path(options.get("path", name)).expanduser()
    if not edge_path.is_absolute() and not edge_path.exists():
        # The loader reads a relative path missing from the working folder under the
        # data root.
        edge_path = _edge_list_under_root(args.root, edge_path)
    raise _unlabelled_nodes_error(
        data,
        unlabelled,
        edge_path,
        Path(options["labels"]),
        options.get("header", "auto"),
        options.get("delimiter"),
        header_fix="header: true in --dataset-options, which skips the first line of "
        "the label file too",
    )


def _counted_nodes(args: argparse.Namespace, from_edge_list: bool) -> str:
    """Describe the --nodes mask for the conventions line, naming the split it came from."""
    if from_edge_list:
        origin = "the random split of the edge list"
    elif args.split is not None:
        origin = f"split {args.split}"
    else:
        origin = "the dataset's split"
    return f"only {args.nodes}_mask nodes counted ({origin})"


def _node_mask(data, nodes: str, name: str) -> torch.Tensor | None:
    if nodes == "all":
        return None
    mask = getattr(data, f"{nodes}_mask", None)
    if mask is None:
        raise ValueError(f"--nodes {nodes}: dataset {name!r} has no {nodes}_mask")
    if mask.dim() == 2:
        raise ValueError(
            f"--nodes {nodes}: dataset {name!r} has {mask.size(1)} splits; "
            "choose one with --split INDEX"
        )
    return mask.bool()


def _delimiter(text: str) -> str:
    """Return the separator that ``--delimiter`` names, reading ``tab`` and ``\\t`` as a tab.

    A shell passes ``'\\t'`` as a backslash and a letter, not as a tab character.
    """
    return "\t" if text in ("tab", "\\t") else text


def _read_edge_list(
    edge_path: Path,
    label_path: Path,
    directed: bool,
    header: bool | str = "auto",
    delimiter: str | None = None,
):
    """Read an edge list and its label file; every node must have a label."""
    from graphkit.datasets import load_edge_list

    data = load_edge_list(
        edge_path,
        labels=label_path,
        delimiter=delimiter,
        header=header,
        undirected=not directed,
    )
    marked_unlabelled = _drop_negative_labels(data)
    if data.y.numel() > 0 and not bool((data.y >= 0).any()):
        if bool(marked_unlabelled.any()):
            raise ValueError(
                f"label file {label_path} gives every node a negative label (unlabelled); "
                "analyze needs at least one node with a class label >= 0"
            )
        raise ValueError(
            f"label file {label_path} labels none of the nodes of {edge_path}; add a "
            "line 'NODE LABEL' for each node"
        )
    unlabelled = ((data.y < 0) & ~marked_unlabelled).nonzero().view(-1).tolist()
    if unlabelled:
        raise _unlabelled_nodes_error(
            data, unlabelled, edge_path, label_path, header, delimiter
        )
    return data


def _unlabelled_nodes_error(
    data,
    unlabelled: list[int],
    edge_path: Path,
    label_path: Path,
    header,
    delimiter: str | None = None,
    header_fix: str = "--header yes, which skips the first line of --labels too",
) -> ValueError:
    """Return the error for edge-list nodes without a line in the label file.

    It names the edge-list line where each node first occurs. A first line that
    ``header="auto"`` read as an edge is most often a header of unusual column names
    over string ids, so the message then suggests ``header_fix``: ``--header yes``
    for --edge-list, or the ``header`` key for an edge-list --dataset.
    """
    import torch
    from graphkit.datasets.text_table import read_table

    integer_ids = isinstance(data.node_names, torch.Tensor)
    if integer_ids:
        names = [str(int(data.node_names[i])) for i in unlabelled[:5]]
    else:
        names = [data.node_names[i] for i in unlabelled[:5]]
    rows = read_table(edge_path, delimiter, header, "edge list", id_columns=2)
    first_line: dict[str, int] = {}
    for row in rows:
        for node in row.fields[:2]:
            first_line.setdefault(node, row.line_number)
    listed_nodes = ", ".join(
        (name if integer_ids else repr(name))
        + (f" (line {first_line[name]})" if name in first_line else "")
        for name in names
    )
    message = (
        f"{edge_path}: {len(unlabelled)} node id(s) of the edge list are missing from "
        f"the label file {label_path}: {listed_nodes}. Add a line 'NODE LABEL' for each node, "
        "with label -1 for an unlabelled node"
    )
    first = rows[0] if rows else None
    if header == "auto" and first and first_line.get(names[0]) == first.line_number:
        message += (
            f". If line {first.line_number} ({first.line.strip()!r}) is a column "
            f"header, delete it or pass {header_fix}"
        )
    return ValueError(message)


def _drop_negative_labels(data) -> torch.Tensor:
    """Return the bool mask of the nodes that the label file marks as unlabelled.

    The edge-list reader gives a negative, empty or NaN label ``y = -1`` and no class,
    and marks those nodes in ``data.negative_label_mask``.
    """
    import torch

    return getattr(
        data, "negative_label_mask", torch.zeros_like(data.y, dtype=torch.bool)
    )
