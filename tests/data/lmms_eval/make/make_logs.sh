#!/usr/bin/env bash
# Make real lmms-eval sample logs for the fixtures in ../ (run from this folder).
#   needs: a venv with lmms-eval (pip install lmms-eval; 0.7.3 made the committed logs), at $LMMS_VENV
set -euo pipefail
LMMS_VENV=${LMMS_VENV:-/work/venvs/lmms}
PORT=${PORT:-8766}
OUT=$(mktemp -d)
"$LMMS_VENV/bin/python" scripted_server.py --port "$PORT" --replies replies.json & SERVER=$!
trap 'kill $SERVER' EXIT
sleep 1
export HF_HUB_OFFLINE=1 HF_DATASETS_OFFLINE=1 OPENAI_API_KEY=loopback-no-secret
export OPENAI_API_URL="http://127.0.0.1:$PORT/v1"   # MathVista's GPT answer extractor: the same scripted server
"$LMMS_VENV/bin/python" -m lmms_eval --model openai \
  --model_args "model_version=scripted,base_url=http://127.0.0.1:$PORT/v1,max_retries=1,num_concurrent=1" \
  --tasks rwqa_local,rwqa_local_filtered,mathvista_local,mmmu_local --include_path task --batch_size 1 \
  --log_samples --output_path "$OUT"
RESULTS=$(find "$OUT" -name "*_results.json" | head -1)
[ -n "$RESULTS" ] || { echo "lmms-eval wrote no results (see its log above); old logs kept" >&2; exit 1; }
rm -f ../*_samples_*.jsonl ../*_results.json
# keep lmms-eval's own names (<date>_samples_<task>.jsonl beside <date>_results.json); the results file's
# local paths (output_path) are replaced by a placeholder
find "$OUT" -name "*_samples_*.jsonl" -exec cp {} .. \;
sed "s|$OUT|<output_path>|g" "$RESULTS" > "../$(basename "$RESULTS")"
echo "logs written to $(cd .. && pwd)"
