"""The migration history is one line: a new revision always knows which one it follows."""

from __future__ import annotations

from importlib import resources

from alembic.config import Config
from alembic.script import ScriptDirectory


def test_one_head() -> None:
    config = Config()
    config.set_main_option("script_location", str(resources.files("cajad.register") / "migrations"))
    heads = ScriptDirectory.from_config(config).get_heads()
    assert len(heads) == 1, f"several heads (merge or chain them): {heads}"
