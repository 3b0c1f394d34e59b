"""The interview answers, one module per question (placeholder; the tooling branch owns it)."""
