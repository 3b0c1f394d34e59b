"""A ten-line lint: the global names a module's code loads but never defines.

Names used inside a function body fail only when that line runs (``NameError`` in production,
in the error path nobody tested). Compiling the module's source and walking its byte code
finds every ``LOAD_GLOBAL`` / ``LOAD_NAME``, in nested functions and classes too.
"""

from __future__ import annotations

import builtins
import dis
import inspect
import types
from collections.abc import Iterator

from tarento_lib._validate import require_instance

__all__ = ["undefined_names"]


def _global_loads(code: types.CodeType) -> Iterator[str]:
    for instruction in dis.get_instructions(code):
        if instruction.opname in ("LOAD_GLOBAL", "LOAD_NAME"):
            yield instruction.argval
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            yield from _global_loads(const)


def undefined_names(module: types.ModuleType) -> list[str]:
    """Sorted names that ``module``'s code reads as
    globals but neither it nor ``builtins`` defines."""
    require_instance(module, "module", types.ModuleType)
    compiled = compile(inspect.getsource(module), module.__name__, "exec")
    defined = vars(module)
    return sorted(
        {
            name
            for name in _global_loads(compiled)
            if name not in defined and not hasattr(builtins, name)
        }
    )
