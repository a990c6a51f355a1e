"""lowest_child_cpu_seconds keeps each variant's fastest round."""

from benchmark_scripts import load_benchmark


def test_lowest_child_cpu_per_variant(monkeypatch):
    module = load_benchmark("kg_cli_startup.py")
    times = iter([3.0, 5.0, 1.0, 6.0, 2.0, 4.0])
    calls = []

    def fake_seconds(arguments):
        calls.append(arguments[0])
        return next(times)

    monkeypatch.setattr(module, "child_cpu_seconds", fake_seconds)
    best = module.lowest_child_cpu_seconds({"a": ["a"], "b": ["b"]}, 3)
    assert best == {"a": 1.0, "b": 4.0}
    # Each round runs every variant once, in the order of the mapping.
    assert calls == ["a", "b", "a", "b", "a", "b"]
