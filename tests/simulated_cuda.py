"""A simulated CUDA device, so device bugs show up on a machine without a GPU.

Inside ``with SimulatedCuda() as cuda:``, a tensor created with ``device="cuda"`` (or
moved there with ``.to("cuda")`` or ``.cuda()``) keeps its data on the CPU, but the
mode records it as a CUDA tensor and ``t.device`` returns ``cuda:0``. The mode then
raises :class:`DeviceMismatch` where a CUDA run raises:

* an operation that meets a CUDA tensor and a non-scalar tensor created on the CPU,
  except for CPU index tensors in ``t[index]`` and ``t[index] = value``;
* ``.numpy()`` of a CUDA tensor;
* a CPU ``torch.Generator`` passed to a draw on CUDA. ``torch.Generator(device="cuda")``
  returns a CPU generator that reports ``cuda:0`` as its device.

Outputs of an operation follow its inputs, and tensor properties (``.T``, ``.grad``,
``.data``) follow their owner. Tensors of unknown origin, such as those that autograd
or ``torch.load`` create, count as neither CPU nor CUDA and never raise.

NOTE: the mode checks devices only. CUDA-only failures of another kind (a kernel
missing for a dtype, out-of-memory, stream order) and calls into ``torch.cuda`` are
not simulated, so code that calls ``torch.cuda`` directly must be patched in the test.
"""

from __future__ import annotations

import torch
from torch.overrides import TorchFunctionMode
from torch.utils._pytree import tree_flatten, tree_map
from torch.utils.weak import WeakIdKeyDictionary

CUDA = torch.device("cuda", 0)
CPU = torch.device("cpu")
FACTORIES = {
    torch.arange, torch.as_tensor, torch.empty, torch.empty_strided, torch.eye,
    torch.full, torch.linspace, torch.ones, torch.rand, torch.randint, torch.randn,
    torch.randperm, torch.scalar_tensor, torch.sparse_coo_tensor,
    torch.sparse_csr_tensor, torch.tensor, torch.tril_indices, torch.triu_indices,
    torch.zeros,
}  # fmt: skip
# Their index arguments may be CPU tensors when the indexed tensor is on CUDA.
INDEXING = {
    torch.Tensor.__getitem__, torch.Tensor.__setitem__, torch.Tensor.index_put,
    torch.Tensor.index_put_,
}  # fmt: skip
MOVES = {torch.Tensor.to, torch.Tensor.cuda, torch.Tensor.cpu}
# Functions that accept any mix of devices: copy_ copies across devices, and the other
# compares tensor types only.
UNCHECKED = {"_has_compatible_shallow_copy_type", "copy_"}

_REAL_GENERATOR = torch.Generator


class DeviceMismatch(RuntimeError):
    """An operation that a CUDA run would reject because of the devices involved."""


class SimulatedGenerator(_REAL_GENERATOR):
    """A CPU generator that reports the device it was created for."""

    def __new__(cls, device="cpu"):
        generator = super().__new__(cls, "cpu")
        generator.on_cuda = torch.device(device).type == "cuda"
        return generator

    def __init__(self, device="cpu") -> None:
        pass

    @property
    def device(self) -> torch.device:
        return CUDA if self.on_cuda else CPU


class SimulatedCuda(TorchFunctionMode):
    """Record tensors created on ``"cuda"`` and reject the operations CUDA rejects."""

    def __init__(self) -> None:
        super().__init__()
        self._devices = WeakIdKeyDictionary()  # tensor -> "cuda" or "cpu"

    def __enter__(self):
        torch.Generator = SimulatedGenerator
        return super().__enter__()

    def __exit__(self, *exc_info):
        torch.Generator = _REAL_GENERATOR
        return super().__exit__(*exc_info)

    def device_of(self, tensor: torch.Tensor) -> str | None:
        """Return ``"cuda"``, ``"cpu"``, or ``None`` for a tensor of unknown origin."""
        if not isinstance(tensor, torch.Tensor):
            return None
        return self._devices.get(tensor)

    def _place(self, tensor, device: str | None):
        if isinstance(tensor, torch.Tensor) and device is not None:
            self._devices[tensor] = device
        return tensor

    def __torch_function__(self, func, types, args=(), kwargs=None):
        kwargs = dict(kwargs or {})
        name = getattr(func, "__name__", "")
        if name in ("__get__", "__set__"):
            return self._property(func, name, args, kwargs)
        if func is torch.Tensor.numpy and self.device_of(args[0]) == "cuda":
            raise TypeError(
                "can't convert cuda:0 device type tensor to numpy. Use Tensor.cpu() to "
                "copy the tensor to host memory first."
            )
        if func in MOVES:
            return self._move(func, args, kwargs)
        if func in FACTORIES or (name.endswith("_like") and func.__module__ == "torch"):
            return self._factory(func, name, args, kwargs)
        return self._operation(func, name, args, kwargs)

    def _property(self, func, name: str, args, kwargs):
        prop = getattr(getattr(func, "__self__", None), "__name__", "")
        owner = self.device_of(args[0])
        if name == "__get__" and prop in ("device", "is_cuda", "is_cpu"):
            real = func(*args, **kwargs)
            on_cuda = owner == "cuda"
            return {"device": CUDA if on_cuda else real, "is_cuda": on_cuda,
                    "is_cpu": not on_cuda}[prop]  # fmt: skip
        out = func(*args, **kwargs)
        if name == "__get__" and self.device_of(out) is None:
            self._place(out, owner)
        if name == "__set__" and prop == "data":
            self._place(args[0], self.device_of(args[1]))
        return out

    def _operation(self, func, name: str, args, kwargs):
        flat, _ = tree_flatten((args, kwargs))
        tensors = [t for t in flat if isinstance(t, torch.Tensor)]
        checked = tensors
        if func in INDEXING:
            value = args[2] if len(args) > 2 else None
            checked = [args[0]] + ([value] if isinstance(value, torch.Tensor) else [])
        devices = {
            self.device_of(t)
            for t in checked
            if not (self.device_of(t) == "cpu" and t.dim() == 0)
        }
        if {"cuda", "cpu"} <= devices and name not in UNCHECKED:
            raise DeviceMismatch(
                f"{name}: Expected all tensors to be on the same device, but found at "
                "least two devices, cuda:0 and cpu!"
            )
        involved = {self.device_of(t) for t in tensors}
        cpu_generators = [
            g for g in flat if isinstance(g, _REAL_GENERATOR) and g.device.type == "cpu"
        ]
        if cpu_generators and "cuda" in involved:
            raise DeviceMismatch(f"{name}: a CPU generator was passed for CUDA tensors")
        out = func(*args, **kwargs)
        result = "cuda" if "cuda" in involved else ("cpu" if "cpu" in involved else None)
        if result is not None:
            # In-place operations return their first argument, which keeps its device.
            tree_map(
                lambda t: self._place(t, result)
                if isinstance(t, torch.Tensor) and not (args and t is args[0])
                else t,
                out,
            )
        return out

    def _factory(self, func, name: str, args, kwargs):
        device = kwargs.get("device")
        if device is not None:
            target = "cuda" if torch.device(device).type == "cuda" else "cpu"
            kwargs["device"] = CPU
        elif name.endswith("_like"):
            target = self.device_of(args[0]) or "cpu"
        elif func in (torch.tensor, torch.as_tensor) and isinstance(
            args[0], torch.Tensor
        ):
            target = self.device_of(args[0]) or "cpu"
        else:
            target = "cpu"
        if func in (torch.sparse_coo_tensor, torch.sparse_csr_tensor):
            parts = {self.device_of(a) for a in args if isinstance(a, torch.Tensor)}
            if {"cuda", "cpu"} <= parts:
                raise DeviceMismatch(
                    f"{name}: indices and values must be on the same device, got "
                    "cuda:0 and cpu"
                )
            if device is None and "cuda" in parts:
                target = "cuda"
        generator = kwargs.get("generator")
        if target == "cuda" and generator is not None and generator.device.type != "cuda":
            raise DeviceMismatch(
                f"{name}: Expected a 'cuda' device type for generator but found 'cpu'"
            )
        return self._place(func(*args, **kwargs), target)

    def _move(self, func, args, kwargs):
        source = args[0]
        if func is torch.Tensor.cuda:
            return self._place(source.clone(), "cuda")
        if func is torch.Tensor.cpu:
            if self.device_of(source) != "cuda":
                return source
            return self._place(source.clone(), "cpu")
        device = kwargs.pop("device", None)
        rest = []
        for arg in args[1:]:
            if isinstance(arg, (str, torch.device)):
                device = arg
                rest.append(CPU)
            elif isinstance(arg, torch.Tensor):  # t.to(other) takes other's device too
                device = CUDA if self.device_of(arg) == "cuda" else arg.device
                rest.append(arg.dtype)
            else:
                rest.append(arg)
        if device is None:
            target = self.device_of(source)
        else:
            target = "cuda" if torch.device(device).type == "cuda" else "cpu"
        out = source.to(*rest, **kwargs)
        if out is source and target != self.device_of(source):
            out = source.clone()
        return self._place(out, target)
