"""Official output files: every difference from the authors' stored per-item verdicts is a documented, counted
exception (MathVista float extractions of integer items; MathVision Gemini-Pro id 3013), and the ids are listed."""

from __future__ import annotations

from pathlib import Path

from rapid_eval.rescore import rescore

DATA = Path(__file__).parents[1] / "data"


def test_mathvista_differences_are_the_documented_normaliser_change():
    r = rescore("mathvista", [DATA / "mathvista" / "output_gpt4_2shot_code_slice.json"], workers=0)
    st = r.stored
    assert st is not None and st.differ == 5 and st.differ_ids == ["21", "508", "525", "799", "904"]
    assert st.documented == {"integer item, float extraction: stored judgement predates int(float(x))": 5}
    assert st.undocumented_ids == []


def test_mathvision_gemini_3013_is_documented():
    r = rescore("mathvision", [DATA / "mathvision" / "Gemini-Pro.jsonl"], data_dir=DATA / "mathvision" / "annotations",
                workers=0)
    st = r.stored
    assert st is not None and st.documented is not None
    assert st.differ_ids == ["3013"] and st.undocumented_ids == [] and sum(st.documented.values()) == 1


def test_files_that_agree_carry_no_exception_list():
    r = rescore("mathvision", [DATA / "mathvision" / "Qwen-VL-Plus.jsonl"],
                data_dir=DATA / "mathvision" / "annotations", workers=0)
    assert r.stored is not None and r.stored.differ == 0 and r.stored.documented is None
    assert "documented" not in r.to_dict()["stored"]
