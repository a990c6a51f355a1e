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
or ``torch.load`` create, count as neither CPU nor CUDA and never raise. Their
``.device`` is their real one. Inside a backward pass they count as CUDA tensors,
because autograd creates the incoming gradients on the device of the outputs.

``cuda.host_reads`` counts the calls that copy CUDA values to the host (``.item()``,
``int(t)``, ``.tolist()``, ``.nonzero()`` and the like). Each of them makes the host
wait for the GPU, so a test can check that a loop does not wait once per step.

NOTE: the mode checks devices only. CUDA-only failures of another kind (a kernel
missing for a dtype, out-of-memory, stream order) and calls into ``torch.cuda`` are
not simulated, so code that calls ``torch.cuda`` directly must be patched in the test.
"""

from __future__ import annotations

import torch
from torch.autograd.function import BackwardCFunction
from torch.overrides import TorchFunctionMode
from torch.utils._pytree import tree_flatten
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
# Methods that copy values of a CUDA tensor to the host, which waits for the GPU.
HOST_READS = {
    "__bool__", "__float__", "__index__", "__int__", "item", "nonzero", "numpy",
    "tolist",
}  # fmt: skip
# Functions that accept any mix of devices: copy_ copies across devices, and the other
# compares tensor types only.
UNCHECKED = {"_has_compatible_shallow_copy_type", "copy_"}

_REAL_GENERATOR = torch.Generator
_BACKWARD_APPLY = BackwardCFunction.apply
_PARAMETER_NEW = torch.nn.Parameter.__new__


def _combined(devices: set) -> str | None:
    """Return the device of a result computed from tensors on ``devices``."""
    if "cuda" in devices:
        return "cuda"
    if "cpu" in devices:
        return "cpu"
    return None


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
        self._depth = 0
        #: Calls that copied values of a CUDA tensor to the host (GPU waits).
        self.host_reads = 0

    def __enter__(self):
        if self._depth == 0:
            torch.Generator = SimulatedGenerator
            # The autograd engine runs backward passes without the caller's torch
            # function modes, so the backward of a custom autograd Function enters
            # this mode again (one level deeper, which keeps these patches).
            mode, apply = self, _BACKWARD_APPLY

            def apply_in_mode(node, *args):
                with mode:
                    return apply(node, *args)

            BackwardCFunction.apply = apply_in_mode

            def new_parameter(cls, data=None, requires_grad=True):
                parameter = _PARAMETER_NEW(cls, data, requires_grad)
                return mode._place(parameter, mode.device_of(data))

            torch.nn.Parameter.__new__ = new_parameter
        self._depth += 1
        return super().__enter__()

    def __exit__(self, *exc_info):
        self._depth -= 1
        if self._depth == 0:
            torch.Generator = _REAL_GENERATOR
            BackwardCFunction.apply = _BACKWARD_APPLY
            torch.nn.Parameter.__new__ = _PARAMETER_NEW
        return super().__exit__(*exc_info)

    def device_of(self, tensor: torch.Tensor) -> str | None:
        """Return ``"cuda"``, ``"cpu"``, or ``None`` for a tensor of unknown origin."""
        if not isinstance(tensor, torch.Tensor):
            return None
        return self._devices.get(tensor)

    def _effective(self, tensor) -> str | None:
        """Return the recorded device, taking unknown tensors in a backward pass as CUDA.

        Autograd creates the gradients that a backward pass receives without a torch
        function, on the device of the outputs they belong to.
        """
        device = self.device_of(tensor)
        if device is None and torch._C._current_graph_task_id() != -1:
            return "cuda"
        return device

    def _place(self, tensor, device: str | None):
        if isinstance(tensor, torch.Tensor) and device is not None:
            self._devices[tensor] = device
        return tensor

    def __torch_function__(self, func, types, args=(), kwargs=None):
        kwargs = dict(kwargs or {})
        name = getattr(func, "__name__", "")
        if name in ("__get__", "__set__"):
            return self._property(func, name, args, kwargs)
        if name in HOST_READS and args and self._effective(args[0]) == "cuda":
            self.host_reads += 1
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
            on_cuda = self._effective(args[0]) == "cuda"
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
        checked = [t for t in flat if isinstance(t, torch.Tensor)]
        if func in INDEXING:
            value = args[2] if len(args) > 2 else None
            checked = [args[0]] + ([value] if isinstance(value, torch.Tensor) else [])

        # CPU scalars may meet CUDA tensors, as in CUDA.
        devices = {
            self._effective(t)
            for t in checked
            if not (self.device_of(t) == "cpu" and t.dim() == 0)
        }
        if {"cuda", "cpu"} <= devices and name not in UNCHECKED:
            operands = ", ".join(
                f"{self._effective(t) or 'unknown'} {list(t.shape)}" for t in checked
            )
            raise DeviceMismatch(
                f"{name}: Expected all tensors to be on the same device, but found at "
                f"least two devices, cuda:0 and cpu! (operands: {operands})"
            )

        # An index result is on the device of the indexed tensor, whatever the index's.
        involved = {self._effective(t) for t in checked}
        cpu_generators = [
            g for g in flat if isinstance(g, _REAL_GENERATOR) and g.device.type == "cpu"
        ]
        if cpu_generators and "cuda" in involved:
            raise DeviceMismatch(f"{name}: a CPU generator was passed for CUDA tensors")

        out = func(*args, **kwargs)
        result = _combined(involved)
        if result is None:
            return out
        for tensor in tree_flatten(out)[0]:
            # In-place operations return their first argument, which keeps its device.
            if isinstance(tensor, torch.Tensor) and not (args and tensor is args[0]):
                self._place(tensor, result)
        return out

    def _factory(self, func, name: str, args, kwargs):
        device = kwargs.get("device")
        if device is not None:
            target = "cuda" if torch.device(device).type == "cuda" else "cpu"
            kwargs["device"] = CPU
        elif name.endswith("_like"):
            target = self.device_of(args[0])
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
            if device is None:
                # Without device=, the matrix is on the device of its parts.
                target = _combined(parts)
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
                return self._place(source, "cpu")
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
