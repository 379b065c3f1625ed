"""A minimal OpenAI-compatible chat server on loopback that answers after a fixed latency.

Pure asyncio (no framework) so that the server costs little CPU next to the client under test. It timestamps
every request; ``GET /stats`` returns the count and the first/last arrival, so rates are timed at the server.

    python bench/loopback_server.py --port 8765 --latency 0.05
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time

from rapid_eval.dev.fault_server import read_request, send

STATE = {"count": 0, "first": None, "last": None}


def _reply(model: str) -> bytes:
    return json.dumps({
        "id": "cmpl-bench", "object": "chat.completion", "created": int(time.time()), "model": model,
        "choices": [{"index": 0, "finish_reason": "stop",
                     "message": {"role": "assistant", "content": "The answer is \\boxed{5}."}}],
        "usage": {"prompt_tokens": 20, "completion_tokens": 8, "total_tokens": 28},
    }).encode()


async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, latency: float) -> None:
    try:
        while True:
            method, path, body = await read_request(reader)
            if method == "POST" and path.endswith("/chat/completions"):
                now = time.perf_counter()
                STATE["count"] += 1
                STATE["first"] = STATE["first"] or now
                STATE["last"] = now
                model = json.loads(body or b"{}").get("model", "bench")
                await asyncio.sleep(latency)
                payload = _reply(model)
            elif path.endswith("/stats"):
                payload = json.dumps(STATE).encode()
            elif path.endswith("/reset"):
                STATE.update(count=0, first=None, last=None)
                payload = b"{}"
            else:
                payload = json.dumps({"object": "list", "data": [{"id": "bench", "object": "model"}]}).encode()
            await send(writer, 200, payload)
    except (asyncio.IncompleteReadError, ConnectionResetError, BrokenPipeError):
        pass
    finally:
        writer.close()


async def main(port: int, latency: float) -> None:
    server = await asyncio.start_server(lambda r, w: handle(r, w, latency), "127.0.0.1", port, backlog=1024)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=8765)
    ap.add_argument("--latency", type=float, default=0.05)
    args = ap.parse_args()
    asyncio.run(main(args.port, args.latency))
