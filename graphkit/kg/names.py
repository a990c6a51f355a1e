"""The rule for comparing entity and relation names: Unicode NFC form.

One name can be written in two Unicode normal forms. A precomposed "ü" (U+00FC) is NFC,
and "u" followed by a combining diaeresis (U+0308) is NFD, the form in which HFS+ on
macOS stores file names. Most keyboard input and text files are in NFC. graphkit
compares names by their NFC form everywhere: when files are read and numbered, when
repeated facts are dropped, and when a name is looked up. So two spellings of one name
are one entity (or relation), and the first spelling read is the one kept in
``entity_names`` and ``relation_names`` and printed.

NFC also replaces canonical singletons, such as the ANGSTROM SIGN (U+212B) by "Å"
(U+00C5). The compatibility forms (NFKC) are not used, because they would also merge
"ﬁ" with "fi" and full-width letters with ASCII ones, which may name different
entities on purpose.
"""

from __future__ import annotations

import unicodedata


def name_key(name):
    """Return the NFC form of ``name``, under which names are compared.

    ASCII text is already NFC, so it is returned as it is without calling
    :func:`unicodedata.normalize`. A value that is not a string is returned unchanged,
    so that lookups by a non-string raise the usual "is not in the graph" error.
    """
    if isinstance(name, str) and not name.isascii():
        return unicodedata.normalize("NFC", name)
    return name


def row_key(row: tuple[str, str, str]) -> tuple[str, str, str]:
    """Return ``(head, relation, tail)`` with each name in NFC form."""
    head, relation, tail = row
    if head.isascii() and relation.isascii() and tail.isascii():
        return row
    return (name_key(head), name_key(relation), name_key(tail))
