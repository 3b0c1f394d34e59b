"""The Lua twin of every strategy's Python ``step``, read once from the package's ``lua/`` files.

Each ``lua/<strategy>.lua`` holds one algorithm; ``lua/prologue.lua`` (prepended to each) reads
the time (the server's ``TIME`` when the caller passes ``''``), the cost and the consume flag,
and defines the reply format. Only an admitted request writes, and every write sets an expiry,
so idle keys disappear by themselves.
"""

from __future__ import annotations

from importlib.resources import files

__all__ = ["SCRIPTS", "STRATEGY_NAMES", "lua_source"]

STRATEGY_NAMES = (
    "fixed_window",
    "sliding_log",
    "sliding_window_counter",
    "token_bucket",
    "leaky_bucket",
)


def lua_source(name: str) -> str:
    """The text of ``lua/<name>.lua`` as shipped in the package."""
    return files(__package__).joinpath("lua", f"{name}.lua").read_text(encoding="utf-8")


#: Strategy name -> the complete script (prologue + algorithm) the Redis stores register.
SCRIPTS: dict[str, str] = {
    name: lua_source("prologue") + lua_source(name) for name in STRATEGY_NAMES
}
