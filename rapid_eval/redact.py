"""Masking secrets out of anything a run writes (``stats.jsonl``'s argv above all). Pure functions.

What counts as a secret, and why:

- an option whose name has a segment ``key``, ``apikey``, ``token``, ``secret``, ``password``, ``passwd``,
  ``auth``, ``authorization``, ``bearer`` or ``credential(s)`` (``--api-key``, ``--hf-token``): its value.
  Segments are whole words, so ``--max-new-tokens`` (``tokens``) and ``--api-key-env`` (a variable's *name*,
  ending in ``env``) are kept;
- a ``NAME=VALUE`` option value (``--engine-arg api_key=…``, ``--judge-arg token=…``) whose NAME is secret by
  the same rule;
- URL user info (``https://user:pass@host``) and secret-named query parameters (``?api_key=…``);
- anything that looks like a provider key (``sk-…``, ``hf_…``, ``Bearer …``) wherever it stands;
- the value of any environment variable with a secret name (``OPENAI_API_KEY``…) wherever it stands.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

MASK = "***"
SECRET_WORDS = frozenset({"key", "apikey", "token", "secret", "password", "passwd", "auth", "authorization",
                          "bearer", "credential", "credentials"})
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]*$")
_KEY_LIKE = re.compile(r"\b(sk-[A-Za-z0-9_\-]{8,}|hf_[A-Za-z0-9]{8,}|(?<=Bearer )[A-Za-z0-9._\-]{8,})")


def is_secret_name(name: str) -> bool:
    """True for option or variable names that hold a secret (``api_key``, ``--hf-token``; not ``*_env``)."""
    parts = [p for p in re.split(r"[-_.\s]+", name.lower().lstrip("-")) if p]
    return bool(parts) and parts[-1] != "env" and any(p in SECRET_WORDS for p in parts)


def secret_values(environ: Mapping[str, str] | None = None) -> list[str]:
    """Values of secret-named environment variables (8 characters or more), longest first."""
    env = os.environ if environ is None else environ
    return sorted({v for k, v in env.items() if is_secret_name(k) and len(v) >= 8}, key=len, reverse=True)


def redact_text(text: str, secrets: Iterable[str] = ()) -> str:
    """``text`` with known secret values, key-looking strings and URL credentials masked."""
    for value in secrets:
        text = text.replace(value, MASK)
    text = _KEY_LIKE.sub(MASK, text)
    return re.sub(r"[a-z][a-z0-9+.\-]*://[^\s\"']+", lambda m: redact_url(m.group(0)), text)


def redact_url(url: str) -> str:
    """A URL without user info and with secret-named query parameters masked."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    netloc = parts.netloc
    if "@" in netloc:
        netloc = MASK + "@" + netloc.rsplit("@", 1)[1]
    query = parts.query
    if query:
        pairs = parse_qsl(query, keep_blank_values=True)
        query = urlencode([(k, MASK if is_secret_name(k) else v) for k, v in pairs], safe="*")
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def redact_argv(argv: Iterable[str], environ: Mapping[str, str] | None = None) -> list[str]:
    """A command line with every secret masked (the rules in the module docstring)."""
    secrets = secret_values(environ)
    out: list[str] = []
    mask_next = False
    for arg in argv:
        if mask_next:
            out.append(MASK)
            mask_next = False
            continue
        if arg.startswith("-"):
            name, eq, value = arg.partition("=")
            if is_secret_name(name):
                if eq:
                    out.append(f"{name}={MASK}")
                else:
                    out.append(arg)
                    mask_next = True
                continue
        else:
            name, eq, value = arg.partition("=")
            if eq and _NAME.match(name) and is_secret_name(name):
                out.append(f"{name}={MASK}")
                continue
        out.append(redact_text(arg, secrets))
    return out
