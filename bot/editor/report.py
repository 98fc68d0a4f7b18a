"""The report an editor opens: an HTML page with the per-language and per-intent tables, one
confusion-matrix picture per language, the misclassified test examples and the comparison with
the previous model. Written by `make train` (reports/train.html) and `make eval` (reports/eval.html).
"""
from __future__ import annotations

import html
from pathlib import Path
from typing import List, Optional

from bot.editor.compare import Decision


def confusion_matrix_png(figures: dict, language: str, path: Path) -> None:
    """Rows: the intent the test example is; columns: what the model said."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    predictions = figures["predictions"]
    labels = sorted({p["intent"] for p in predictions} | {p["predicted"] or "(none)" for p in predictions})
    index = {label: i for i, label in enumerate(labels)}
    matrix = [[0] * len(labels) for _ in labels]
    for p in predictions:
        matrix[index[p["intent"]]][index[p["predicted"] or "(none)"]] += 1
    size = max(6.0, 0.38 * len(labels) + 2)
    figure, axes = plt.subplots(figsize=(size, size))
    axes.imshow(matrix, cmap="Blues")
    axes.set_xticks(range(len(labels)))
    axes.set_yticks(range(len(labels)))
    axes.set_xticklabels(labels, rotation=90, fontsize=8)
    axes.set_yticklabels(labels, fontsize=8)
    axes.set_xlabel("the model said")
    axes.set_ylabel("the test example is")
    axes.set_title(f"Intent confusion matrix: {language} ({len(predictions)} test examples)")
    peak = max(max(row) for row in matrix) or 1
    for i, row in enumerate(matrix):
        for j, count in enumerate(row):
            if count:
                axes.text(j, i, str(count), ha="center", va="center", fontsize=7,
                          color="white" if count > peak / 2 else ("black" if i == j else "crimson"))
    figure.tight_layout()
    figure.savefig(path, dpi=90)
    plt.close(figure)


def _f(value: Optional[float]) -> str:
    return "–" if value is None else f"{value:.3f}"


def _delta(old: Optional[float], new: Optional[float]) -> str:
    if old is None or new is None:
        return ""
    points = round(100 * (new - old), 1) + 0.0
    css = "bad" if points < -1 else ("good" if points > 1 else "")
    return f'<span class="{css}">{points:+.1f}</span>'


def _e(text) -> str:
    return html.escape(str(text))


STYLE = """
body{font-family:system-ui,sans-serif;margin:2em;max-width:1100px;color:#222}
table{border-collapse:collapse;margin:0.5em 0 1.5em}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}
td:first-child,th:first-child{text-align:left}.bad{color:#b00020;font-weight:bold}.good{color:#0a7d32}
.verdict{padding:0.8em 1em;border-radius:6px;font-size:1.1em}.promoted{background:#e3f6e8}.kept{background:#fde7ea}
img{max-width:100%;border:1px solid #ddd}code{background:#f3f3f3;padding:0 3px}
"""


def write_html(path: Path, title: str, new: dict, old: Optional[dict] = None, decision: Optional[Decision] = None,
               in_service: Optional[str] = None, extra_sections: Optional[List[str]] = None) -> Path:
    """Writes the page and its pictures (confusion_<language>.png beside it); returns the page."""
    path.parent.mkdir(parents=True, exist_ok=True)
    stem = path.stem
    parts = [f"<!doctype html><html><head><meta charset='utf-8'><title>{_e(title)}</title><style>{STYLE}</style></head><body>",
             f"<h1>{_e(title)}</h1>",
             f"<p>Model evaluated: <code>{_e(new.get('model'))}</code>, {_e(new.get('evaluated_at'))}. "
             f"Previous model (in service): <code>{_e(in_service or (old or {}).get('model') or 'none')}</code>.</p>"]
    if decision is not None:
        css = "promoted" if decision.promote else "kept"
        verdict = "Promoted: the new model is now in service." if decision.promote else \
            "Kept the previous model: the new one is worse. " + "; ".join(decision.reasons)
        parts.append(f"<p class='verdict {css}'>{_e(verdict)}</p>")
    parts.append("<p>Intent figures are those of <code>rasa test nlu</code> on <code>tests/nlu/&lt;language&gt;.yml</code> "
                 "(macro-F1: its \"macro avg\"; like Rasa, it scores the intent the model ranked first even when the "
                 "confidence was too low and the bot fell back). FAQ answer and language identification: share of test "
                 "examples with the right FAQ answer and the right language.</p>")
    old_languages = (old or {}).get("languages") or {}
    parts.append("<h2>Per language</h2><table><tr><th>language</th><th>test examples</th><th>intent accuracy</th>"
                 "<th>intent macro-F1</th><th>previous macro-F1</th><th>change (points)</th><th>FAQ answer</th>"
                 "<th>language identification</th></tr>")
    for language, figures in new["languages"].items():
        before = old_languages.get(language) or {}
        parts.append(
            f"<tr><td>{_e(language)}</td><td>{figures['examples']}</td><td>{_f(figures['intent_accuracy'])}</td>"
            f"<td>{_f(figures['intent_macro_f1'])}</td><td>{_f(before.get('intent_macro_f1'))}</td>"
            f"<td>{_delta(before.get('intent_macro_f1'), figures['intent_macro_f1'])}</td>"
            f"<td>{_f(figures['faq_selection_accuracy'])}</td><td>{_f(figures['language_id_accuracy'])}</td></tr>")
    parts.append("</table>")
    stories = new.get("stories") or {}
    if stories:
        failed = stories.get("failed") or []
        parts.append(f"<h2>Test stories</h2><p>{stories.get('passed')} of {stories.get('total')} pass.</p>")
        if failed:
            parts.append("<ul>" + "".join(f"<li class='bad'>fails: {_e(name)}</li>" for name in failed) + "</ul>")
    if decision is not None and (decision.worse_intents or decision.newly_failing):
        parts.append("<h2>What got worse</h2>")
        for language, worse in decision.worse_intents.items():
            parts.append(f"<p>{_e(language)}: " + ", ".join(
                f"<b>{_e(w['label'])}</b> F1 {w['old']:.2f} → {w['new']:.2f}" for w in worse) + "</p>")
        for language, examples in decision.newly_failing.items():
            parts.append(f"<h3>Test examples in {_e(language)} the new model gets wrong (the previous one got them right)</h3><ul>")
            parts += [f"<li>{_e(m['text'])}: should be <code>{_e(m['expected'])}</code>, now "
                      f"<code>{_e(m['predicted'] or 'nothing')}</code></li>" for m in examples]
            parts.append("</ul>")
    for language, figures in new["languages"].items():
        before = old_languages.get(language) or {}
        old_rows = {**(before.get("per_intent") or {}), **(before.get("per_faq") or {})}
        parts.append(f"<h2>{_e(language)}: per intent</h2><table><tr><th>intent / FAQ</th><th>test examples</th>"
                     "<th>precision</th><th>recall</th><th>F1</th><th>previous F1</th><th>change (points)</th><th>mistaken for</th></tr>")
        rows = {**figures.get("per_intent", {}), **figures.get("per_faq", {})}
        for label in sorted(rows):
            row = rows[label]
            previous = (old_rows.get(label) or {}).get("f1")
            confused = ", ".join(f"{k} ({v})" for k, v in (row.get("confused_with") or {}).items())
            parts.append(f"<tr><td>{_e(label)}</td><td>{row['support']}</td><td>{_f(row['precision'])}</td>"
                         f"<td>{_f(row['recall'])}</td><td>{_f(row['f1'])}</td><td>{_f(previous)}</td>"
                         f"<td>{_delta(previous, row['f1'])}</td><td>{_e(confused)}</td></tr>")
        parts.append("</table>")
        picture = path.with_name(f"{stem}_confusion_{language}.png")
        confusion_matrix_png(figures, language, picture)
        parts.append(f"<h3>{_e(language)}: confusion matrix</h3><img src='{picture.name}' alt='confusion matrix {language}'>")
        misses = figures.get("misclassified") or []
        parts.append(f"<h3>{_e(language)}: misclassified test examples ({len(misses)})</h3>"
                     "<p>As the bot answers them: a message it didn't understand (nlu_fallback) and an FAQ "
                     "given the wrong answer count as misses here.</p><ul>")
        parts += [f"<li>{_e(m['text'])}: should be <code>{_e(m['expected'])}</code>, the model said "
                  f"<code>{_e(m['predicted'] or 'nothing')}</code></li>" for m in misses]
        parts.append("</ul>")
    parts += extra_sections or []
    parts.append("</body></html>")
    path.write_text("\n".join(parts), "utf-8")
    return path
