"""Q11, patterns and practices: repository, errors + HTTP mapping, transactions, decorators.

Modules: ``errors`` (hierarchy with codes, ``translate_errors``), ``http`` (FastAPI handlers),
``repository`` (``Repository[T]``), ``transaction`` (commit / roll back / savepoints),
``engine`` (async engines with working SQLite savepoints), ``timing`` (``log_execution_time``),
``retry`` (composable retry policies), ``demo`` (a model and an app using all of them).
"""
