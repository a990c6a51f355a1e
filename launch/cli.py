"""The ``graphkit`` command line: one sub-command per module under ``graphkit.launch``.

Each command module defines ``register(subparsers)``, which adds its parser and sets
``func`` (called with the parsed namespace, returning an exit code). Building the parser
imports every command module, so these modules import torch and PyG only inside the
functions that run a command. Then ``graphkit --help`` imports neither, which saves about
1 CPU s (``tests/usability/test_help_without_torch.py``, and the section Command start-up
of ``docs/benchmarks.md``).
"""

from __future__ import annotations

import argparse
import importlib
import os
import signal
import sys

from graphkit.hints import did_you_mean
from graphkit.option_names import command_line_options

# Command modules, imported when the parser is built. A module that does not exist yet
# is skipped, so that one missing command does not take the whole command line down.
COMMAND_MODULES = (
    "graphkit.launch.cmd_train",
    "graphkit.launch.cmd_partition",
    "graphkit.launch.cmd_analyze",
    "graphkit.launch.cmd_kg",
    "graphkit.launch.cmd_isvd",
    "graphkit.launch.cmd_extras",
)


class OneLineErrorParser(argparse.ArgumentParser):
    """An ``ArgumentParser`` whose usage errors are one line that points at ``--help``.

    argparse prints the whole usage before the error, which for ``graphkit train`` is
    about 20 lines above the one that matters. Sub-parsers inherit this class.
    """

    def error(self, message: str):
        from graphkit.launcher import ranks_share_one_machine

        if _is_other_rank() and ranks_share_one_machine():
            # Rank 0 of this machine parses the same command line and prints the error.
            self.exit(2)
        self.exit(2, f"{self.prog}: error: {message}. See {self.prog} --help\n")


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineErrorParser(
        prog="graphkit",
        description="Distributed full-batch graph learning on PyTorch and PyG.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as error:
            if error.name == name:
                continue  # command not built yet
            raise
        module.register(subparsers)
    return parser


def _subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    """Return the sub-command parsers of ``parser`` by name, empty when it has none."""
    # argparse has no public accessor for the sub-parsers of a parser.
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return action.choices
    return {}


def _command_words(parser: argparse.ArgumentParser, argv: list[str]) -> list[str]:
    """Return the leading words of ``argv`` that name a command and its sub-commands.

    ``graphkit train foo`` gives ``["train"]``: ``foo`` is an unknown argument, not
    part of the command's name.
    """
    words = []
    for word in argv:
        choices = _subcommands(parser)
        if word not in choices:
            break
        words.append(word)
        parser = choices[word]
    return words


def _check_command_words(parser: argparse.ArgumentParser, argv: list[str]) -> None:
    """Exit with one error line, and the closest name, when a command word is unknown.

    argparse's own message for an invalid choice follows a usage line, and on Python 3.11
    it suggests no close match.
    """
    words = ["graphkit"]
    for word in argv:
        choices = _subcommands(parser)
        if not choices or word.startswith("-"):
            return
        if word not in choices:
            hint = did_you_mean(word, choices)
            parser.exit(
                2,
                f"{' '.join(words)}: error: unknown command {word!r}{hint}; choose from "
                f"{', '.join(choices)}. See {' '.join(words)} --help\n",
            )
        words.append(word)
        parser = choices[word]


def _check_argv(argv) -> list[str]:
    """Return ``argv`` as a list after checking that it is a sequence of strings.

    Python callers pass the words of a command line, as in ``sys.argv[1:]``.
    A whole command line as one string would otherwise be read one character per
    word, and a number would fail inside argparse with an unrelated message.
    """
    if isinstance(argv, (str, bytes)):
        raise TypeError(
            f"main() takes a list of command-line words, not the string {argv!r}. "
            f"Pass shlex.split({argv!r}) or a list such as ['train', '--epochs', '3']"
        )
    words = list(argv)
    for index, word in enumerate(words):
        if not isinstance(word, str):
            raise TypeError(
                f"main() argument argv[{index}] = {word!r} has type "
                f"{type(word).__name__}, not str. Pass every word as a string, "
                f"such as {str(word)!r}"
            )
    return words


def main(argv: list[str] | None = None) -> int:
    argv = _check_argv(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    if not argv:
        argv = ["train"]  # the embedded default: train on the synthetic graph
    _check_command_words(parser, argv)
    args, extras = parser.parse_known_args(argv)
    if extras:
        # parse_args would report these under the top-level usage, which lists only
        # COMMAND, so name the sub-command whose options the user should read.
        words = " ".join(_command_words(parser, argv))
        parser.exit(
            2,
            f"graphkit {words}: error: unrecognized arguments: {' '.join(extras)}. See "
            f"graphkit {words} --help for the options\n",
        )
    if not hasattr(args, "func"):
        parser.print_help()
        return 2
    # Errors raised inside this block name options as flags. A command whose flags
    # differ from the library's argument names sets option_flags for them.
    with command_line_options(getattr(args, "option_flags", None)):
        return int(args.func(args) or 0)


def _user_error_types() -> tuple[type[BaseException], ...]:
    """Exception types that mean invalid input: an option, a file, a config, a launch.

    A FloatingPointError is a NaN or infinite loss, which options or inputs fix.
    """
    import yaml
    from graphkit.distributed.files import PartitionFileError
    from graphkit.launcher import StartUpError

    return (
        ValueError,
        OSError,
        FloatingPointError,
        yaml.YAMLError,
        PartitionFileError,
        StartUpError,
    )


def run(argv: list[str] | None = None) -> int:
    """Run :func:`main` as the console script: invalid input gives one error line, exit 2.

    Invalid input is a ValueError, OSError, FloatingPointError (a diverged loss), YAML,
    partition-file or distributed start-up error, or a ``SystemExit`` whose code is a
    message. A lost rank (``PeerLostError``) or a dependency that is not installed gives
    one line and exit code 1. Ctrl-C gives one line and exit code 130, and SIGTERM exit
    code 143 (see :mod:`graphkit.launch.interrupts`). In a launch of several processes,
    rank 0 prints that line and every other rank a short line with its rank. A stdout
    pipe that its reader closed (as ``head`` does) ends the command without a message
    and with exit code 141, as it ends shell tools.

    ``main`` itself lets exceptions propagate, so that Python callers and tests see them.
    Set ``GRAPHKIT_TRACEBACK=1`` to get the traceback from the console script as well
    (``0``, ``false``, ``no`` or ``off`` leave it off).
    """
    words = argv if argv is not None else sys.argv[1:]
    from graphkit.launch.interrupts import print_line, sigterm_as_interrupt

    try:
        # torchrun's agent and mpiexec send SIGTERM to every rank to stop a launch of
        # several processes, so ranks also stop through the interrupt path.
        # Communicator waits in a helper thread (comm.wait_works), so a rank waiting
        # for a peer runs the handler at once. A stopped peer runs none, and torchrun
        # sends it SIGKILL after its grace period.
        with sigterm_as_interrupt() as signals:
            code = main(argv)
        # graphkit extras run handles an interrupt itself and returns 130, as for Ctrl-C.
        return 128 + signal.SIGTERM if signals.terminated and code == 130 else code
    except KeyboardInterrupt as error:
        return _interrupted(_command_name(words), error)
    except SystemExit as error:
        # A handler's SystemExit("message") is a user error too. Exit codes (argparse's,
        # a signal's) pass through unchanged.
        if _traceback_requested() or not isinstance(error.code, str):
            raise
        print_line(f"graphkit {_command_name(words)}: error: {error.code}")
        return 2
    except Exception as error:
        if isinstance(error, BrokenPipeError) and _stdout_closed():
            return _discard_stdout()
        if _traceback_requested():
            raise
        missing = _missing_dependency(error)
        if missing:
            print_line(f"graphkit {_command_name(words)}: error: {missing}")
            return 1
        if _is_peer_lost(error):
            # Not invalid input, so the exit code is 1, but the message names the lost
            # rank and its likely cause, which a traceback would only bury.
            print_line(f"graphkit {_command_name(words)}: error: {error}")
            return 1
        if not isinstance(error, _user_error_types()):
            raise
        if not (getattr(error, "every_rank", False) and _is_other_rank()):
            print_line(f"graphkit {_command_name(words)}: error: {error}")
        return 2


def _command_name(argv) -> str:
    """Return the command and sub-command words of ``argv``, such as ``kg predict``.

    Error and interrupt lines start with ``graphkit`` and these words, as argparse's
    own errors do. The parser is built again only here, on the way out of a failed or
    interrupted command, so that a command that succeeds pays nothing for it.
    """
    try:
        words = _check_argv(argv)
    except TypeError:
        # main() raises this TypeError itself and run() re-raises it, so only an
        # interrupt that arrives before main() checks argv gets here.
        return "train"
    return " ".join(_command_words(build_parser(), words)) or "train"


def _stdout_closed() -> bool:
    """Return whether standard output is a pipe or socket that its reader has closed.

    A pipe into ``head`` is closed once ``head`` has read its lines. poll reports
    POLLERR for a pipe without a reader on Linux, and ``False`` is returned where poll
    is missing (Windows) or stdout has no file descriptor.
    """
    import select

    try:
        poller = select.poll()
        poller.register(sys.stdout.fileno(), select.POLLOUT)
        events = poller.poll(0)
    except (AttributeError, OSError, ValueError):
        return False
    return any(mask & (select.POLLERR | select.POLLHUP) for _, mask in events)


def _discard_stdout() -> int:
    """Send further output to the null device and return 141 (128 + SIGPIPE).

    Shell tools stopped by a closed pipe exit with that code and print nothing. The
    null device also takes the interpreter's last flush of ``sys.stdout``, which would
    otherwise raise the same error again.
    """
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, sys.stdout.fileno())
    os.close(null)
    return 128 + signal.SIGPIPE


# Import names of dependencies whose pip package has another name.
_PIP_NAMES = {
    "torch_geometric": "torch-geometric",
    "yaml": "pyyaml",
    "sklearn": "scikit-learn",
    "skimage": "scikit-image",
}


def _missing_dependency(error: Exception) -> str | None:
    """Return a one-line message when ``error`` is a missing dependency, else None.

    A missing module of graphkit itself means a broken install, not a missing
    dependency, so the function returns None and the error keeps its traceback.
    """
    if not isinstance(error, ModuleNotFoundError) or not error.name:
        return None
    top = error.name.partition(".")[0]
    if top == "graphkit":
        return None
    package = _PIP_NAMES.get(top, top)
    return (
        f"the Python package {package!r} is not installed ({error}). Install graphkit "
        f"with its dependencies, which include {package}: pip install -e \".[dev,mpi]\" "
        f"in the graphkit folder (see README.md)"
    )


def _is_peer_lost(error: Exception) -> bool:
    """Return whether ``error`` is a :class:`PeerLostError` (another rank was lost)."""
    # The class is read from sys.modules, because only a distributed run imports it.
    comm = sys.modules.get("graphkit.distributed.comm")
    return comm is not None and isinstance(error, comm.PeerLostError)


def _traceback_requested() -> bool:
    """Return whether ``GRAPHKIT_TRACEBACK`` requests tracebacks.

    Unset, empty, ``0``, ``false``, ``no`` and ``off`` (any case) mean no, as a user
    who sets the variable to 0 expects.
    """
    value = os.environ.get("GRAPHKIT_TRACEBACK", "").strip().lower()
    return value not in ("", "0", "false", "no", "off")


def _interrupted(command: str, error: KeyboardInterrupt) -> int:
    """Print one line for an interrupt and what was kept, then return 130 or 143.

    Rank 0 of a launch of several processes prints the line of a single process,
    and every other rank a short line with its rank, because rank 0 writes the
    files that the line describes.
    """
    from graphkit.launch.interrupts import (
        print_line,
        report_interrupt,
        report_rank_interrupt,
    )
    from graphkit.launch.logs import launcher_rank, launcher_world_size

    if _traceback_requested():
        raise error
    lost = _lost_peer_context(error)
    if lost is not None:
        # The interrupt replaced the error that named the lost rank, so print it first.
        print_line(f"graphkit {command}: error: {lost}")
    if _is_other_rank():
        return report_rank_interrupt(
            command, error, launcher_rank(), launcher_world_size()
        )
    return report_interrupt(command, error)


def _lost_peer_context(error: BaseException) -> Exception | None:
    """Return the ``PeerLostError`` that was being handled when ``error`` was raised."""
    seen = set()
    context = error.__context__
    while context is not None and id(context) not in seen:
        if _is_peer_lost(context):
            return context
        seen.add(id(context))
        context = context.__context__
    return None


def _is_other_rank() -> bool:
    """Return whether this process is a rank other than 0 of a group of several.

    Both the rank and a world size above 1 must come from the launcher, so that a stray
    ``RANK`` in a single process's environment does not hide its error message.
    """
    from graphkit.launch.logs import launcher_rank, launcher_world_size

    try:
        return launcher_world_size() > 1 and launcher_rank() != 0
    except ValueError:
        return False


if __name__ == "__main__":
    sys.exit(run())
