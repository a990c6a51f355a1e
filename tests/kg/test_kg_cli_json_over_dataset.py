"""kg evaluate --json must not replace a triple file of the dataset it evaluates."""

from graphkit.launch.cli import run

from .test_kg_cli_json_symlink import evaluate_arguments


def test_json_over_test_file_rejected(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("GRAPHKIT_TRACEBACK", raising=False)
    test_file = tmp_path / "kg" / "toy" / "test.txt"
    arguments = evaluate_arguments(tmp_path, test_file)
    before = test_file.read_text()
    assert run(arguments) == 2
    error = capsys.readouterr().err
    assert (
        f"--json {test_file} is a file of the dataset folder {test_file.parent}, "
        "which the metrics would replace" in error
    )
    assert test_file.read_text() == before


def test_json_beside_dataset_files_written(tmp_path):
    results = tmp_path / "kg" / "toy" / "metrics.json"
    arguments = evaluate_arguments(tmp_path, results)
    results.write_text("{}")  # an earlier result, which may be replaced
    assert run(arguments) == 0
    assert '"num_ranks": 4' in results.read_text()


def test_json_link_to_test_file_rejected(tmp_path, capsys, monkeypatch):
    # The write replaces the file that a link points to, so a link named .json that
    # points to a triple file would replace the triple file.
    monkeypatch.delenv("GRAPHKIT_TRACEBACK", raising=False)
    test_file = tmp_path / "kg" / "toy" / "test.txt"
    link = tmp_path / "latest.json"
    arguments = evaluate_arguments(tmp_path, link)
    link.symlink_to(test_file)
    before = test_file.read_text()
    assert run(arguments) == 2
    error = capsys.readouterr().err
    assert (
        f"--json {link} is a file of the dataset folder {test_file.parent}, "
        "which the metrics would replace" in error
    )
    assert test_file.read_text() == before
