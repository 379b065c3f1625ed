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

    def render(self, name: str, **variables: Any) -> str:
        try:
            template = self._templates.get(name)
            if template is None:  # Environment.get_template stats the file on every call (auto_reload)
                template = self._templates[name] = self.env.get_template(f"{name}.jinja")
            return template.render(**variables)
        except jinja2.TemplateNotFound as e:
            raise FileNotFoundError(f"prompt template '{name}.jinja' not found in {', '.join(self.dirs)}") from e
        except jinja2.UndefinedError as e:
            raise ValueError(f"prompt template '{name}.jinja': {e.message}") from e


@lru_cache(maxsize=8)
def get_prompts(template_dir: str | None = None) -> PromptSet:
    return PromptSet(template_dir)
