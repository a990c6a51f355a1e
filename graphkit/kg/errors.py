"""Errors for knowledge-graph input that point at the offending file and line."""

from __future__ import annotations

from pathlib import Path


class KGFormatError(ValueError):
    """Invalid knowledge-graph input, reported as ``file:line: message``."""

    def __init__(self, source: str | Path, line: int | None, message: str) -> None:
        self.source = str(source)
        self.line = line
        location = self.source if line is None else f"{self.source}:{line}"
        super().__init__(f"{location}: {message}")
