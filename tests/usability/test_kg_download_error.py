"""A checkpoint download that fails names the URL and where to put a local copy."""

import pytest

from graphkit.kg.checkpoint import resolve
from graphkit.launch.cli import run


def test_failed_download_names_url_and_cache(tmp_path):
    url = (tmp_path / "missing" / "ultra_3g.pth").as_uri()
    cache = tmp_path / "cache"
    with pytest.raises(ConnectionError) as caught:
        resolve(url, cache_dir=cache)
    message = str(caught.value)
    assert f"download of {url} failed" in message
    assert str(cache / "ultra_3g.pth") in message
    assert "(path_or_url='/path/to/file.pth')" in message
    assert list(cache.iterdir()) == []  # no partial file is left behind


def test_cli_failed_download_is_one_line(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("GRAPHKIT_CACHE", str(tmp_path / "cache"))
    triples = tmp_path / "triples.tsv"
    triples.write_text("a\tr\tb\nb\tr\tc\n")
    url = (tmp_path / "missing.pth").as_uri()
    code = run(
        ["kg", "predict", "--checkpoint", url, "--graph", str(triples),
         "--head", "a", "--relation", "r"]
    )
    err = capsys.readouterr().err
    assert code == 2
    assert f"graphkit kg predict: error: download of {url} failed" in err
    assert "(--checkpoint /path/to/file.pth)" in err
    assert "Traceback" not in err
