import yaml as y
from yaml import safe_load


def read(text):
    return safe_load(text) or y.safe_load(text)
