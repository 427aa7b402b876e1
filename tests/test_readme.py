"""The README's two commands: CI runs the second one verbatim, and the first
installs what the dev server's documented defaults use."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _commands() -> list[str]:
    readme = (ROOT / "README.md").read_text()
    block = readme.split("```bash\n", 1)[1].split("```", 1)[0]
    return [line for line in block.splitlines() if line and not line.startswith("#")]


def test_ci_runs_the_readme_test_command_verbatim() -> None:
    _, second = _commands()
    ci = (ROOT / ".ci" / "run").read_text().splitlines()
    assert second in ci


def test_the_first_command_installs_the_extras_of_the_readme_examples() -> None:
    first, _ = _commands()
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"][
        "optional-dependencies"
    ]
    # serve --demo, uploads and webhooks work after it
    assert "-e '.[demo,media,webhooks]'" in first
    assert {"demo", "media", "webhooks"} <= set(extras)
