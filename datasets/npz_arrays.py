"""Reading a .npz file that must contain named arrays."""

from __future__ import annotations

import zipfile
import zlib
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from .errors import DatasetFormatError


def read_npz_arrays(
    path: Path, required: Sequence[str], kind: str
) -> dict[str, np.ndarray]:
    """Return every array of ``path``, or raise DatasetFormatError naming the file.

    ``kind`` names the file in messages (``"split file"``, ``"archive"``). np.load reads
    a file that is not a .npz as a pickle and rejects it without naming the file, and a
    truncated or corrupted archive raises BadZipFile or zlib.error, which are not
    OSError or ValueError. A file that lacks one of ``required`` is rejected as well.
    """
    try:
        with np.load(path) as archive:
            arrays = {key: archive[key] for key in archive.files}
    except (OSError, ValueError, EOFError, zipfile.BadZipFile, zlib.error) as error:
        raise DatasetFormatError(
            f"{path}: not a readable .npz {kind} ({error}). Replace it with the "
            f"original file, which contains the arrays {', '.join(required)}"
        ) from error
    absent = [key for key in required if key not in arrays]
    if absent:
        raise DatasetFormatError(
            f"{path}: {kind} lacks the array(s) {', '.join(absent)}. It contains "
            f"{', '.join(arrays)}, but the {kind} must contain {', '.join(required)}. "
            "Replace it with the original file"
        )
    return arrays
