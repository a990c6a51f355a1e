"""Recognise compressed data that graphkit's text readers do not decompress.

The edge-list and triple readers decompress gzip only. Other formats fail as text
with an invalid UTF-8 byte, which does not tell the user that the file is
compressed.
"""

from __future__ import annotations

import re

# Leading bytes of each format, and the command that decompresses a file of it. A
# bzip2 stream starts with "BZh", its block size digit and the block magic "1AY&SY",
# so that a text line that starts with "BZh" does not match.
OTHER_FORMATS = (
    (re.compile(rb"BZh[1-9]1AY&SY"), "bzip2", "bunzip2 -k"),
    (re.compile(rb"\xfd7zXZ\x00"), "xz", "unxz -k"),
    (re.compile(rb"\x28\xb5\x2f\xfd"), "zstd", "unzstd"),
)
# Bytes to pass to unsupported_compression, enough for every format above.
MAGIC_LENGTH = 10


def unsupported_compression(start: bytes) -> str | None:
    """Return the error text for data that starts as bzip2, xz or zstd, else None.

    ``start`` is the first MAGIC_LENGTH bytes of the file.
    """
    for magic, name, command in OTHER_FORMATS:
        if magic.match(start):
            return (
                f"{name}-compressed data, which graphkit does not decompress (it "
                f"reads plain text and gzip only). Decompress it first ({command} "
                "FILE), or compress it with gzip instead"
            )
    return None
