"""Optional LLM judge for the benchmarks whose official scoring extracts answers with an LLM (a ``judge.py``).

Policy: the rule verdict stands unless the rule found no answer (``mode="fallback"``, the default) — or the judge
decides every item (``mode="always"``). Truncated outputs are never judged (there is no answer to extract). Every
judge call goes through a ``GenerationCache`` (``RecordStore`` keyed by the content hash of engine identity,
prompt and sampling) at ``cache_path``, so re-scoring the same outputs makes zero calls. A reply that does not
parse is retried with the temperature raised by 0.5 (VLMEvalKit's schedule); after ``max_attempts`` the rule
verdict stands with the flag ``judge_unparsed``.

The report gives, for items where both the rule and the judge decided, how often they agree.

``protocol`` chooses whose judge protocol (prompts and post-processing) runs, as
``rapid_eval.benchmarks.get(name).judge(protocol)`` gives it: ``official`` (``JUDGE`` of
``benchmarks/<name>/judge.py``: the benchmark authors' extraction, then the benchmark's official normalisation) or
``vlmevalkit`` (``JUDGE_VLMEVALKIT``: VLMEvalKit's prompts and post-processing, character for character — how
RAPID's published numbers were scored).

    judge = LLMJudge(load_engine("openai", "gpt-4o-mini", base_url=...), run_dir / "judge.jsonl")
    report = judge.run("mathverse", samples, outputs, rule_verdicts)
    report.verdicts  # decided_by "judge:gpt-4o-mini" where the judge decided
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from rapid_eval import benchmarks
from rapid_eval.benchmarks import JUDGE_PROTOCOLS
from rapid_eval.engines.base import Engine
from rapid_eval.records import GenerationRecord
from rapid_eval.scoring.judge_spec import JudgeSpec, State
from rapid_eval.scoring.verdict import Verdict
from rapid_eval.storage.cache import CallStats, GenerationCache
from rapid_eval.summaries import JudgeSummary
from rapid_eval.types import ChatRequest, Message, Sample, SamplingParams

PROTOCOLS = tuple(JUDGE_PROTOCOLS)


def judge_spec(benchmark: str, protocol: str = "official") -> JudgeSpec:
    """The judge spec of ``benchmark`` under ``protocol``; KeyError naming what exists when there is none."""
    if protocol not in PROTOCOLS:
        raise ValueError(f"judge protocol must be one of {', '.join(PROTOCOLS)}, not {protocol!r}")
    if benchmark not in benchmarks.names() or not (have := benchmarks.get(benchmark).judge_protocols()):
        raise KeyError(f"no LLM judge for '{benchmark}'; judged benchmarks: {', '.join(judged_benchmarks())}")
    spec = benchmarks.get(benchmark).judge(protocol)
    if spec is None:
        raise KeyError(f"no LLM judge for '{benchmark}' under the '{protocol}' protocol (its protocols: "
                       f"{', '.join(have)})")
    return spec


def judged_benchmarks(protocol: str = "official") -> tuple[str, ...]:
    """Names of the benchmarks that have an LLM-judge spec under ``protocol``."""
    return tuple(b.name for b in benchmarks.all() if protocol in b.judge_protocols())


Mode = Literal["fallback", "always"]


@dataclass
class JudgeReport:
    """Final verdicts plus what the judge did."""

    verdicts: list[Verdict]
    judged: int = 0
    """Items sent to the judge (after the policy)."""
    decided: int = 0
    """Items whose final verdict came from the judge."""
    unparsed: int = 0
    calls: CallStats = field(default_factory=CallStats)
    """``generated`` = judge calls made now, ``reused`` = cache hits, ``failed`` = errored calls."""
    both_decided: int = 0
    agree: int = 0

    @property
    def agreement(self) -> float | None:
        """Percent of items decided by both the rule and the judge on which they agree."""
        return round(100.0 * self.agree / self.both_decided, 2) if self.both_decided else None

    def summary(self) -> JudgeSummary:
        """What the judge did, as ``summary.json`` records it (without the verdicts)."""
        return JudgeSummary(judged=self.judged, decided=self.decided, unparsed=self.unparsed,
                            calls=self.calls.generated, cache_hits=self.calls.reused, failed=self.calls.failed,
                            both_decided=self.both_decided, agree=self.agree, agreement=self.agreement)


def needs_judge(v: Verdict, mode: Mode) -> bool:
    """Whether the judge sees this item: never an unscored or truncated one; under ``fallback`` only where the rule
    found no answer, under ``always`` every other item."""
    if (v.correct is None and v.decided_by == "unscored") or "truncated" in v.flags:
        return False
    return mode == "always" or "no_answer" in v.flags


class LLMJudge:
    """Judge items through ``engine``; ``cache_path`` holds every call (JSONL, append-only)."""

    def __init__(self, engine: Engine, cache_path: str | Path, mode: Mode = "fallback",
                 max_attempts: int = 3, max_new_tokens: int = 256, protocol: str = "official"):
        """Opens the call cache at ``cache_path``; makes no call. ``max_attempts``: tries per item when a reply
        cannot be parsed. Raises ``ValueError`` for an unknown ``mode`` or ``protocol``."""
        if mode not in ("fallback", "always"):
            raise ValueError(f"judge mode must be 'fallback' or 'always', not {mode!r}")
        if protocol not in PROTOCOLS:
            raise ValueError(f"judge protocol must be one of {', '.join(PROTOCOLS)}, not {protocol!r}")
        self.protocol = protocol
        self.engine, self.mode, self.max_attempts = engine, mode, max_attempts
        self.cache = GenerationCache(cache_path)
        self.max_new_tokens = max_new_tokens

    def handles(self, benchmark: str) -> bool:
        """Whether this judge's protocol has a spec for ``benchmark``."""
        return benchmark in judged_benchmarks(self.protocol)

    @property
    def name(self) -> str:
        """``judge:<model>``, as verdicts it decides record in ``decided_by``."""
        return f"judge:{self.engine.model}"

    def run(self, benchmark: str, samples: Sequence[Sample], outputs: Sequence[str],
            rule_verdicts: Sequence[Verdict]) -> JudgeReport:
        """Re-decide the items of ``benchmark`` the policy selects (:func:`needs_judge`) through the protocol's
        extraction and judgement prompts; calls are cached (a rerun makes none) and a reply no verdict can be read
        from leaves the rule's verdict. Returns every item's final verdict with what the judge did."""
        spec = judge_spec(benchmark, self.protocol)
        todo = [i for i, v in enumerate(rule_verdicts) if needs_judge(v, self.mode)]
        report = JudgeReport(verdicts=list(rule_verdicts), judged=len(todo))
        states: dict[int, State] = {i: {} for i in todo}
        alive = list(todo)
        for stage in spec.stages:
            alive = self._stage(spec, stage.name, alive, samples, outputs, states, report)
        for i in todo:
            self._settle(spec, i, samples[i], states[i], alive, report)
        return report

    def _stage(self, spec: JudgeSpec, name: str, items: list[int], samples: Sequence[Sample],
               outputs: Sequence[str], states: dict[int, State], report: JudgeReport) -> list[int]:
        """Run one stage for ``items``; return those that have a parsed result (or a shortcut) for it."""
        stage = next(s for s in spec.stages if s.name == name)
        prompts: dict[int, str] = {}
        for i in items:
            p = stage.prompt(samples[i], outputs[i] or "", states[i])
            if p is not None:
                prompts[i] = p
        pending = list(prompts)
        for attempt in range(self.max_attempts):
            if not pending:
                break
            replies = self._ask([prompts[i] for i in pending], f"judge:{spec.benchmark}:{name}", 0.5 * attempt,
                                report)
            retry = []
            for i, reply in zip(pending, replies, strict=True):
                parsed = stage.parse(reply) if reply is not None else None
                states[i][f"{name}_reply"] = reply
                if parsed is None:
                    retry.append(i)
                else:
                    states[i][name] = parsed
            pending = retry
        return [i for i in items if i not in pending]

    def _ask(self, prompts: list[str], stage: str, temperature: float, report: JudgeReport) -> list[str | None]:
        sampling = SamplingParams(temperature=temperature, top_p=1.0, max_new_tokens=self.max_new_tokens, seed=0)
        requests = [ChatRequest(messages=(Message("user", p),), sampling=sampling) for p in prompts]
        records, stats = self.cache.run(self.engine, requests, stage)
        report.calls.merge(stats)
        calls = [GenerationRecord.from_dict(r) for r in records]
        return [None if c.error else c.text or "" for c in calls]

    def _settle(self, spec: JudgeSpec, i: int, sample: Sample, state: State, alive: list[int],
                report: JudgeReport) -> None:
        rule = report.verdicts[i]
        if i not in alive:
            report.unparsed += 1
            report.verdicts[i] = dataclasses.replace(rule, flags=(*rule.flags, "judge_unparsed"))
            return
        correct, extracted = spec.decide(sample, state)
        rule_decided = "no_answer" not in rule.flags and rule.correct is not None
        if rule_decided:
            report.both_decided += 1
            report.agree += bool(rule.correct) == bool(correct)
        report.decided += 1
        rule_summary = {"correct": rule.correct, "extracted": rule.extracted, "decided_by": rule.decided_by}
        replies = {k: v for k, v in state.items() if k.endswith("_reply")}
        report.verdicts[i] = Verdict(correct, extracted, self.name, explanation=rule.explanation,
                                     details={**rule.details, "rule": rule_summary, "judge": replies})
