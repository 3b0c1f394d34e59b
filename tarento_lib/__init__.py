"""Tarento Interview Lab: the library every notebook of the suite teaches from.

One sub-package per concept (``cache``, ``ratelimit``, ``text``, ...); ``clock`` and
``workloads`` make time and randomness injectable so notebooks are deterministic;
``grading`` runs the exercise suites on a candidate in a child process, and ``lab`` holds the
notebook helpers (source display, plots, widgets, and ``check`` from ``grading``).
"""

__version__ = "0.1.0"
