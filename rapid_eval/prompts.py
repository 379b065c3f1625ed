"""Prompt templates (Jinja2 files in ``prompts/``), overridable per file by a user folder, and the question
variables every template gets.

Question variables (:func:`question_vars`), as RAPID's code builds them (``KaiChen1998/RAPID`` at
81c90225a0822697013bd6c591fabae9bfe1a8df, ``VLMEvalKit/vlmeval/vlm/omnicaptioner/prompt.py``, ``model.py`` and
``vlm/llm_reasoner/model.py``):

- ``question``: ``Sample.question``, the ``question`` column of VLMEvalKit's TSV (RAPID's ``{q}``).
- ``prompt``: what the prompt mixin (``Qwen2VLPromptMixin``) hands both wrappers: for ``prompt_type: vqa`` tasks
  ``question`` + :data:`VQA_SUFFIX` (``_build_vqa_prompt``); for ``mcq`` tasks ``question`` as it is.
  qcap (``query_cond_3``) uses it unchanged, so the suffix line stays.
- ``problem``: ``prompt`` with :data:`VQA_SENTENCE` removed by ``str.replace``, as sol (``qa_cot_step``) and the
  reasoner (``joint`` and its no-image path) do: the sentence goes, the newline before it stays.

A caller that passes only ``question`` (the trainer's ViRL39K prompts, which carry no VQA suffix) gets
``prompt = problem = question``: the suffix-free text, as RAPID's training data builds it.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2

from rapid_eval.paths import resource_dir
from rapid_eval.types import Sample

VQA_SENTENCE = "Please try to answer the question with short words or phrases if possible."
"""The sentence RAPID's MLLM (``qa_cot_step``) and reasoner wrappers remove with ``str.replace``."""
VQA_SUFFIX = "\n" + VQA_SENTENCE
"""``VQA_PROMPT`` of ``Qwen2VLPromptMixin._build_vqa_prompt``, appended to the question of VQA-type sets."""


@lru_cache(maxsize=256)
def prompt_type(task: str) -> str:
    """``vqa`` or ``mcq``: the task YAML's ``prompt_type``. Samples of a task with no YAML (data built in Python,
    the trainer's ViRL39K rows, benches) get ``mcq``: their question is used as it is, with no VQA suffix."""
    from rapid_eval.tasks.spec import TaskError, load_spec

    try:
        return load_spec(task).prompt_type
    except TaskError:
        return "mcq"


def question_vars(sample: Sample) -> dict[str, str]:
    """``question``, ``prompt`` and ``problem`` for ``sample`` (see the module docstring)."""
    prompt = sample.question + VQA_SUFFIX if prompt_type(sample.task) == "vqa" else sample.question
    return {"question": sample.question, "prompt": prompt, "problem": prompt.replace(VQA_SENTENCE, "")}


class PromptSet:
    """Renders ``<name>.jinja`` from a user folder first, then from the built-in ``prompts/``."""

    def __init__(self, template_dir: str | Path | None = None):
        """``template_dir``: a folder whose ``<name>.jinja`` files replace the built-in ones; no file is read here."""
        dirs = [str(template_dir)] if template_dir else []
        dirs.append(str(resource_dir("prompts")))
        self.dirs = dirs
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(dirs),
            undefined=jinja2.StrictUndefined,
            keep_trailing_newline=False,
            autoescape=False,
        )
        self._templates: dict[str, jinja2.Template] = {}
        self._constant: dict[str, str] = {}

    def render(self, name: str, **variables: Any) -> str:
        """``<name>.jinja`` rendered with ``variables``; ``prompt`` and ``problem`` default to ``question`` if given.

        Each template is read once per PromptSet (later edits to the file are not seen); one that reads no variable
        is also rendered only once. Raises FileNotFoundError (naming the folders searched) when no folder has the
        template, ValueError when it uses a variable that was not given.
        """
        if "question" in variables:  # suffix-free defaults (module docstring)
            variables.setdefault("prompt", variables["question"])
            variables.setdefault("problem", variables["question"])
        try:
            if name in self._constant:
                return self._constant[name]
            template = self._templates.get(name)
            if template is None:  # Environment.get_template stats the file on every call (auto_reload)
                template = self._templates[name] = self.env.get_template(f"{name}.jinja")
                if not _variables(self.env, template):  # renders the same whatever it is given: render once
                    self._constant[name] = template.render()
                    return self._constant[name]
            return template.render(**variables)
        except jinja2.TemplateNotFound as e:
            raise FileNotFoundError(f"prompt template '{name}.jinja' not found in {', '.join(self.dirs)}") from e
        except jinja2.UndefinedError as e:
            raise ValueError(f"prompt template '{name}.jinja': {e.message}") from e


def _variables(env: jinja2.Environment, template: jinja2.Template) -> set[str]:
    """The variables a template reads (a template that includes others, or whose source cannot be read, counts as
    reading something: it is rendered every time)."""
    from jinja2 import meta

    try:
        source = env.loader.get_source(env, template.name)[0] if env.loader and template.name else None
    except jinja2.TemplateNotFound:
        source = None
    if source is None:
        return {"?"}
    ast = env.parse(source)
    if list(meta.find_referenced_templates(ast)):  # includes/extends: their variables are not listed here
        return {"?"}
    return meta.find_undeclared_variables(ast)


@lru_cache(maxsize=8)
def get_prompts(template_dir: str | None = None) -> PromptSet:
    """The PromptSet of ``template_dir`` (None: built-in templates only), cached per folder (the last 8 used)."""
    return PromptSet(template_dir)


def prompts_fingerprint(template_dir: str | Path | None) -> str | None:
    """A hash of the ``.jinja`` overrides in ``template_dir`` (names and contents; None without overrides): what
    a run's settings record, so that runs prompted differently are told apart whatever the folder's path."""
    if not template_dir:
        return None
    import hashlib

    h = hashlib.sha256()
    for path in sorted(Path(template_dir).glob("*.jinja")):
        h.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()[:16]
