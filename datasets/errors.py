"""Exceptions raised by the dataset loaders.

Each class also derives from the built-in exception a caller would catch without knowing
graphkit (``ValueError`` or ``FileNotFoundError``), and every message names the value or
file at fault and what to do about it.
"""

from __future__ import annotations

from pathlib import Path

from graphkit.hints import did_you_mean


class DatasetError(Exception):
    """Base class of every error raised by ``graphkit.datasets``."""


class UnknownDatasetError(DatasetError, ValueError):
    """The dataset name is not one of the names that ``list_datasets()`` returns."""

    def __init__(self, name: str, known: list[str]) -> None:
        # Names ignore case and treat '_' as '-', so the closest match is found that way.
        hint = did_you_mean(name.lower().replace("_", "-"), known)
        path = Path(name).expanduser()
        if not hint and (path.suffix or len(path.parts) > 1):
            # A name such as edges.csv or data/edges is a mistyped or moved file.
            hint = (
                f": it looks like the path of an edge-list file, but "
                f"{path.absolute()} does not exist. Check the path"
            )
        super().__init__(
            f"unknown dataset {name!r}{hint}; known datasets: {', '.join(known)} "
            "(or pass the path of an edge-list file)"
        )
        self.name = name
        self.known = known


class DatasetNotFoundError(DatasetError, FileNotFoundError):
    """A raw file of the dataset is missing."""

    def __init__(self, message: str, path: Path | None = None) -> None:
        super().__init__(message)
        self.path = path


class MalformedLineError(DatasetError, ValueError):
    """A line of a text input file cannot be parsed."""

    def __init__(
        self, path: Path | str, line_number: int, line: str, reason: str
    ) -> None:
        shown = line.rstrip("\n")
        if len(shown) > 200:
            shown = shown[:200] + "..."
        super().__init__(f"{path}:{line_number}: {reason}; line content: {shown!r}")
        self.path = Path(path)
        self.line_number = line_number
        self.line = line


class DatasetFormatError(DatasetError, ValueError):
    """A raw file can be read, but its content does not have the expected structure."""


class UnknownNodeIdError(DatasetError, ValueError):
    """An input file refers to node ids that the node (feature) file does not list."""

    def __init__(self, message: str, missing: list[str]) -> None:
        super().__init__(message)
        self.missing = missing


class ShapeMismatchError(DatasetError, ValueError):
    """Two arrays that must describe the same nodes have different lengths."""

    def __init__(self, message: str, shapes: tuple[tuple[int, ...], ...]) -> None:
        super().__init__(message)
        self.shapes = shapes


class InvalidSplitError(DatasetError, ValueError):
    """The requested split does not exist for this dataset."""
