"""The baseline: a bare asyncio client (httpx) sending the prompts of a run with a fixed concurrency."""

from __future__ import annotations

import asyncio
import json
import sys

import httpx


async def main(base_url: str, prompts_file: str, concurrency: int) -> None:
    prompts = json.load(open(prompts_file))
    sem = asyncio.Semaphore(concurrency)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base_url, limits=limits, timeout=60) as client:

        async def one(messages):
            async with sem:
                r = await client.post("/chat/completions", json={"model": "bench", "messages": messages,
                                                                  "temperature": 0.6, "top_p": 0.95,
                                                                  "max_tokens": 8192})
                return r.json()["choices"][0]["message"]["content"]

        out = await asyncio.gather(*(one(m) for m in prompts))
    assert len(out) == len(prompts)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2], int(sys.argv[3])))
