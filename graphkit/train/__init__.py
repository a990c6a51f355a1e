"""Full-batch node classification training: typed configs, the trainer, checkpoints.

``Trainer`` is imported on first use, so that ``graphkit.train.config`` (which builds
``graphkit train --help``) loads without importing torch.
"""

from graphkit.train.config import TrainConfig

__all__ = ["TrainConfig", "Trainer"]


def __getattr__(name: str):
    # PEP 562: called only for names not found in the module, here Trainer.
    if name == "Trainer":
        from graphkit.train.trainer import Trainer

        globals()["Trainer"] = Trainer
        return Trainer
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
