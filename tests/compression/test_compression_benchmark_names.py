"""The compression benchmark keeps a dot in --suffix in its output file names."""

import json

from benchmark_scripts import load_benchmark


def test_suffix_with_dot_kept(monkeypatch, tmp_path):
    benchmark = load_benchmark("compression.py")
    monkeypatch.setattr(benchmark, "table", lambda rows: "| run |\n")
    monkeypatch.setattr(benchmark, "plot", lambda rows, dataset, path: path.write_text("png"))
    benchmark.write_outputs([{"run": "full"}], "cora", tmp_path, {"epochs": 2}, "_lr0.05")
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == [
        "compression_cora_lr0.05.json",
        "compression_cora_lr0.05.md",
        "compression_cora_lr0.05.png",
    ]
    saved = json.loads((tmp_path / "compression_cora_lr0.05.json").read_text())
    assert saved["runs"] == [{"run": "full"}]
