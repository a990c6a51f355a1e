"""``--set key=value`` overrides of an experiment's ``Config``, parsed by field type."""

from __future__ import annotations

import dataclasses
import math
import re
import types
import typing
from typing import Any

from graphkit.hints import did_you_mean
from graphkit.int64 import INT64_MAX, INT64_MIN

_UNION_TYPES = (typing.Union, getattr(types, "UnionType", typing.Union))

# Range of an int given with --set: torch's and numpy's 64-bit integers.
# NOTE: a count inside this range can still run for days, because only the
# experiments' configs know their fields' useful ranges, and most bound only the
# lower end.
MIN_INT = INT64_MIN
MAX_INT = INT64_MAX

# Python's int() and float() also accept "2_0" and non-ASCII digits such as "２",
# which a user does not mean to type, so --set accepts only these spellings.
_INT_TEXT = re.compile(r"[+-]?[0-9]+")
_FLOAT_TEXT = re.compile(
    r"[+-]?(?:(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|inf|infinity|nan)",
    re.IGNORECASE,
)


def parse_value(text: str, annotation: Any, key: str) -> Any:
    """Convert the command-line text ``text`` to the type ``annotation`` of field ``key``.

    Supports ``int``, ``float``, ``bool`` (true/false/1/0/yes/no), ``str``, ``Literal``,
    ``Optional[T]`` (``none`` gives None) and ``tuple``/``list`` of those, written
    comma-separated (``--set formats=mxint8,mxint4``), optionally in brackets, with
    or without quotes around each item (``['mxint8', 'mxint4']``). A value in one
    pair of quotes (``'sum'``, ``"21,22"``) reads as the value without them.
    """
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    # Values copied from YAML or a shell script may be quoted as a whole.
    text = _unquote_whole(text.strip())
    if origin in _UNION_TYPES:
        if type(None) in args and text.strip().lower() in ("none", "null"):
            return None
        non_none = [a for a in args if a is not type(None)]
        prefix = f"--set {key}={text}: "
        reasons = []
        for option in non_none:
            try:
                return parse_value(text, option, key)
            except ValueError as error:
                reasons.append(str(error).removeprefix(prefix))
        if type(None) in args:
            reasons.append("or none")
        raise ValueError(prefix + ", ".join(reasons))
    if origin is typing.Literal:
        for option in args:
            if str(option) == text:
                return option
        raise ValueError(
            f"--set {key}={text}: expected one of {', '.join(map(str, args))}"
        )
    if origin in (tuple, list):
        stripped = text
        # Python and YAML write lists in brackets, so "[21, 22]" reads as "21, 22".
        if stripped[:1] + stripped[-1:] in ("[]", "()"):
            stripped = stripped[1:-1]
        items = [_unquote(item.strip()) for item in stripped.split(",") if item.strip()]
        item_type = args[0] if args else str
        values = [parse_value(item, item_type, key) for item in items]
        return tuple(values) if origin is tuple else values
    if annotation is bool:
        lowered = text.strip().lower()
        if lowered in ("true", "1", "yes", "on"):
            return True
        if lowered in ("false", "0", "no", "off"):
            return False
        raise ValueError(f"--set {key}={text}: expected true or false")
    if annotation is int and not _INT_TEXT.fullmatch(text):
        raise ValueError(
            f"--set {key}={text}: expected a value of type int. Give a whole number "
            f"in ASCII digits, such as {_whole_number_example(text)}"
        )
    if annotation is float and not _FLOAT_TEXT.fullmatch(text):
        raise ValueError(f"--set {key}={text}: expected a value of type float")
    if annotation in (int, float, str):
        value = annotation(text)
        # float() accepts "nan", and NaN passes a range check such as ``lr <= 0``
        # because every comparison with NaN is false, so configs would accept it.
        if annotation is float and math.isnan(value):
            raise ValueError(f"--set {key}={text}: NaN is invalid. Give a number.")
        if annotation is int and not MIN_INT <= value <= MAX_INT:
            raise ValueError(
                f"--set {key}={text}: the value is out of range. Give a whole number "
                f"from {MIN_INT} to {MAX_INT} (64-bit), and within the range that "
                f"{key} allows"
            )
        return value
    raise ValueError(
        f"--set {key}: field type {annotation!r} cannot be set from the command line"
    )


def _whole_number_example(text: str) -> int:
    """Return the integer that ``text`` writes in another notation (``1e3``), else 1000.

    The error message shows this value as an example. A whole number outside the 64-bit
    range also gives 1000, because --set rejects it.
    """
    try:
        value = float(text)
    except ValueError:
        return 1000
    if math.isfinite(value) and value.is_integer() and MIN_INT <= value <= MAX_INT:
        return int(value)
    return 1000


def _unquote(item: str) -> str:
    """Remove one pair of matching quotes, as in Python's ``['mxint8', 'mxint4']``."""
    if len(item) >= 2 and item[0] == item[-1] and item[0] in "'\"":
        return item[1:-1]
    return item


def _unquote_whole(text: str) -> str:
    """Remove quotes around the whole text, but not from ``'a','b'``.

    The quote character must not appear inside, because there it shows quotes
    around each item of a list, which the list parser removes one by one.
    """
    inner = _unquote(text)
    if inner != text and text[0] not in inner:
        return inner.strip()
    return text


def apply_overrides(config: Any, pairs: list[str], owner: str | None = None) -> Any:
    """Return ``config`` with ``key=value`` overrides applied (re-validated).

    ``owner`` names the config in errors, such as the experiment's name. Without it,
    the errors name the config class.

    Raises:
        ValueError: a pair without ``=``, an empty or unknown key (the message lists
            the valid keys), a key given twice with different values, or a value that
            does not parse as the field's type.
    """
    if not pairs:
        return config
    hints = typing.get_type_hints(type(config))
    fields = {f.name for f in dataclasses.fields(config) if f.init}
    owner = owner or type(config).__qualname__
    changes: dict[str, Any] = {}
    texts: dict[str, str] = {}
    for pair in pairs:
        if "=" not in pair:
            raise ValueError(
                f"--set {pair!r}: expected key=value, for example "
                f"--set {pair.strip() or 'KEY'}=VALUE"
            )
        key, text = pair.split("=", 1)
        key = key.strip()
        if not key:
            raise ValueError(
                f"--set {pair!r}: the key before '=' is empty. Give key=value with a "
                f"key of {owner}: {', '.join(sorted(fields))}"
            )
        # Keeping the last of two different values silently would run a config that
        # differs from the first value the user wrote.
        if key in texts and texts[key] != text.strip():
            raise ValueError(
                f"--set {key} is given twice, as {key}={texts[key]} and "
                f"{key}={text.strip()}. Give each key once"
            )
        texts[key] = text.strip()
        if key not in fields:
            hint = did_you_mean(key, sorted(fields))
            raise ValueError(
                f"--set {key}: unknown config key for {owner}"
                f"{hint}; valid keys: {', '.join(sorted(fields))}"
            )
        changes[key] = parse_value(text.strip(), hints[key], key)
    return dataclasses.replace(config, **changes)

