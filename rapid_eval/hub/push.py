"""``export --push REPO_ID``: upload an export folder to the Hugging Face Hub as a dataset repository.

The token is huggingface_hub's own (``HF_TOKEN`` or ``huggingface-cli login``); rapid-eval never reads, writes
or logs it. The folder stays as it is whatever happens: a failed push is retried by pushing again.
"""

from __future__ import annotations

from pathlib import Path


class HubPushError(RuntimeError):
    """The upload failed (Hub unreachable, no permission, bad id); one line. The export folder is kept."""


def push_folder(folder: str | Path, repo_id: str, *, private: bool = False, revision: str | None = None) -> str:
    """Create (if needed) the dataset repo ``repo_id`` and upload ``folder`` to it; return the commit's URL."""
    from huggingface_hub import HfApi

    api = HfApi()
    try:
        api.create_repo(repo_id, repo_type="dataset", private=private, exist_ok=True)
        info = api.upload_folder(folder_path=str(folder), repo_id=repo_id, repo_type="dataset", revision=revision,
                                 commit_message="rapid-eval export")
    except Exception as e:  # huggingface_hub raises HTTP, offline and validation errors alike
        first = (str(e).strip().splitlines() or [""])[0]
        raise HubPushError(f"push to {repo_id} failed ({type(e).__name__}: {first}); the export in {folder} is "
                           "kept, push it again with `huggingface-cli upload` or --push") from None
    return str(getattr(info, "commit_url", info))
