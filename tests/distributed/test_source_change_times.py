"""A changed edge-list file is reported with both modification times in UTC."""

import hashlib
import os

from graphkit.distributed.source import file_change, file_record


def test_content_change_names_utc_times(tmp_path):
    path = tmp_path / "edges.txt"
    path.write_bytes(b"0 1\n")
    os.utime(path, ns=(0, 86_400 * 10**9))  # 1970-01-02 00:00:00 UTC
    record = file_record("edge list", path)
    record.update(mtime_ns=0, sha256="0" * 64)
    digest = hashlib.sha256(b"0 1\n").hexdigest()[:16]
    assert file_change(record, path) == (
        f"its content changed (SHA-256 {digest}... instead of 0000000000000000..., "
        "modified 1970-01-02 00:00:00 UTC, "
        "partitioned from the version of 1970-01-01 00:00:00 UTC)"
    )
