"""MMMU's official evaluation inputs (``MMMU-Benchmark/MMMU:eval/``).

- ``mmmu-parse-and-eval``: a folder of ``<Subject>/output.json`` (or one such file): a list of
  ``{id, question_type, answer, all_choices, index2ans, response}``, the input of ``main_parse_and_eval.py``.
  The gold is in the file. A folder is read in the official subject order (alphabetical), file order within,
  which is the order the official random fallback depends on.
- ``mmmu-eval-only``: ``{id: final answer}`` (e.g. ``total_val_output.json``), the input of
  ``main_eval_only.py``; the gold comes from ``answer_dict_val.json`` next to the file, in its parent folder, or in
  ``--data-dir`` (or ``--data-dir``/mmmu). The stored answers go to ``official`` as ``parsed``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from rapid_eval.benchmarks.mmmu.scorer import DISCIPLINES
from rapid_eval.formats.base import Format, FormatError, Predictions
from rapid_eval.formats.rows import cell_text, maybe_list, option_columns, plain_sample
from rapid_eval.types import Sample

SUBJECTS = tuple(sorted(s for subjects in DISCIPLINES.values() for s in subjects))
ANSWER_FILE = "answer_dict_val.json"
_ID = re.compile(r"^(?:dev|validation|test)_.+_\d+$")


def _load(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeDecodeError):
        return None


def _subject(sid: str) -> str:
    return "_".join(sid.split("_")[1:-1])


def _output_files(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    found = {p.parent.name: p for p in path.glob("*/output.json")}
    order = [s for s in SUBJECTS if s in found] + sorted(set(found) - set(SUBJECTS))
    return [found[s] for s in order]


def detect_outputs(path: Path) -> bool:
    """True for an ``output.json`` or a folder of ``<Subject>/output.json`` holding official output records."""
    files = _output_files(path) if path.is_dir() else ([path] if path.name == "output.json" else [])
    if not files:
        return False
    data = _load(files[0])
    return (isinstance(data, list) and bool(data) and isinstance(data[0], dict)
            and {"id", "question_type", "response"} <= set(data[0]))


def sample_from_output(rec: dict[str, Any]) -> Sample:
    """The Sample of one ``output.json`` record: options from ``all_choices`` / ``index2ans``, no question text."""
    choices = [str(c) for c in rec.get("all_choices") or []]
    index2ans = rec.get("index2ans") or {}
    mc = rec["question_type"] == "multiple-choice"
    answer = rec["answer"] if isinstance(rec["answer"], list) else str(rec["answer"])
    return Sample(id=str(rec["id"]), task="mmmu", question="", answer=answer,
                  answer_type="choice" if mc else "text",
                  options=tuple(str(index2ans.get(c, "")) for c in choices) if mc else (),
                  metadata={"subject": _subject(str(rec["id"])), "question_type": rec["question_type"]})


def read_outputs(path: Path, benchmark: str, data_dir: str | None = None) -> Predictions:
    """The records of each ``output.json`` in the official subject order (the random fallback depends on it).

    Raises ``FormatError`` naming the file for anything but a JSON list, or a record without
    ``id``/``question_type``/``answer``.
    """
    samples, outputs = [], []
    for file in _output_files(path):
        data = _load(file)
        if not isinstance(data, list):
            raise FormatError(f"{file}: expected a JSON list of MMMU output records")
        for i, rec in enumerate(data):
            if not isinstance(rec, dict) or not {"id", "question_type", "answer"} <= set(rec):
                raise FormatError(f"{file}: record {i} lacks id/question_type/answer")
            samples.append(sample_from_output(rec))
            outputs.append(str(rec.get("response") or ""))
    return Predictions(benchmark="mmmu", samples=samples, outputs=outputs, source=str(path),
                       format="mmmu-parse-and-eval")


def detect_eval_only(path: Path) -> bool:
    """True for a ``.json`` object whose first keys are MMMU ids and values answers (not the answer file itself)."""
    if not path.is_file() or path.suffix.lower() != ".json" or path.name == ANSWER_FILE:
        return False
    data = _load(path)
    return (isinstance(data, dict) and bool(data) and all(_ID.match(str(k)) for k in list(data)[:20])
            and all(isinstance(v, str | list) for v in list(data.values())[:20]))


def answer_file(path: Path, data_dir: str | None) -> Path | None:
    """``answer_dict_val.json`` next to the file, in its parent, in ``data_dir`` or ``data_dir/mmmu``."""
    places = [path.parent, path.parent.parent]
    if data_dir:
        places += [Path(data_dir), Path(data_dir) / "mmmu"]
    for d in places:
        if (d / ANSWER_FILE).is_file():
            return d / ANSWER_FILE
    return None


def read_eval_only(path: Path, benchmark: str, data_dir: str | None = None) -> Predictions:
    """One item per id with gold from :func:`answer_file`; the stored answer as output and ``official[i]["parsed"]``.

    Raises ``FormatError`` when no answer file is found or it is no JSON object, and naming an id it lacks.
    """
    gold_path = answer_file(path, data_dir)
    if gold_path is None:
        raise FormatError(f"{path}: MMMU eval-only answers need {ANSWER_FILE} (next to the file or in --data-dir)")
    gold = _load(gold_path)
    if not isinstance(gold, dict):
        raise FormatError(f"{gold_path}: expected a JSON object id -> {{question_type, ground_truth}}")
    samples, outputs, official = [], [], []
    for sid, answer in _load(path).items():
        if sid not in gold:
            raise FormatError(f"{path}: id '{sid}' is not in {gold_path}")
        g = gold[sid]
        truth = g["ground_truth"] if isinstance(g["ground_truth"], list) else str(g["ground_truth"])
        mc = g["question_type"] == "multiple-choice"
        samples.append(Sample(id=sid, task="mmmu", question="", answer=truth, answer_type="choice" if mc else "text",
                              metadata={"subject": _subject(sid), "question_type": g["question_type"]}))
        outputs.append(answer if isinstance(answer, str) else json.dumps(answer))
        official.append({"parsed": answer})
    return Predictions(benchmark="mmmu", samples=samples, outputs=outputs, official=official, source=str(path),
                       format="mmmu-eval-only")


_PORT_ID = re.compile(r"(dev|validation|test)_([A-Za-z_]+?)_(\d+)")


def port_origin(row: dict[str, Any]) -> tuple[str, str, str]:
    """(split, subject, official id or "") of a VLMEvalKit ``MMMU_DEV_VAL`` row: the official id is in ``id``
    or in an image file name (``image_path`` ``['validation_Accounting_1_1.png']``); the split also in ``split``,
    the subject also in ``field`` / ``category`` (``Art Theory`` -> ``Art_Theory``)."""
    for col in ("id", "image_path", "image"):
        m = _PORT_ID.search(cell_text(row.get(col)))
        if m:
            return m.group(1), m.group(2), m.group(0)
    subject = cell_text(row.get("field") or row.get("category")).strip().replace(" ", "_")
    return cell_text(row.get("split")).strip(), subject, ""


def from_port_row(row: dict[str, Any], index: str) -> Sample:
    """A mmmu row in a port's own layout (VLMEvalKit TSV columns, lmms-eval ``doc``) that the adapter rejects.
    ``split`` (dev / validation) and ``subject`` go to the metadata, so that VLMEvalKit's ``MMMU_DEV_VAL`` is
    scored per split and its discipline breakdown is filled. An open question that VLMEvalKit's judged file
    re-formulated as a choice (``MMMU_preproc``: ``A`` = the gold answer, ``B`` = ``Other Answers``) is open again."""
    options = tuple(cell_text(o) for o in maybe_list(row.get("options"))) or option_columns(row)
    if len(options) == 2 and options[1] == "Other Answers" and options[0] == cell_text(row.get("answer")):
        options = ()
    answer = row.get("answer")
    gold: str | list[str] = [str(a) for a in answer] if isinstance(answer, list) else cell_text(answer)
    if isinstance(gold, str) and gold.startswith("["):
        gold = [cell_text(a) for a in maybe_list(gold)]
    mc = cell_text(row.get("question_type")) not in ("open", "short-answer") and bool(options)
    split, subject, official_id = port_origin(row)
    sample = plain_sample("mmmu", row, cell_text(row.get("id")) or official_id or index, answer=gold,
                          answer_type="choice" if mc else "text", options=options)
    sample.metadata.update({k: v for k, v in (("split", split), ("subject", subject)) if v})
    return sample


READERS = (
    Format("mmmu-parse-and-eval", detect_outputs, read_outputs),
    Format("mmmu-eval-only", detect_eval_only, read_eval_only),
)
"""The benchmark's official output formats, asked in this order before the general readers."""
