#!/usr/bin/env bash
# Builds llama.cpp's Python binding and OpenAI-compatible server (llama-cpp-python[server]==0.3.36,
# from source with the machine's compiler) into a virtual environment outside the repository, once:
# the reference tokenizer and server the tests compare the native engine with. Prints the python.
set -euo pipefail
root="${ARENA_TEST_TOOLS:-$HOME/.cache/arena-test}"
venv="$root/llama-venv"
version="0.3.36"
stamp="$venv/.llama-cpp-python"
if [ -x "$venv/bin/python" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$version" ]; then
  echo "$venv/bin/python"
  exit 0
fi
mkdir -p "$root"
# The stamp is written last: a build that was cut off is started again from nothing.
rm -rf "$venv"
python3 -m venv "$venv"
# A portable build (no -march=native), in as many jobs as there are cores.
export CMAKE_ARGS="${CMAKE_ARGS:--DGGML_NATIVE=OFF}"
export CMAKE_BUILD_PARALLEL_LEVEL="${CMAKE_BUILD_PARALLEL_LEVEL:-$(nproc)}"
"$venv/bin/pip" install --quiet --disable-pip-version-check "llama-cpp-python[server]==$version" "numpy==2.4.6" >&2
echo "$version" > "$stamp"
echo "$venv/bin/python"
