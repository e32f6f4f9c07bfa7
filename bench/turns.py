"""The engines timed in turns (issue 21.6: how noisy the ratios are).

Timed one after the other, each engine's block of cases met the host at a different moment: the
same code measured 160 and 222 ms a case a minute apart, and a ratio of two blocks carried that
drift. Here every engine runs a few cases per round, in an order that rotates from round to round,
so each ratio is taken within one round (seconds apart) and reported as the median of the rounds,
with their spread; each engine's rate is its cases over its whole time, as before.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable
from dataclasses import dataclass, field

# An engine's turn: (cases, warm-up first?) → the seconds those cases took.
Turn = Callable[[int, bool], float]


@dataclass
class Turns:
    rounds: int
    per_round: int
    seconds: dict[str, list[float]] = field(default_factory=dict)

    def rate(self, name: str) -> float:
        """Cases per second over all the engine's rounds."""
        return self.rounds * self.per_round / sum(self.seconds[name])

    def ratios(self, a: str, b: str) -> list[float]:
        """a's speed over b's, round by round (b's time over a's)."""
        return [tb / ta for ta, tb in zip(self.seconds[a], self.seconds[b], strict=True)]

    def median(self, a: str, b: str) -> float:
        return statistics.median(self.ratios(a, b))

    def spread(self, a: str, b: str) -> tuple[float, float]:
        found = self.ratios(a, b)
        return min(found), max(found)

    def said(self, a: str, b: str) -> str:
        low, high = self.spread(a, b)
        return f"{self.median(a, b):.2f} (median of {self.rounds} rounds, {low:.2f}–{high:.2f})"

    def as_json(self) -> dict:
        return {"rounds": self.rounds, "cases_per_round": self.per_round,
                "seconds": {name: [round(s, 4) for s in times] for name, times in self.seconds.items()}}


def run(engines: dict[str, Turn], *, rounds: int, per_round: int) -> Turns:
    """Each engine `per_round` cases a round, `rounds` rounds; the first round warms each up (its
    warm-up case not timed), and the order turns by one engine each round."""
    names = list(engines)
    turns = Turns(rounds, per_round, {name: [] for name in names})
    for r in range(rounds):
        shift = r % len(names)
        for name in names[shift:] + names[:shift]:
            turns.seconds[name].append(engines[name](per_round, r == 0))
    return turns
