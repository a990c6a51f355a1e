"""Full-batch node classification training: typed configs, the trainer, checkpoints."""

from graphkit.train.config import TrainConfig
from graphkit.train.trainer import Trainer

__all__ = ["TrainConfig", "Trainer"]
