"""Tarento Interview Lab: the library every notebook of the suite teaches from.

One sub-package per concept (``cache``, ``ratelimit``, ``text``, ...); ``clock`` and
``workloads`` make time and randomness injectable so notebooks are deterministic, and
``lab`` holds the notebook helpers (source display, plots, widgets, the ``check`` grader).
"""

__version__ = "0.1.0"
