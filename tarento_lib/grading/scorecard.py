"""What a grading found: one result per case, printed as ✓/✗ lines with a replay of failures."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["CaseResult", "Scorecard"]


@dataclass(frozen=True)
class CaseResult:
    name: str
    passed: bool
    message: str = ""
    steps: tuple[str, ...] = ()
    hint: str = ""
    output: str = ""  # what the candidate printed during the case (cut short), shown on failure


@dataclass
class Scorecard:
    """One result per case, in the suite's order; ``problem`` says why cases could not run."""

    suite: str
    results: list[CaseResult] = field(default_factory=list)
    problem: str = ""

    @property
    def passed(self) -> int:
        return sum(r.passed for r in self.results)

    @property
    def failed(self) -> list[CaseResult]:
        return [r for r in self.results if not r.passed]

    @property
    def ok(self) -> bool:
        """True only when every case ran and passed."""
        return bool(self.results) and not self.failed and not self.problem

    def __bool__(self) -> bool:
        return self.ok

    def render(self) -> str:
        """The card: a count, then one line per case; a failure is replayed below its line,
        once: a later case that failed the same way (same steps, same error) says so instead."""
        lines = [f"{self.suite}: {self.passed}/{len(self.results)} cases pass"]
        if self.problem:
            lines.append(f"  ! {self.problem}")
        replayed: set[tuple[tuple[str, ...], str, str]] = set()
        for result in self.results:
            mark = "✓" if result.passed else "✗"
            failure = (result.steps, result.output, result.message)
            if result.passed or not result.message:
                lines.append(f"  {mark} {result.name}")
            elif failure in replayed:
                lines.append(f"  {mark} {result.name} (failed the same way as above)")
            else:
                replayed.add(failure)
                lines.append(f"  {mark} {result.name}")
                lines.extend(f"      {step}" for step in result.steps)
                lines.extend(f"      | {line}" for line in result.output.splitlines())
                lines.append(f"      => {result.message}")
                if result.hint:
                    lines.append(f"      hint: {result.hint}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"Scorecard({self.suite!r}: {self.passed}/{len(self.results)} passed)"
