"""Checks on the model and settings passed to :func:`graphkit.kg.pretrain`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, fields

import torch


def merge_settings(config: object, overrides: Mapping, config_type: type) -> dict:
    """Return the fields of ``config`` with ``overrides`` applied, as keyword arguments.

    ``config`` is a ``config_type`` dataclass, a dict of its fields or None.

    Raises:
        TypeError: ``config`` has another type, or a key of ``config`` or
            ``overrides`` is not a field of ``config_type``.
    """
    name = config_type.__name__
    if config is None:
        settings = {}
    elif isinstance(config, config_type):
        settings = asdict(config)
    elif isinstance(config, Mapping):
        settings = dict(config)
    else:
        raise TypeError(
            f"config must be a {name}, a dict of its fields or None, got "
            f"{type(config).__name__}"
        )
    settings.update(overrides)
    known = [field.name for field in fields(config_type)]
    unknown = [key for key in settings if key not in known]
    if unknown:
        raise TypeError(
            f"unknown {name} fields {', '.join(map(repr, unknown))}. "
            f"Valid fields: {', '.join(known)}"
        )
    return settings


def check_trainable(model: object) -> None:
    """Raise unless ``model`` is a module with at least one parameter to train.

    Raises:
        TypeError: ``model`` is not a ``torch.nn.Module``.
        ValueError: every parameter has ``requires_grad=False``.
    """
    if not isinstance(model, torch.nn.Module):
        raise TypeError(
            f"model must be a torch.nn.Module such as graphkit.kg.Ultra, got "
            f"{type(model).__name__}"
        )
    # Without this check the first backward fails with "element 0 of tensors does
    # not require grad", which names neither the model nor the fix.
    if not any(parameter.requires_grad for parameter in model.parameters()):
        raise ValueError(
            "every parameter of the model has requires_grad=False, so training "
            "cannot update any weight. Call model.requires_grad_(True), or "
            "requires_grad_(True) on the parts to train, before training"
        )
