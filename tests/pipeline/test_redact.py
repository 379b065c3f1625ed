"""Secrets never reach what a run writes, whatever flag, NAME=VALUE option or URL carries them, while
ordinary options that merely contain a secret-looking word (``--max-new-tokens``) are kept."""

from __future__ import annotations

from rapid_eval.redact import is_secret_name, redact_argv, redact_text, redact_url

KEY = "sk-live-0123456789abcdef"


def test_ordinary_options_are_kept():
    argv = ["reason", "--max-new-tokens", "4096", "--api-key-env", "MY_KEY", "--tokenizer", "x",
            "--engine-arg", "max_tokens_field=max_completion_tokens", "--run", "runs/a"]
    assert redact_argv(argv, environ={}) == argv


def test_secret_options_and_values_are_masked():
    argv = ["reason", "--api-key", KEY, "--hf-token=hf_abcdefghijkl", "--engine-arg", f"api_key={KEY}",
            "--judge-arg", "auth_token=abcdefgh1234", "--base-url", f"https://user:{KEY}@api.example.com/v1",
            "--base-url", "http://h:8000/v1?api_key=zzzzzzzzzz&x=1", "--note", f"Bearer {KEY}"]
    out = redact_argv(argv, environ={})
    joined = " ".join(out)
    for secret in (KEY, "hf_abcdefghijkl", "abcdefgh1234", "zzzzzzzzzz"):
        assert secret not in joined
    assert out[:3] == ["reason", "--api-key", "***"] and out[3] == "--hf-token=***"
    assert out[5] == "api_key=***" and out[7] == "auth_token=***"
    assert out[9] == "https://***@api.example.com/v1" and "x=1" in out[11]


def test_environment_secrets_are_masked_anywhere():
    env = {"OPENAI_API_KEY": "plainsecret123", "HOME": "/root", "MY_TOKEN": "tok_999999999"}
    out = redact_argv(["--prompt-dir", "/x/plainsecret123/y", "--tag", "tok_999999999", "/root"], environ=env)
    assert out == ["--prompt-dir", "/x/***/y", "--tag", "***", "/root"]


def test_names():
    assert is_secret_name("OPENAI_API_KEY") and is_secret_name("--hf-token") and is_secret_name("password")
    assert not any(map(is_secret_name, ["--max-new-tokens", "--api-key-env", "tokenizer", "--keys-file-env",
                                        "monkey", "--tokens"]))
    assert redact_url("http://127.0.0.1:8000/v1") == "http://127.0.0.1:8000/v1"
    assert redact_text("see https://a:b@h/p and sk-abcdefghijkl") == "see https://***@h/p and ***"
