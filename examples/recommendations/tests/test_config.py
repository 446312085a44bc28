import yaml


def test_rules():
    assert yaml.load("a: 1", Loader=yaml.Loader) == {"a": 1}
