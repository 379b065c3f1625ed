"""No file a run writes holds the API key, whichever way it was given: the environment, an ``--engine-arg``,
the base URL's user info or query string, or a secret-named option of another command."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from testlib import FIXTURES

from rapid_eval.dev.fault_server import fault_server

KEY = "sk-test-7c1d9e0b5a4f3e2d1c0b"


def _all_bytes(root: Path) -> bytes:
    return b"".join(p.read_bytes() for p in root.rglob("*") if p.is_file())


def test_the_key_never_reaches_any_file_of_the_run(tmp_path):
    out = tmp_path / "run"
    env = {**os.environ, "OPENAI_API_KEY": KEY, "MY_KEY": KEY}
    with fault_server(rate=0.0) as (url, _):
        host = url.split("//", 1)[1]
        runs = [
            ["perceive", "--model", "vlm", "--base-url", url, "--tasks", "wemath", "--variants", "cap",
             "--data-dir", str(FIXTURES), "--out", str(out), "--engine-arg", "api_key_env=MY_KEY"],
            ["reason", "--reasoner", "llm", "--base-url", f"http://user:{KEY}@{host}", "--run", str(out)],
            ["reason", "--reasoner", "llm2", "--base-url", f"{url}?api_key={KEY}", "--run", str(out),
             "--engine-arg", f"api_key={KEY}", "--allow-incomplete"],
            ["score", "--run", str(out), "--judge-arg", f"token={KEY}", "--allow-incomplete"],
        ]
        for args in runs:
            subprocess.run([sys.executable, "-m", "rapid_eval.cli", *args], env=env, capture_output=True,
                           timeout=120)
    written = _all_bytes(out)
    commands = [line.split('"command": "')[1].split('"')[0]
                for line in (out / "stats.jsonl").read_text().splitlines()]
    assert commands == ["perceive", "reason", "reason", "score"]  # every command ran and logged its argv
    assert (out / "reasoning.jsonl").stat().st_size > 0 and (out / "generations.jsonl").stat().st_size > 0
    assert KEY.encode() not in written
    assert KEY[8:].encode() not in written  # not even a fragment of it
