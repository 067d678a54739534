"""The README's promises that code can check."""
import re
from pathlib import Path

import yaml

from archive.configs import parse_config

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def test_the_site_config_example_is_a_valid_config():
    block = re.search(r"```yaml\n(.*?)```", README, re.S).group(1)
    config = parse_config(yaml.safe_load(block), "README.md")
    assert config.name == "example_county_portal"


def test_first_commands_are_install_and_run_then_tests():
    commands = [line.strip() for line in README.splitlines() if line.startswith("    pip install")]
    assert commands[0] == "pip install -r requirements.txt && python run.py serve"
    assert commands[1] == "pip install -r requirements-dev.txt && python -m pytest -q"
    ci = (Path(__file__).resolve().parent.parent / ".ci" / "run").read_text()
    assert commands[1] in ci
