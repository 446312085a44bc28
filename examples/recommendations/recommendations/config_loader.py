"""Modelled on a Flask service's configuration loader."""
import yaml
from flask import request

from .models import Model


def load_rules(path):
    with open(path) as fh:
        return yaml.load(fh, Loader=yaml.FullLoader)


def load_upload():
    return yaml.load(request.data)


def load_defaults():
    return yaml.load("threshold: 0.5")
