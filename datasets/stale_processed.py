"""Find PyG ``processed/`` folders that are older than the raw files they were made from.

PyG's dataset classes skip processing whenever their processed files exist, unless
they are built with ``force_reload=True``, and never compare them with the raw files
(torch_geometric 2.8.1). A raw file that was corrected or replaced after the first load
would therefore be ignored, and the old graph loaded.
"""

from __future__ import annotations

import logging
import os
import shutil
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

logger = logging.getLogger(__name__)


def stale_processed_folders(raw_paths: Sequence[Path], folders: Sequence[Path]) -> list[Path]:
    """Return the folders of ``folders`` with a file older than the newest raw file.

    Only the files directly inside each folder are compared, as PyG writes them there.
    Raw paths inside one of ``folders`` are not raw files and are ignored, and so are
    missing raw files. An empty or missing folder is never stale.
    """
    raw_times = [
        path.stat().st_mtime_ns
        for path in raw_paths
        if path.is_file() and not any(folder in path.parents for folder in folders)
    ]
    if not raw_times:
        return []
    newest_raw = max(raw_times)
    stale = []
    for folder in folders:
        if not folder.is_dir():
            continue
        times = [path.stat().st_mtime_ns for path in folder.iterdir() if path.is_file()]
        if times and min(times) < newest_raw:
            stale.append(folder)
    return stale


@contextmanager
def reprocessing(stale: Sequence[Path]) -> Iterator[None]:
    """Move the ``stale`` folders aside while the body processes the raw files again.

    On success the old folders are deleted. If the body raises, the folders it wrote
    are removed and the old ones are put back, so a failed load keeps what was there.
    """
    moved = []
    try:
        for folder in stale:
            aside = folder.with_name(f"{folder.name}.stale-{os.getpid()}")
            shutil.rmtree(aside, ignore_errors=True)
            logger.warning(
                "%s is older than the raw files next to it, so they are processed "
                "again (PyG would load the old graph)",
                folder,
            )
            os.replace(folder, aside)
            moved.append((folder, aside))
        yield
    except BaseException:
        for folder, aside in moved:
            shutil.rmtree(folder, ignore_errors=True)
            os.replace(aside, folder)
        raise
    for _, aside in moved:
        shutil.rmtree(aside, ignore_errors=True)
