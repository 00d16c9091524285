"""What the report page plots: the session's per-frame series, their threshold bands, and
where the reps and holds were."""

from __future__ import annotations

from dataclasses import dataclass, field

from formcheck.session import SessionResult


@dataclass(frozen=True)
class Band:
    """A threshold band on a plot: values between ``min`` and ``max`` (None = open-ended),
    named by ``label``; ``code`` is the fault it belongs to, if any."""

    label: str
    min: float | None
    max: float | None
    code: str | None = None


@dataclass
class Timeline:
    t_s: list[float] = field(default_factory=list)
    series: dict[str, list[float | None]] = field(default_factory=dict)  # values may be None where unmeasured
    labels: dict[str, str] = field(default_factory=dict)                 # series -> axis label
    bands: dict[str, list[Band]] = field(default_factory=dict)
    reps: list[tuple[float, float]] = field(default_factory=list)                  # (start_s, end_s)
    holds: list[tuple[float, float, str | None]] = field(default_factory=list)     # (start_s, end_s, side)

    @classmethod
    def of(cls, result: SessionResult) -> Timeline:
        """The exercise's plotted series (``Exercise.plots``) and bands, from a session."""
        ex = result.exercise
        return cls(
            t_s=[round(t, 3) for t in result.timeline_t_s],
            series={name: result.timeline.get(name, []) for name in ex.plots},
            labels=dict(ex.plots),
            bands={metric: [Band(b["label"], b["min"], b["max"], b["code"]) for b in bands]
                   for metric, bands in ex.labelled_bands().items()},
            reps=[(r.start_s, r.end_s) for r in result.reps],
            holds=[(h.start_s, h.end_s, h.side) for h in result.holds],
        )
