"""Prompt templates (Jinja2 files in ``prompts/``), overridable per file by a user folder."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2

from rapid_eval.paths import resource_dir


class PromptSet:
    """Renders ``<name>.jinja`` from a user folder first, then from the built-in ``prompts/``."""

    def __init__(self, template_dir: str | Path | None = None):
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
    return PromptSet(template_dir)
