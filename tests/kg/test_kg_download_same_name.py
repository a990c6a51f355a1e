"""Downloads without a checksum are cached apart when two URLs end in one file name."""

import torch

from graphkit.kg import Ultra


def test_same_name_urls_load_their_own_weights(tmp_path):
    sources = []
    for seed, folder in ((0, "first"), (1, "second")):
        torch.manual_seed(seed)
        (tmp_path / folder).mkdir()
        source = tmp_path / folder / "model.pth"
        Ultra(dim=8, num_layers=1).save(source)
        sources.append(source)
    cache = tmp_path / "cache"
    first = Ultra.from_pretrained(sources[0].as_uri(), cache_dir=cache)
    second = Ultra.from_pretrained(sources[1].as_uri(), cache_dir=cache)
    expected = torch.load(sources[1], weights_only=True)["model"]
    for key, value in second.state_dict().items():
        assert torch.equal(value, expected[key]), key
    assert not torch.equal(
        first.state_dict()["entity_model.mlp.0.weight"],
        second.state_dict()["entity_model.mlp.0.weight"],
    )


def test_cached_copy_reused_for_same_url(tmp_path):
    source = tmp_path / "model.pth"
    torch.manual_seed(0)
    Ultra(dim=8, num_layers=1).save(source)
    cache = tmp_path / "cache"
    loaded = Ultra.from_pretrained(source.as_uri(), cache_dir=cache)
    # Delete the source, so only the cached copy remains.
    source.unlink()
    again = Ultra.from_pretrained(source.as_uri(), cache_dir=cache)
    for key, value in again.state_dict().items():
        assert torch.equal(value, loaded.state_dict()[key]), key
