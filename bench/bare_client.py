"""The baseline: a bare asyncio client sending the prompts of a run with a fixed concurrency.

Plain ``asyncio`` streams over keep-alive HTTP/1.1 connections, one per concurrency slot, each worker taking the
next prompt from a shared queue: about the least work per request a Python client can do, so the comparison is
against the strongest baseline rather than a convenient one. (An httpx client reaches far less on 2 cores.)
"""

from __future__ import annotations

import asyncio
import json
import sys
from urllib.parse import urlsplit


async def worker(host: str, port: int, path: str, queue: asyncio.Queue, out: list) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    try:
        while True:
            try:
                i, messages = queue.get_nowait()
            except asyncio.QueueEmpty:
                return
            body = json.dumps({"model": "bench", "messages": messages, "temperature": 0.6, "top_p": 0.95,
                               "max_tokens": 8192}).encode()
            writer.write(f"POST {path} HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Type: application/json\r\n"
                         f"Content-Length: {len(body)}\r\n\r\n".encode() + body)
            await writer.drain()
            head = await reader.readuntil(b"\r\n\r\n")
            length = int(next(ln.split(b":")[1] for ln in head.split(b"\r\n")
                              if ln.lower().startswith(b"content-length")))
            payload = json.loads(await reader.readexactly(length))
            out[i] = payload["choices"][0]["message"]["content"]
    finally:
        writer.close()


async def main(base_url: str, prompts_file: str, concurrency: int) -> None:
    prompts = json.load(open(prompts_file))
    url = urlsplit(base_url)
    queue: asyncio.Queue = asyncio.Queue()
    for item in enumerate(prompts):
        queue.put_nowait(item)
    out: list = [None] * len(prompts)
    path = url.path.rstrip("/") + "/chat/completions"
    await asyncio.gather(*(worker(url.hostname, url.port, path, queue, out) for _ in range(concurrency)))
    assert all(o is not None for o in out)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2], int(sys.argv[3])))
