"""Options of the delimited-text readers: the field separator and the header flag."""

from __future__ import annotations

import numpy as np

from graphkit.option_names import from_command_line

from .errors import DatasetFormatError

# Names for separators that are hard to type or to quote on a command line or in
# YAML. Each names one character. In an edge list that character separates exactly
# two fields, so two of them in a row enclose an empty field, and leaving the
# delimiter out splits on any run of whitespace. The KG triple reader
# (graphkit.kg.io) splits at runs of spaces and tabs for a space.
DELIMITER_NAMES = {"tab": "\t", "space": " "}


def delimiter_from_name(delimiter):
    """Return the character that ``delimiter`` names (``tab``, ``space``), else ``delimiter``."""
    if isinstance(delimiter, str) and delimiter.lower() in DELIMITER_NAMES:
        return DELIMITER_NAMES[delimiter.lower()]
    return delimiter


def check_header(header) -> None:
    """Raise ValueError unless ``header`` is True, False or ``"auto"``.

    A string such as ``"no"`` is truthy, so without this check it would skip the
    first line as a header.
    """
    if isinstance(header, (bool, np.bool_)) or (
        isinstance(header, str) and header == "auto"
    ):
        return
    if from_command_line():
        raise ValueError(
            f"header must be true, false or auto, got {header!r}. Write true or false "
            "without quotes in --dataset-options, as in {header: true}"
        )
    raise ValueError(f"header must be True, False or 'auto', got {header!r}")


def check_delimiter(delimiter: str | None) -> None:
    """Raise DatasetFormatError for a delimiter that cannot separate fields as meant."""
    problem = delimiter_problem(delimiter, "tab, else comma, else whitespace")
    if problem is not None:
        raise DatasetFormatError(problem)


def delimiter_problem(delimiter: str | None, detection: str) -> str | None:
    """Return why ``delimiter`` cannot separate fields as meant, or None if it can.

    An empty string cannot split a line. A backslash followed by a letter (``\\t``)
    is what a shell or a single-quoted YAML string passes for an intended escape, and
    data files hardly ever separate fields with it. ``detection`` describes what the
    calling reader picks for ``None``, such as ``"tab, else comma, else whitespace"``.
    """
    if delimiter is None:
        return None
    if not isinstance(delimiter, str) or not delimiter:
        return (
            f"delimiter must be a non-empty string such as ';', got {delimiter!r}. "
            f"Pass None to detect it per file ({detection})"
        )
    if len(delimiter) == 2 and delimiter[0] == "\\" and delimiter[1].isalpha():
        if from_command_line():
            tab_spelling = (
                'delimiter: "\\t" in --dataset-options (double quotes), --delimiter '
                "tab in graphkit analyze, or delimiter='\\t' in Python"
            )
        else:
            tab_spelling = "delimiter='\\t'"
        return (
            f"delimiter {delimiter!r} is a backslash and a letter, not the character "
            f"that the escape names. For a tab pass the tab character: {tab_spelling}"
        )
    return None
