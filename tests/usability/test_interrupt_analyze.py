"""Ctrl-C and SIGTERM during ``graphkit analyze``: one line, finished rows, whole files."""

import signal
import textwrap

import matplotlib.figure
import pytest
from graphkit.launch.cli import run
from script_child import ScriptChild, last_line_without_traceback

import graphkit.metrics
from graphkit.metrics import report

EDGES = "a b\nb c\nc d\nd a\na c\n"
LABELS = "a 0\nb 0\nc 1\nd 1\n"

# Slows the summary of each graph by 60 s, so that the signal arrives mid-run.
SCRIPT = textwrap.dedent(
    """
    import sys, time
    import graphkit.metrics
    from graphkit.launch.cli import run

    def slow_summary(*args, **kwargs):
        print("summarising", file=sys.stderr, flush=True)
        time.sleep(60)

    graphkit.metrics.summarize_graph = slow_summary
    sys.exit(run(sys.argv[1:]))
    """
)


@pytest.fixture
def inputs(tmp_path):
    folder = tmp_path / "inputs"
    folder.mkdir()
    (folder / "edges.txt").write_text(EDGES)
    (folder / "labels.txt").write_text(LABELS)
    return ["--edge-list", str(folder / "edges.txt"), "--labels", str(folder / "labels.txt")]


@pytest.fixture
def outputs(tmp_path):
    folder = tmp_path / "outputs"
    folder.mkdir()
    json_path, csv_path = folder / "r.json", folder / "r.csv"
    json_path.write_text("earlier json\n")
    csv_path.write_text("earlier csv\n")
    return json_path, csv_path


def _interrupt(*args, **kwargs):
    raise KeyboardInterrupt


def test_interrupt_keeps_earlier_outputs(inputs, outputs, monkeypatch, capfd):
    json_path, csv_path = outputs
    monkeypatch.setattr(graphkit.metrics, "summarize_graph", _interrupt)
    argv = ["analyze", *inputs, "--json", str(json_path), "--csv", str(csv_path)]
    assert run(argv) == 130
    captured = capfd.readouterr()
    assert "Traceback" not in captured.err
    assert captured.err.strip().splitlines()[-1] == (
        f"graphkit analyze: interrupted while analysing edges; --json {json_path} and "
        f"--csv {csv_path} were not written"
    )
    assert captured.out == ""
    assert json_path.read_text() == "earlier json\n"
    assert csv_path.read_text() == "earlier csv\n"
    assert sorted(p.name for p in json_path.parent.iterdir()) == ["r.csv", "r.json"]


def test_interrupt_prints_finished_graphs(inputs, monkeypatch, capfd):
    summarize = graphkit.metrics.summarize_graph

    def interrupt_second(graph, name, **kwargs):
        if name == "edges":
            raise KeyboardInterrupt
        return summarize(graph, name=name, **kwargs)

    monkeypatch.setattr(graphkit.metrics, "summarize_graph", interrupt_second)
    assert run(["analyze", "--dataset", "synthetic", *inputs]) == 130
    captured = capfd.readouterr()
    rows = [line.split()[0] for line in captured.out.splitlines()]
    assert rows[0] == "dataset"
    assert rows[2] == "synthetic"
    assert "edges" not in rows
    assert captured.err.strip().splitlines()[-1] == (
        "graphkit analyze: interrupted while analysing edges"
    )


def test_interrupt_while_writing_csv(inputs, outputs, monkeypatch, capfd):
    json_path, csv_path = outputs

    def write_part_then_interrupt(summaries, path):
        path.write_text("dataset,nodes\n")
        raise KeyboardInterrupt

    monkeypatch.setattr(report, "write_csv", write_part_then_interrupt)
    argv = ["analyze", *inputs, "--json", str(json_path), "--csv", str(csv_path)]
    assert run(argv) == 130
    captured = capfd.readouterr()
    assert captured.err.strip().splitlines()[-1] == (
        f"graphkit analyze: interrupted; --csv {csv_path} was not written"
    )
    assert captured.out.splitlines()[2].split()[0] == "edges"
    assert json_path.read_text().startswith("[")
    assert csv_path.read_text() == "earlier csv\n"
    assert sorted(p.name for p in json_path.parent.iterdir()) == ["r.csv", "r.json"]


def test_interrupt_while_plotting(inputs, tmp_path, monkeypatch, capfd):
    plots = tmp_path / "plots"
    plots.mkdir()
    (plots / "edges_local_homophily.png").write_bytes(b"earlier png")
    savefig = matplotlib.figure.Figure.savefig
    calls = []

    def save_part_then_interrupt(figure, path, **kwargs):
        calls.append(path)
        if len(calls) == 2:
            with open(path, "wb") as file:
                file.write(b"\x89PNG partial")
            raise KeyboardInterrupt
        savefig(figure, path, **kwargs)

    monkeypatch.setattr(matplotlib.figure.Figure, "savefig", save_part_then_interrupt)
    assert run(["analyze", *inputs, "--plot", str(plots)]) == 130
    assert capfd.readouterr().err.strip().splitlines()[-1] == (
        "graphkit analyze: interrupted while analysing edges"
    )
    names = sorted(p.name for p in plots.iterdir())
    assert names == ["edges_compatibility.png", "edges_local_homophily.png"]
    assert (plots / "edges_compatibility.png").read_bytes().startswith(b"\x89PNG\r\n")
    assert (plots / "edges_local_homophily.png").read_bytes() == b"earlier png"


def test_sigterm_subprocess(inputs, outputs, tmp_path):
    json_path, csv_path = outputs
    argv = ["analyze", *inputs, "--json", str(json_path), "--csv", str(csv_path)]
    with ScriptChild(SCRIPT, argv, tmp_path / "stderr.txt") as child:
        child.wait_until(lambda: "summarising" in child.stderr(), "a summary to start")
        returncode = child.stop(signal.SIGTERM)

    assert returncode == 143
    assert last_line_without_traceback(child.stderr()) == (
        f"graphkit analyze: interrupted by SIGTERM while analysing edges; --json "
        f"{json_path} and --csv {csv_path} were not written"
    )
    assert json_path.read_text() == "earlier json\n"
    assert csv_path.read_text() == "earlier csv\n"
