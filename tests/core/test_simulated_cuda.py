"""The simulated CUDA device raises where a CUDA run raises on device grounds."""

import pytest
import torch
from simulated_cuda import DeviceMismatch, SimulatedCuda

CUDA = torch.device("cuda", 0)


def test_created_and_moved_tensors_report_cuda():
    with SimulatedCuda() as cuda:
        created = torch.zeros(3, device="cuda")
        moved = torch.ones(3).to("cuda")
        copied = torch.ones(3).cuda()
        result = created + moved * copied
        assert created.device == CUDA
        assert moved.device == CUDA
        assert copied.device == CUDA
        assert result.device == CUDA
        assert result.is_cuda
        assert cuda.device_of(result) == "cuda"
        assert result.tolist() == [1.0, 1.0, 1.0]


def test_cpu_operand_rejected():
    with SimulatedCuda():
        x = torch.ones(2, 3, device="cuda")
        with pytest.raises(DeviceMismatch, match="cuda:0 and cpu"):
            x + torch.ones(2, 3)
        with pytest.raises(DeviceMismatch, match="cuda:0 and cpu"):
            x @ torch.ones(3, 1)
        with pytest.raises(DeviceMismatch, match="cuda:0 and cpu"):
            torch.zeros(2, 3).index_add_(0, torch.tensor([0, 1]), x)


def test_scalars_and_cpu_indices_accepted():
    with SimulatedCuda():
        x = torch.arange(4.0, device="cuda")
        assert (x + torch.tensor(1.0)).tolist() == [1.0, 2.0, 3.0, 4.0]
        index = torch.tensor([0, 2])
        assert x[index].tolist() == [0.0, 2.0]
        x[index] = torch.zeros(2, device="cuda")
        assert x.tolist() == [0.0, 1.0, 0.0, 3.0]


def test_cpu_copy_and_numpy():
    with SimulatedCuda() as cuda:
        x = torch.ones(2, device="cuda")
        with pytest.raises(TypeError, match="Tensor.cpu"):
            x.numpy()
        host = x.cpu()
        assert cuda.device_of(host) == "cpu"
        assert host.numpy().tolist() == [1.0, 1.0]
        assert (host + torch.ones(2)).tolist() == [2.0, 2.0]


def test_cpu_generator_rejected_for_cuda_draws():
    with SimulatedCuda():
        with pytest.raises(DeviceMismatch, match="generator"):
            torch.randn(3, device="cuda", generator=torch.Generator())
        generator = torch.Generator(device="cuda").manual_seed(0)
        assert generator.device == CUDA
        assert torch.randn(3, device="cuda", generator=generator).device == CUDA
    assert type(torch.Generator()) is torch._C.Generator


def test_sparse_parts_on_mixed_devices_rejected():
    with SimulatedCuda():
        indices = torch.tensor([[0, 1], [1, 0]], device="cuda")
        with pytest.raises(DeviceMismatch, match="indices and values"):
            torch.sparse_coo_tensor(indices, torch.ones(2), (2, 2), check_invariants=True)
        values = torch.ones(2, device="cuda")
        matrix = torch.sparse_coo_tensor(indices, values, (2, 2), check_invariants=True)
        assert matrix.device == CUDA


def test_module_parameters_and_gradients_follow():
    with SimulatedCuda() as cuda:
        layer = torch.nn.Linear(3, 2).to("cuda")
        out = layer(torch.ones(4, 3, device="cuda"))
        out.sum().backward()
        assert layer.weight.device == CUDA
        assert layer.weight.is_leaf
        assert cuda.device_of(layer.weight.grad) == "cuda"
        with pytest.raises(DeviceMismatch):
            layer(torch.ones(4, 3))


def test_copy_across_devices_accepted():
    with SimulatedCuda() as cuda:
        target = torch.zeros(3, device="cuda")
        target.copy_(torch.arange(3.0))
        assert cuda.device_of(target) == "cuda"
        assert target.tolist() == [0.0, 1.0, 2.0]


def test_custom_function_backward_in_mode():
    seen = []

    class Double(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, grad):
            seen.append(grad.device)
            # A CPU buffer meeting the gradient must raise here too.
            return grad + torch.zeros(grad.shape)

    with SimulatedCuda():
        x = torch.ones(2, device="cuda", requires_grad=True)
        with pytest.raises(DeviceMismatch, match="cuda:0 and cpu"):
            Double.apply(x).sum().backward()
    assert seen == [CUDA]


def test_parameter_keeps_device():
    with SimulatedCuda() as cuda:
        parameter = torch.nn.Parameter(torch.zeros(3, device="cuda"))
        assert cuda.device_of(parameter) == "cuda"
        assert cuda.device_of(torch.zeros_like(parameter)) == "cuda"
    assert torch.nn.Parameter.__new__ is not None


def test_host_reads_counted():
    with SimulatedCuda() as cuda:
        x = torch.arange(4, device="cuda")
        host = torch.arange(4)
        int(x[1])
        x.tolist()
        bool(x.any())
        int(host[1])
        assert cuda.host_reads == 3
