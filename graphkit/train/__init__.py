"""Full-batch node classification training: typed configs, the trainer, checkpoints.

``Trainer`` is imported on first use, so that ``graphkit.train.config`` (which builds
``graphkit train --help``) loads without importing torch.
"""

from typing import TYPE_CHECKING

from graphkit.train.config import TrainConfig

if TYPE_CHECKING:
    # For type checkers and editors, which read __getattr__ as returning Any.
    from graphkit.train.trainer import Trainer

__all__ = ["TrainConfig", "Trainer"]


def __getattr__(name: str):
    # Python calls a module's __getattr__ only for names not found in it (PEP 562).
    if name == "Trainer":
        from graphkit.train.trainer import Trainer

        globals()["Trainer"] = Trainer
        return Trainer
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
