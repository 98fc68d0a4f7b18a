"""The promotion rule: is the new model at least as good as the one in service?

Promoted only if no language's intent macro-F1 drops by more than MAX_MACRO_F1_DROP and every
test story passes. Otherwise the editor is told which intents got worse and which test examples
the new model gets wrong that the old one got right.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, List, Optional, TypedDict

MAX_MACRO_F1_DROP = 0.01  # one point
INTENT_F1_NOTICE = 0.05  # an intent whose F1 drops by more than this is "worse" (one test example moves F1 by ~0.03)


class LanguageChange(TypedDict):
    old: Optional[float]  # None: no previous figure for that language
    new: float


@dataclass
class Decision:
    promote: bool
    reasons: List[str] = field(default_factory=list)  # why not, in plain words
    language_changes: Dict[str, LanguageChange] = field(default_factory=dict)
    worse_intents: Dict[str, List[dict]] = field(default_factory=dict)  # language -> [{label, old, new}]
    better_intents: Dict[str, List[dict]] = field(default_factory=dict)
    newly_failing: Dict[str, List[dict]] = field(default_factory=dict)  # language -> misclassified examples
    failing_stories: List[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def _f1_by_label(figures: dict) -> Dict[str, float]:
    labels = {k: v["f1"] for k, v in (figures.get("per_intent") or {}).items() if v.get("support")}
    labels.update({k: v["f1"] for k, v in (figures.get("per_faq") or {}).items() if v.get("support")})
    return labels


def compare(old: Optional[dict], new: dict) -> Decision:
    decision = Decision(promote=True)
    stories = new.get("stories") or {}
    decision.failing_stories = list(stories.get("failed") or [])
    if stories.get("error"):
        decision.reasons.append("the test stories could not be run: " + stories["error"].strip().splitlines()[-1])
    if decision.failing_stories:
        decision.reasons.append(f"{len(decision.failing_stories)} of {stories.get('total')} test stories fail: "
                                + ", ".join(decision.failing_stories))
    for language, figures in new["languages"].items():
        before = ((old or {}).get("languages") or {}).get(language)
        decision.language_changes[language] = {
            "old": before["intent_macro_f1"] if before else None, "new": figures["intent_macro_f1"]}
        if not before:
            continue
        drop = before["intent_macro_f1"] - figures["intent_macro_f1"]
        if drop > MAX_MACRO_F1_DROP + 1e-9:
            decision.reasons.append(
                f"'{language}': intent macro-F1 fell from {before['intent_macro_f1']:.3f} to "
                f"{figures['intent_macro_f1']:.3f} ({100 * drop:.1f} points; at most {100 * MAX_MACRO_F1_DROP:.0f} allowed)")
        old_f1, new_f1 = _f1_by_label(before), _f1_by_label(figures)
        worse = [{"label": k, "old": old_f1[k], "new": new_f1.get(k, 0.0)} for k in old_f1
                 if old_f1[k] - new_f1.get(k, 0.0) > INTENT_F1_NOTICE]
        better = [{"label": k, "old": old_f1.get(k), "new": v} for k, v in new_f1.items()
                  if k in old_f1 and v - old_f1[k] > INTENT_F1_NOTICE]
        if worse:
            decision.worse_intents[language] = sorted(worse, key=lambda w: w["new"] - w["old"])
        if better:
            decision.better_intents[language] = sorted(better, key=lambda b: b["old"] - b["new"])
        previously_wrong = {(m["text"], m["expected"]) for m in before.get("misclassified") or []}
        previously_tested = {p["text"] for p in before.get("predictions") or []}  # not the test examples added since
        newly = [m for m in figures.get("misclassified") or []
                 if (m["text"], m["expected"]) not in previously_wrong and m["text"] in previously_tested]
        if newly:
            decision.newly_failing[language] = newly
    if old is not None:
        decision.promote = not decision.reasons
    else:
        # No model in service: the new one is better than nothing; failures are still reported.
        decision.promote = True
    return decision


def explain(decision: Decision, in_service: Optional[str], hypothetical: bool = False) -> str:
    """What the editor reads at the end of `make train` (hypothetical: `make eval`, which promotes nothing)."""
    lines = []
    for language, change in decision.language_changes.items():
        old, new = change["old"], change["new"]
        if old is None:
            lines.append(f"  {language}: intent macro-F1 {new:.3f} (no previous figure)")
        else:
            delta = round(100 * (new - old), 1) + 0.0  # no "-0.0"
            lines.append(f"  {language}: intent macro-F1 {old:.3f} → {new:.3f} ({delta:+.1f} points)")
    for language, worse in decision.worse_intents.items():
        lines.append(f"  Worse in '{language}': " + ", ".join(f"{w['label']} (F1 {w['old']:.2f} → {w['new']:.2f})" for w in worse))
    for language, better in decision.better_intents.items():
        lines.append(f"  Better in '{language}': " + ", ".join(f"{b['label']} (F1 {b['old']:.2f} → {b['new']:.2f})" for b in better))
    for language, examples in decision.newly_failing.items():
        lines.append(f"  Test examples in '{language}' the new model gets wrong and the old one got right:")
        for miss in examples[:15]:
            lines.append(f"    - {miss['text']!r}: should be {miss['expected']}, now {miss['predicted'] or 'nothing'}")
        if len(examples) > 15:
            lines.append(f"    … and {len(examples) - 15} more (see the report)")
    if decision.failing_stories:
        lines.append("  Failing test stories: " + ", ".join(decision.failing_stories))
    if hypothetical:
        head = ("make train would PROMOTE a model trained on this data." if decision.promote else
                f"make train would KEEP the model in service ({in_service}): " + "; ".join(decision.reasons))
    elif decision.promote:
        head = "PROMOTED: the new model is now in service." if in_service else \
            "PROMOTED: there was no model in service, the new one is now in service."
    else:
        head = f"KEPT the model in service ({in_service}): the new model is worse.\n  Why: " + "; ".join(decision.reasons)
    return "\n".join([head] + lines)
