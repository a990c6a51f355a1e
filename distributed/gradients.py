"""Gradient sums over ranks, with a check that every rank trains the same parameters.

The gradients travel in one flat all-reduce, so every rank must put the same
parameters into it. A rank that froze a parameter (``requires_grad=False``) that the
other ranks train would build a shorter buffer, and gloo aborts every process on the
size mismatch without a Python error. So the ranks agree, once per module, on the
parameters that every rank trains. They do so in a small all-reduce when the
parameters are synchronised before training. Every later all-reduce has one gradient
slot per agreed parameter and, after the gradients, the number of ranks that train
each of the module's parameters. A rank that freezes or unfreezes a parameter
alone then changes only these counts, not the buffer's size, so every rank reads the
same counts and raises the same ValueError.
"""

from __future__ import annotations

import weakref

import torch
from torch import Tensor, nn

from graphkit.distributed.comm import Communicator

_LABEL = "sync_gradients"


class GradientSync:
    """Sums parameter gradients over the ranks of ``comm``.

    It stores, per module, which parameters every rank trained at the last call, so
    a parameter frozen on every rank adds nothing to the all-reduce.
    """

    def __init__(self, comm: Communicator) -> None:
        self.comm = comm
        self._trained: weakref.WeakKeyDictionary[nn.Module, list[bool]] = (
            weakref.WeakKeyDictionary()
        )

    def agree(self, module: nn.Module) -> None:
        """Agree with the other ranks on the parameters of ``module`` that all train.

        All ranks must call it together. It costs one all-reduce of one number per
        parameter. Raises ValueError on every rank when some ranks froze a parameter
        that others train.
        """
        named = list(module.named_parameters())
        if not named or self.comm.world_size == 1:
            return
        flat = self._all_reduce([], [p for _, p in named], label="setup")
        self._trained[module] = _trained_on_every_rank(named, flat.tolist(), self.comm)

    def __call__(self, module: nn.Module) -> None:
        """Sum the gradients of ``module``'s parameters over ranks (see ShardedGraph)."""
        named = list(module.named_parameters())
        if not named or self.comm.world_size == 1:
            return
        trained = self._trained.get(module)
        if trained is None or len(trained) != len(named):
            # Parameters frozen on every rank then never enter the gradient buffer.
            self.agree(module)
            trained = self._trained[module]
        everything = [p for _, p in named]
        params = [p for p, t in zip(everything, trained) if t]
        flat = self._all_reduce(params, everything)
        # This .tolist() is the only host read of a step. It adds no wait for the GPU
        # on nccl, because Communicator.all_reduce passes a timeout to Work.wait, which
        # then blocks the host until the all-reduce has finished. The docstring of
        # Work.wait in torch 2.13 documents this, and no GPU run has measured it. The
        # counts must reach the host in this call, so that a parameter frozen on some
        # ranks only makes every rank raise here and no rank goes on to the next
        # collective alone.
        tail = flat[_numel(params) :].tolist()
        now_trained = _trained_on_every_rank(named, tail[len(params) :], self.comm)
        _write_back(params, flat, tail[: len(params)])
        self._trained[module] = now_trained
        # Every rank unfroze these parameters since the last call, so their
        # gradients were not in the buffer yet.
        unfrozen = [
            p for p, old, new in zip(everything, trained, now_trained) if new and not old
        ]
        if unfrozen:
            flat = self._all_reduce(unfrozen, [])
            _write_back(unfrozen, flat, flat[_numel(unfrozen) :].tolist())

    def _all_reduce(
        self, params: list[Tensor], counted: list[Tensor], label: str = _LABEL
    ) -> Tensor:
        """Sum ``[grads of params, has-grad flags of params, requires_grad of counted]``.

        A missing gradient counts as zeros. The flags count how many ranks had each
        gradient and how many train each ``counted`` parameter.
        """
        device = (params or counted)[0].device
        present = [p.requires_grad and p.grad is not None for p in params]
        grads = [
            p.grad.reshape(-1) if has else torch.zeros(p.numel(), dtype=p.dtype, device=device)
            for p, has in zip(params, present)
        ]
        # torch.cat promotes mixed dtypes to one that represents all of them.
        flat = torch.cat(grads) if grads else torch.zeros(0, device=device)
        flags = present + [p.requires_grad for p in counted]
        flags = torch.tensor(flags, dtype=flat.dtype, device=device)
        flat = torch.cat([flat, flags])
        return self.comm.all_reduce(flat, label=label)


def _numel(params: list[Tensor]) -> int:
    return sum(p.numel() for p in params)


def _write_back(params: list[Tensor], flat: Tensor, present_counts: list[float]) -> None:
    """Copy the summed gradients from ``flat`` into the parameters this rank trains.

    A parameter that no rank gave a gradient keeps ``grad = None``.
    """
    offset = 0
    with torch.no_grad():
        for p, count in zip(params, present_counts):
            summed = flat[offset : offset + p.numel()].view_as(p)
            offset += p.numel()
            if not p.requires_grad:
                continue
            if count == 0:
                p.grad = None
            elif p.grad is None:
                p.grad = summed.to(p.dtype, copy=True)
            else:
                p.grad.copy_(summed)


def _trained_on_every_rank(named, counts: list[float], comm: Communicator) -> list[bool]:
    """Return per parameter whether every rank trains it.

    Raises ValueError, with the same text on every rank but for the rank number, when
    some ranks froze a parameter that others train.
    """
    world_size = comm.world_size
    counts = [round(count) for count in counts]
    mixed = [
        f"{name!r} (frozen on {world_size - count} of {world_size} ranks)"
        for (name, _), count in zip(named, counts)
        if 0 < count < world_size
    ]
    if mixed:
        raise ValueError(
            f"rank {comm.rank}: some ranks froze parameters (requires_grad=False) that "
            f"other ranks train, so their gradients cannot be summed: "
            f"{', '.join(mixed)}. Freeze a parameter on every rank, before training "
            "starts"
        )
    return [count == world_size for count in counts]
