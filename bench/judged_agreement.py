"""Judge-free rule vs stored judge verdicts on judged files: the README's agreement table.

    python bench/judged_agreement.py logicvista:path/to/X_LogicVista_gpt4o-mini.xlsx mathvista:… [--held-out NAME …]

For each ``benchmark:file`` it runs ``rescore`` and prints one markdown row: benchmark, file, items, item
agreement of the judge-free rule with the stored verdicts, judge-free score, judged headline, claimed score, and
whether the file was held out from the development of the extraction rule (``--dev`` names the files the rule's
answer styles were read from; every other file is held out).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from rapid_eval.rescore import rescore


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("files", nargs="+", help="benchmark:path")
    ap.add_argument("--dev", nargs="*", default=[], help="file names used to develop the rule")
    args = ap.parse_args()
    print("| benchmark | file | items | agreement | judge-free | judged (headline) | claimed | set |")
    print("|---|---|---:|---:|---:|---:|---:|---|")
    for spec in args.files:
        bench, _, path = spec.partition(":")
        r = rescore(bench, [Path(path)], workers=0)
        jf = r.judge_free
        if jf is None or jf.score is None:
            raise SystemExit(f"{path}: no responses the judge-free rule could score")
        claimed = (r.claimed or {}).get("score")
        name = Path(path).name
        print(f"| {bench} | {name} | {jf.items} | {jf.agree_pct}% | {jf.score:.2f} | "
              f"{r.score:.2f} | {claimed if claimed is None else round(claimed, 2)} | "
              f"{'dev' if name in args.dev else 'held out'} |")


if __name__ == "__main__":
    main()
