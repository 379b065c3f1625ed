"""A scripted OpenAI-compatible chat server on 127.0.0.1 for making real lmms-eval logs without a model.

It answers each chat request with the reply of the first ``[substring, reply]`` pair of ``replies.json`` whose
substring occurs in the request's text (a JSON object counts as its pairs in order); an unknown request gets
"I don't know.". Judge requests (e.g. MathVista's answer extraction, which quotes the model's response) are told
apart by listing their keys (a response's text) before the questions. Standard library only.

    python scripted_server.py --port 8766 --replies replies.json
"""

from __future__ import annotations

import argparse
import json
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def _text_of(messages: list) -> str:
    parts = []
    for m in messages:
        content = m.get("content")
        if isinstance(content, str):
            parts.append(content)
        elif isinstance(content, list):
            parts += [c.get("text", "") for c in content if isinstance(c, dict) and c.get("type") == "text"]
    return "\n".join(parts).strip()


def make_handler(replies: list[tuple[str, str]]) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def _send(self, payload: dict) -> None:
            body = json.dumps(payload).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:  # noqa: N802 - http.server API
            self._send({"object": "list", "data": [{"id": "scripted", "object": "model"}]})

        def do_POST(self) -> None:  # noqa: N802 - http.server API
            req = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
            text = _text_of(req.get("messages", []))
            reply = next((r for key, r in replies if key in text), "I don't know.")
            self._send({"id": "scripted", "object": "chat.completion", "created": int(time.time()),
                        "model": req.get("model", "scripted"),
                        "choices": [{"index": 0, "finish_reason": "stop",
                                     "message": {"role": "assistant", "content": reply}}],
                        "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15}})

        def log_message(self, *args: object) -> None:
            pass

    return Handler


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=8766)
    ap.add_argument("--replies", required=True)
    args = ap.parse_args()
    with open(args.replies, encoding="utf-8") as f:
        data = json.load(f)
    replies = list(data.items()) if isinstance(data, dict) else [tuple(pair) for pair in data]
    ThreadingHTTPServer(("127.0.0.1", args.port), make_handler(replies)).serve_forever()


if __name__ == "__main__":
    main()
