"""Reliable and clinically significant change. Pure functions, no ORM.

Jacobson & Truax (1991), J Consult Clin Psychol 59:12-19, with the Christensen & Mendoza (1986)
correction (the sqrt(2) in S_diff), as given in shared/clinical-facts.md B1-B4:

    SE     = SD * sqrt(1 - r)
    S_diff = sqrt(2 * SE^2)
    RC     = (after - before) / S_diff;   reliable when |RC| > 1.96

Where a published threshold exists (PHQ-9: 6 points, GAD-7: 4 points, NHS Talking Therapies),
it is used instead, as the fact sheet advises: a change of at least that many points is
reliable. Clinical significance uses cut-off c when clinical and normal norms exist, else b,
else a (2 SD multipliers), else the published caseness cut-off.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from tending.measures.definitions import Definition

Z = 1.96
RECOVERED, IMPROVED, UNCHANGED, DETERIORATED = "recovered", "improved", "unchanged", "deteriorated"


class ChangeError(ValueError):
    """Change cannot be judged for this measure; the message says why."""


@dataclass(frozen=True)
class Threshold:
    points: float
    inclusive: bool  # a published "at least N" rule; a computed RCI is a strict 1.96 bound
    method: str
    source: str
    s_diff: float | None = None  # set when computed, so the RC itself can be reported


@dataclass(frozen=True)
class Cutoff:
    value: float
    kind: str  # "c", "b", "a" or "published"
    source: str


@dataclass(frozen=True)
class Change:
    before: float
    after: float
    change: float
    threshold: Threshold
    rc: float | None
    reliable: bool
    classification: str
    cutoff: Cutoff | None
    case_at_start: bool | None
    case_at_end: bool | None

    def as_json(self, measure: Definition) -> dict[str, object]:
        """The shape `tending change --json` prints."""
        return {
            "measure": measure.key,
            "version": measure.version,
            "before": self.before,
            "after": self.after,
            "change": self.change,
            "threshold": round(self.threshold.points, 2),
            "threshold_method": self.threshold.method,
            "threshold_source": self.threshold.source,
            "rc": None if self.rc is None else round(self.rc, 2),
            "reliable": self.reliable,
            "classification": self.classification,
            "cutoff": None if self.cutoff is None else round(self.cutoff.value, 2),
            "cutoff_kind": None if self.cutoff is None else self.cutoff.kind,
        }


def standard_error_of_difference(sd: float, reliability: float) -> float:
    """Return S_diff = sqrt(2) * SD * sqrt(1 - r) (Jacobson & Truax 1991, corrected)."""
    if sd <= 0 or not 0 < reliability < 1:
        raise ChangeError("the reference SD must be positive and 0 < reliability < 1")
    standard_error = sd * math.sqrt(1 - reliability)
    return math.sqrt(2 * standard_error**2)


def reliable_change_threshold(sd: float, reliability: float) -> float:
    """Return the smallest reliable change in raw points: 1.96 * S_diff."""
    return Z * standard_error_of_difference(sd, reliability)


def cutoff_a(clinical_mean: float, clinical_sd: float, lower_is_better: bool) -> float:
    """Two SD beyond the clinical mean, in the healthy direction."""
    return clinical_mean - 2 * clinical_sd if lower_is_better else clinical_mean + 2 * clinical_sd


def cutoff_b(normal_mean: float, normal_sd: float, lower_is_better: bool) -> float:
    """Two SD from the normal mean, towards the clinical range."""
    return normal_mean + 2 * normal_sd if lower_is_better else normal_mean - 2 * normal_sd


def cutoff_c(
    clinical_mean: float, clinical_sd: float, normal_mean: float, normal_sd: float
) -> float:
    """The point equally likely to belong to the clinical or the normal population."""
    return (normal_sd * clinical_mean + clinical_sd * normal_mean) / (normal_sd + clinical_sd)


def threshold_for(definition: Definition) -> Threshold:
    """Return the published threshold if there is one, else the computed J&T threshold."""
    if definition.reliable_change is not None:
        published = definition.reliable_change
        return Threshold(published.value, True, "published", published.source)
    if definition.reference is not None:
        ref = definition.reference
        s_diff = standard_error_of_difference(ref.sd, ref.reliability)
        return Threshold(
            Z * s_diff,
            False,
            "jacobson_truax",
            f"{ref.sample}; {ref.reliability_kind} {ref.reliability}, SD {ref.sd} ({ref.source})",
            s_diff,
        )
    raise ChangeError(
        f"{definition.short_title} has no published threshold or reference values, so "
        "reliable change cannot be judged"
    )


def cutoff_for(definition: Definition) -> Cutoff | None:
    """Return the clinical cut-off for the total: c, else b, else a, else the published one."""
    lower = definition.direction == "lower_is_better"
    clinical, normal = definition.clinical_norm, definition.normal_norm
    if clinical and normal:
        value = cutoff_c(clinical.mean, clinical.sd, normal.mean, normal.sd)
        return Cutoff(value, "c", f"{clinical.source}; {normal.source}")
    if normal:
        return Cutoff(cutoff_b(normal.mean, normal.sd, lower), "b", normal.source)
    if clinical:
        return Cutoff(cutoff_a(clinical.mean, clinical.sd, lower), "a", clinical.source)
    if definition.cutoff is not None:
        return Cutoff(definition.cutoff.value, "published", definition.cutoff.source)
    return None


def is_case(definition: Definition, cutoff: Cutoff, score: float) -> bool:
    """Return True if `score` is in the clinical range: at or beyond a published cut-off, or
    beyond a computed one."""
    lower = definition.direction == "lower_is_better"
    if cutoff.kind == "published":
        return score >= cutoff.value if lower else score <= cutoff.value
    return score > cutoff.value if lower else score < cutoff.value


def classify_change(definition: Definition, before: float, after: float) -> Change:
    """Classify a change in the total as recovered, improved, unchanged or deteriorated.

    Recovered needs reliable improvement and a move from the clinical range out of it; someone
    who started outside the clinical range can improve but not recover.
    """
    threshold = threshold_for(definition)
    change = after - before
    improving = change < 0 if definition.direction == "lower_is_better" else change > 0
    rc = change / threshold.s_diff if threshold.s_diff else None
    reliable = abs(change) >= threshold.points if rc is None else abs(rc) > Z
    cutoff = cutoff_for(definition)
    case_start = is_case(definition, cutoff, before) if cutoff else None
    case_end = is_case(definition, cutoff, after) if cutoff else None
    if not reliable:
        classification = UNCHANGED
    elif not improving:
        classification = DETERIORATED
    elif case_start and case_end is False:
        classification = RECOVERED
    else:
        classification = IMPROVED
    return Change(
        before=before,
        after=after,
        change=change,
        threshold=threshold,
        rc=rc,
        reliable=reliable,
        classification=classification,
        cutoff=cutoff,
        case_at_start=case_start,
        case_at_end=case_end,
    )
