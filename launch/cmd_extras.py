"""``graphkit extras``: list and run the non-graph experiments of ``graphkit.extras``."""

from __future__ import annotations

import argparse
import json
import logging
import math
import sys
from pathlib import Path

from graphkit.launch.logs import setup_logging
from graphkit.launch.outputs import (
    check_output_file,
    path_option,
    write_text_atomically,
)

logger = logging.getLogger(__name__)


def _positive_int(text: str) -> int:
    """Parse a thread count of at least 1, because torch.set_num_threads raises below 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a whole number of threads, got {text}"
        ) from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected at least 1 thread, got {text}")
    return value


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``graphkit extras list`` and ``graphkit extras run``."""
    parser = subparsers.add_parser(
        "extras",
        help="list and run the non-graph paper experiments",
        description="List and run small CPU-sized reproductions of non-graph papers, "
        "each with its paper's pass criteria (docs/extras.md).",
    )
    actions = parser.add_subparsers(dest="extras_action", metavar="ACTION")
    actions.add_parser(
        "list",
        help="print every registered experiment",
        description="Print each registered experiment with its group, paper title and "
        "summary, and every experiment module that cannot be imported because its file "
        "or a package it imports is missing, or because its registration is invalid.",
    )

    run = actions.add_parser(
        "run",
        help="run one experiment, or all of them",
        description="Run one experiment (or all), then print each pass criterion with "
        "its value. See docs/extras.md for the configs and results.",
    )
    run.add_argument(
        "name", help="experiment name from `graphkit extras list`, or 'all'"
    )
    run.add_argument(
        "--smoke", action="store_true", help="run the fast variant (seconds)"
    )
    run.add_argument(
        "--set",
        dest="overrides",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override a config field (repeatable); lists use commas, e.g. mfqat's "
        "train_formats=mxint8,mxint4",
    )

    run.add_argument(
        "--json",
        type=path_option,
        default=None,
        help="write the results to this JSON file",
    )
    run.add_argument(
        "--markdown",
        type=path_option,
        default=None,
        help="also write the result table as Markdown to this file",
    )

    run.add_argument(
        "--threads",
        type=_positive_int,
        default=1,
        help="torch intra-op threads (default 1: the experiments' models are small, and "
        "extra threads mostly add synchronization cost)",
    )
    run.add_argument(
        "--strict",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="exit with 1 when any criterion fails (default: on for full runs, off with "
        "--smoke, whose criteria are not meaningful at smoke size); --no-strict runs "
        "to the end and exits 0 unless an experiment raises",
    )
    parser.set_defaults(func=_handle, extras_parser=parser)


def _handle(args: argparse.Namespace) -> int:
    setup_logging()
    from graphkit.extras import registry

    if args.extras_action == "list":
        return _list(registry)
    if args.extras_action == "run":
        return _run(registry, args)
    args.extras_parser.print_help()
    return 2


def _list(registry) -> int:
    # The listing shows the catalog lines instead of importing the experiment modules,
    # because importing them would import torch (about 1 CPU s).
    experiments, import_errors = registry.listing()
    width = max([len(e.name) for e in experiments] + [10])
    print(f"{'experiment':<{width}}  group  title / summary")
    for experiment in experiments:
        print(
            f"{experiment.name:<{width}}  {experiment.issue_group:>5}  {experiment.title}"
        )
        print(f"{'':<{width}}         {experiment.summary}")
    for module, error in import_errors.items():
        print(f"(not available: {module}: {error})")
    return 0


def _run(registry, args: argparse.Namespace) -> int:
    import torch

    _check_outputs(args)
    if args.name.strip().lower() == "all":
        # Experiment names ignore case, so "ALL" runs every experiment too.
        args.name = "all"
    torch.set_num_threads(args.threads)
    names = _experiment_names(registry, args)
    if names is None:
        return 2
    results = []
    if args.name == "all":
        # A module that failed to import registers no experiment. Without these rows,
        # 'run all' would skip that experiment and still exit 0.
        for module, error in registry.import_errors().items():
            logger.error("experiment module %s failed to import: %s", module, error)
            results += _import_failures(registry, module, args.smoke, error)
    for name in names:
        code = _run_one(registry, name, args, results)
        if code is not None:
            return code
    print(format_table(results))
    ignore_criteria = _ignores_criteria(args)
    _print_smoke_note(results, args.smoke, ignore_criteria)
    written = _write_outputs(results, args)
    code = _exit_code(results, ignore_criteria)
    return code if written else max(code, 1)


def _check_outputs(args: argparse.Namespace) -> None:
    """Raise before any experiment runs if ``--json`` or ``--markdown`` is unusable."""
    for path, option in ((args.json, "--json"), (args.markdown, "--markdown")):
        if path is not None:
            check_output_file(path, option)
    same_file = (
        args.json is not None
        and args.markdown is not None
        and args.json.resolve() == args.markdown.resolve()
    )
    if same_file:
        raise ValueError(
            f"--json and --markdown both name {args.json}, so the table would "
            "replace the JSON results. Give two different files"
        )


def _experiment_names(registry, args: argparse.Namespace) -> list[str] | None:
    """Return the experiments to run, or None after printing why there are none."""
    if args.name == "all":
        if args.overrides:
            override = args.overrides[0]
            _print_error(
                f"--set {override} cannot be combined with 'all', because each "
                "experiment has its own config keys. Run one experiment by name to "
                f"override its config, for example: graphkit extras run NAME --set "
                f"{override}"
            )
            return None
        return [e.name for e in registry.list_experiments()]
    try:
        return [registry.get(args.name).name]
    except KeyError as error:
        # str() of a KeyError quotes its message, so print the message itself.
        _print_error(error.args[0])
        return None


def _run_one(
    registry, name: str, args: argparse.Namespace, results: list
) -> int | None:
    """Run one experiment and append its result to ``results``.

    Return an exit code when the whole run must end, else None.
    """
    try:
        results.append(
            registry.run_experiment(name, smoke=args.smoke, overrides=args.overrides)
        )
    except (ValueError, FileNotFoundError) as error:
        # Invalid --set values and missing data are user errors, so a run of one
        # named experiment ends with the message alone and writes no files. A
        # KeyError inside an experiment is a bug, so it falls to the branch below,
        # which logs the traceback.
        if args.name != "all":
            # An OSError's first argument may be the error number, so it gets
            # the readable str() form.
            message = (
                error if isinstance(error, OSError) or not error.args else error.args[0]
            )
            _print_error(str(message))
            return 2
        results.append(_failed(registry, name, args.smoke, error))
    except Exception as error:
        logger.exception("experiment %s failed", name)
        results.append(_failed(registry, name, args.smoke, error))
    except KeyboardInterrupt:
        return _interrupted(name, results, args)
    return None


def _print_error(message: str) -> None:
    """Print an invalid-input error as one ``graphkit extras run: error:`` line.

    The other graphkit commands, and argparse, name the full sub-command the same way.
    """
    print(f"graphkit extras run: error: {message}", file=sys.stderr)


def _ignores_criteria(args: argparse.Namespace) -> bool:
    """Return whether failed criteria leave the exit code at 0.

    ``--strict`` and ``--no-strict`` decide, and without either a ``--smoke`` run
    ignores its criteria.
    """
    return args.smoke if args.strict is None else not args.strict


def _print_smoke_note(results: list, smoke: bool, ignore_criteria: bool) -> None:
    """Print why a failed criterion in a ``--smoke`` run is expected."""
    if smoke and any(not r.error and not r.passed for r in results):
        # Smoke sizes are too small for the papers' targets, so a failed criterion
        # there is expected and tells nothing about the method.
        effect = (
            "does not change the exit code"
            if ignore_criteria
            else "fails the run because of --strict"
        )
        print(
            "note: --smoke runs are too small to meet the criteria, so a 'no' above "
            f"is expected and {effect}. Run without --smoke to check the criteria."
        )


def _write_outputs(results: list, args: argparse.Namespace) -> bool:
    """Write the requested output files and return False if either write failed."""
    written = True
    if args.json is not None:
        payload = {"experiments": [r.to_json() for r in results]}
        text = json.dumps(payload, indent=2) + "\n"
        written &= _write_output(args.json, "--json", text)
    if args.markdown is not None:
        text = format_markdown(results) + "\n"
        written &= _write_output(args.markdown, "--markdown", text)
    return written


def _interrupted(name: str, results: list, args: argparse.Namespace) -> int:
    """Print the finished experiments after Ctrl-C and return exit code 130.

    Neither output file is written, so earlier files at those paths stay complete.
    """
    if results:
        print(format_table(results))
        # The run exits with 130 whatever its criteria, even with --strict.
        _print_smoke_note(results, args.smoke, ignore_criteria=True)
    outputs = [
        f"{option} {path}"
        for path, option in ((args.json, "--json"), (args.markdown, "--markdown"))
        if path is not None
    ]
    logger.error(
        "interrupted during experiment %s%s",
        name,
        f"; {' and '.join(outputs)} not written" if outputs else "",
    )
    return 130


def _write_output(path: Path, option: str, text: str) -> bool:
    """Write one output file, or log why it failed and return False.

    The files are written after every experiment has run, so a folder that became
    unwritable must not hide the other file or the table printed above.
    """
    try:
        write_text_atomically(path, text)
    except OSError as error:
        logger.error(
            "cannot write %s %s (%s). The results are in the table above",
            option,
            path,
            error.strerror or error,
        )
        return False
    logger.info("wrote %s", path)
    return True


def _exit_code(results, ignore_criteria: bool) -> int:
    """Return 1 when an experiment raised, or a criterion failed and criteria count."""
    if any(r.error for r in results):
        return 1
    failed = [r.name for r in results if not r.passed]
    if failed and not ignore_criteria:
        logger.error(
            "criteria failed in %s; pass --no-strict to exit 0 anyway",
            ", ".join(failed),
        )
        return 1
    return 0


def _import_failures(registry, module: str, smoke: bool, error: str) -> list:
    """Return one error row per experiment that ``CATALOG`` lists for ``module``."""
    return [
        _error_row(
            registry, name, f"module {module}", 0, smoke, f"import failed: {error}"
        )
        for name in registry.catalog_names(module)
    ]


def _failed(registry, name: str, smoke: bool, error: Exception):
    experiment = registry.get(name)
    return _error_row(
        registry,
        name,
        experiment.title,
        experiment.issue_group,
        smoke,
        f"{type(error).__name__}: {error}",
    )


def _error_row(registry, name, title, issue_group, smoke, error: str):
    """Return the result row of an experiment that stopped with ``error``."""
    return registry.ExperimentResult(
        name=name,
        title=title,
        issue_group=issue_group,
        smoke=smoke,
        config={},
        metrics={},
        criteria=[],
        seconds=0.0,
        error=error,
    )


def format_table(results) -> str:
    """Format results as a table: experiment, metric, value, criterion, pass, seconds.

    The seconds column gives wall-clock time and, in brackets, the process CPU time,
    which is the steadier number on a shared machine.
    """
    rows = [("experiment", "metric", "value", "criterion", "pass", "seconds (cpu)")]
    for result in results:
        seconds = f"{result.seconds:.1f} ({result.cpu_seconds:.1f})"
        if result.error:
            message = _one_line(result.error)[:60]
            rows.append((result.name, "error", "-", message, "no", seconds))
            continue
        for criterion in result.criteria:
            rows.append(
                (
                    result.name,
                    criterion.name,
                    _format_value(criterion.value),
                    criterion.target_text,
                    "yes" if criterion.passed else "no",
                    seconds,
                )
            )
            seconds = ""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = [
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip()
        for row in rows
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _one_line(text: str) -> str:
    """Join the non-empty lines of an error message with spaces so it fits one table row."""
    return " ".join(line.strip() for line in text.splitlines() if line.strip())


def _format_value(value: float) -> str:
    if not math.isfinite(value):
        return str(value)
    if value == int(value) and abs(value) < 1e9:
        return str(int(value))
    return f"{value:.4g}"


def format_markdown(results) -> str:
    """Format results as a Markdown table: experiment, metric, value, criterion, pass."""
    lines = [
        "| experiment | metric | value | criterion | pass | seconds (cpu) |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for result in results:
        seconds = f"{result.seconds:.0f} ({result.cpu_seconds:.0f})"
        if result.error:
            message = _one_line(result.error).replace("|", "\\|")
            lines.append(f"| {result.name} | error | - | {message} | no | {seconds} |")
            continue
        for criterion in result.criteria:
            passed = "yes" if criterion.passed else "**no**"
            lines.append(
                f"| {result.name} | {criterion.name} | {_format_value(criterion.value)} "
                f"| {criterion.target_text} | {passed} | {seconds} |"
            )
            seconds = ""
    return "\n".join(lines)
