"""Q10, debug and fix: the question's buggy ``UserManager``, the usual fix, and a reviewed fix.

``buggy`` (the question), ``suggested`` (the commonly suggested fix, still wrong), ``fixed``
(reviewed and correct), ``database`` (an in-memory async users table with call timing),
``lint`` (undefined globals) and ``conformance`` (the exercise's ``bug_hunt`` suite).
"""
