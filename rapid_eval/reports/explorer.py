"""``rapid-eval report RUN... --out DIR``: a static HTML sample explorer and a summary page, no server needed.

Layout of DIR (open ``index.html`` from disk):

    index.html, summary.html, dom.js, explorer.js, explorer.css
    data/index.js          one compact row per answer (benchmark, sample, variant, perceptor, reasoner, verdict,
                           sample position, run, repeat)
    data/a-NNNNN.js        answers in chunks of CHUNK (output, trace, extracted answer, what decided the verdict)
    data/s-NNNNN.js        samples in chunks of CHUNK (question, gold, images, every O_p variant per perceptor)
    img/<hash>.<ext>       each image once, copied by content hash (only checked images: reports/images.py)
    plots/*.png            the summary page's plots

Decisions: data files are ``.js`` that call a global loader, because browsers refuse ``fetch`` on ``file://``;
the list filters and pages over the small index only, and a chunk is loaded (a ``<script>`` tag) when a row of it
is opened, so a 50,000-answer run opens at once and never holds every trace in memory.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from rapid_eval.reports.images import ImageCopier, image_roots
from rapid_eval.reports.load import NO_REASONER, open_run

CHUNK = 500
STATIC = Path(__file__).parent / "static"


def _js(path: Path, call: str, *args: Any) -> None:
    payload = ",".join(json.dumps(a, ensure_ascii=False, separators=(",", ":")) for a in args)
    path.write_text(f"{call}({payload});\n".replace("</", "<\\/"), encoding="utf-8")


def _gold(answer: Any) -> str:
    return " | ".join(map(str, answer)) if isinstance(answer, list) else str(answer)


def build_explorer(runs: list[Path], out: Path, summary_html: str = "",
                   data_dirs: Sequence[str | Path] = ()) -> Path:
    """Write the explorer of ``runs`` into ``out``; return the path of ``index.html``. Images are copied only
    from the folders :func:`~rapid_eval.reports.images.image_roots` gives (``data_dirs`` among them)."""
    out.mkdir(parents=True, exist_ok=True)
    data, img = out / "data", out / "img"
    data.mkdir(exist_ok=True)
    img.mkdir(exist_ok=True)
    for name in ("dom.js", "explorer.js", "explorer.css"):
        shutil.copyfile(STATIC / name, out / name)

    sample_pos: dict[tuple[str, str], int] = {}
    samples: list[dict[str, Any]] = []
    copy = ImageCopier(img, image_roots(runs, data_dirs))
    levels: dict[str, list[str]] = {"benchmark": [], "variant": [], "perceptor": [], "reasoner": [], "run": []}

    def level(kind: str, value: str) -> int:
        vals = levels[kind]
        if value not in vals:
            vals.append(value)
        return vals.index(value)

    index_rows: list[list[Any]] = []
    answers: list[dict[str, Any]] = []
    for run_path in runs:
        rd = open_run(run_path)
        run_i = level("run", str(run_path))
        perceptions: dict[str, dict[str, dict[str, dict]]] = {}
        for p in rd.perceptions:
            perceptions.setdefault(p.uid, {}).setdefault(p.perceptor, {})[p.variant] = {
                k: v for k, v in (("caption", p.caption), ("solution", p.solution), ("answer", p.answer),
                                  ("error", p.error)) if v}
        for a in sorted(rd.answers, key=lambda a: (a.task, a.sample_id, a.perceptor, a.reasoner, a.variant)):
            sample = rd.samples.get(a.uid)
            if sample is None:
                continue
            skey = (str(run_path), a.uid)
            if skey not in sample_pos:
                sample_pos[skey] = len(samples)
                samples.append({
                    "id": a.uid, "question": sample.question, "gold": _gold(sample.answer),
                    "options": list(sample.options),
                    "images": [x for x in map(copy, sample.images) if x],
                    "perceptions": perceptions.get(a.uid, {})})
            verdict = -1 if a.verdict.correct is None else int(bool(a.verdict.correct))
            index_rows.append([level("benchmark", a.task), a.sample_id, level("variant", a.variant),
                               level("perceptor", a.perceptor), level("reasoner", a.reasoner), verdict,
                               sample_pos[skey], run_i, a.repeat])
            answers.append({"output": a.output, "trace": a.trace, "extracted": a.verdict.extracted,
                            "decided_by": a.verdict.decided_by, "explanation": a.verdict.explanation,
                            "flags": list(a.verdict.flags),
                            "repeat": a.repeat,
                            "tokens": a.completion_tokens})
    copy.warn_refused("the runs' samples.jsonl")
    for i in range(0, max(len(answers), 1), CHUNK):
        _js(data / f"a-{i // CHUNK:05d}.js", "RAPID.chunk", "a", i // CHUNK, answers[i:i + CHUNK])
    for i in range(0, max(len(samples), 1), CHUNK):
        _js(data / f"s-{i // CHUNK:05d}.js", "RAPID.chunk", "s", i // CHUNK, samples[i:i + CHUNK])
    levels["reasoner"] = [("- (MLLM alone)" if r == NO_REASONER else r) for r in levels["reasoner"]]
    _js(data / "index.js", "RAPID.index", {"chunk": CHUNK, "levels": levels, "rows": index_rows})
    page = (STATIC / "index.html").read_text(encoding="utf-8")
    (out / "index.html").write_text(page, encoding="utf-8")
    summary = (STATIC / "summary.html").read_text(encoding="utf-8").replace("<!--SUMMARY-->", summary_html)
    (out / "summary.html").write_text(summary, encoding="utf-8")
    return out / "index.html"
