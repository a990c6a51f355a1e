"""fedrep's config rejects infinite float settings before any training."""

import pytest
from graphkit.extras.federated import fedrep
from graphkit.extras.registry import apply_overrides


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ("matching_weight=inf", "matching_weight=inf is invalid: give finite values"),
        ("policy_step=inf", "policy_step=inf is invalid: give finite values"),
        ("lr_decay_factor=inf", "lr_decay_factor=inf is invalid: give finite values"),
        ("map_lr=inf", "map_lr=inf is invalid: give finite values"),
        ("map_ridge=inf", "map_ridge=inf is invalid: give finite values"),
        (
            "learning_rates=0.3,inf",
            r"learning_rates=\(0.3, inf\) is invalid: give finite values",
        ),
    ],
)
def test_infinite_setting_rejected(setting, message):
    with pytest.raises(ValueError, match=message):
        apply_overrides(fedrep.Config.smoke(), [setting])


def test_none_map_settings_accepted():
    config = apply_overrides(fedrep.Config.smoke(), ["map_lr=none", "map_ridge=none"])
    assert config.map_lr is None
    assert config.map_ridge is None
