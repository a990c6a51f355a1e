"""kg training logs start on their own line while the progress bar runs."""

import torch
from terminal_stream import capture_terminal

from graphkit.kg import KnowledgeGraph, Ultra, finetune


def test_step_logs_on_own_lines(monkeypatch, caplog):
    terminal = capture_terminal(monkeypatch, caplog)
    graph = KnowledgeGraph.from_named_triples(
        [(f"city{i}", "capital_of", f"country{i}") for i in range(4)]
    )
    torch.manual_seed(0)
    finetune(
        Ultra(dim=8, num_layers=2), graph, steps=4, log_every=2, batch_size=4,
        progress=True,
    )
    output = terminal.getvalue()
    assert "training:" in output
    for step in (2, 4):
        line = next(line for line in output.split("\n") if f"step {step}/4" in line)
        assert line.split("\r")[-1].startswith(f"step {step}/4: loss")
