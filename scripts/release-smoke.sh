#!/usr/bin/env bash
# Builds the release arena-script and runs it on the main paths, asserting outputs and exit
# statuses: check, lock (image tag -> digest through the registry token flow, Hub revisions) against
# a loopback stand-in (Tests/Fixtures/lock/standin_server.py), offline locking, run of the
# quickstart, verify, diff and report. The optimizer exposes bugs the debug test suite cannot see
# (a Swift 6.3 miscompile crashed every release `lock` of an image tag), so CI runs this after the
# tests. Works in a temporary git repository made from the committed tree; changes nothing here.
# ARENA_SMOKE_BINARY=path skips the build and uses that executable.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

if [ -n "${ARENA_SMOKE_BINARY:-}" ]; then
  bin=$(cd "$(dirname "$ARENA_SMOKE_BINARY")" && pwd)/$(basename "$ARENA_SMOKE_BINARY")
else
  swift build -c release --product arena-script
  bin="$root/.build/release/arena-script"
fi

work=$(mktemp -d)
server=""
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
# expect_status STATUS NAME COMMAND...: runs COMMAND in the repository copy; its output goes to
# $work/NAME.out and $work/NAME.err.
expect_status() {
  local want=$1 name=$2
  shift 2
  local got=0
  (cd "$repo" && "$@") > "$work/$name.out" 2> "$work/$name.err" || got=$?
  if [ "$got" != "$want" ]; then
    fail "$name: exit status $got, expected $want"
    sed 's/^/    /' "$work/$name.out" "$work/$name.err" | tail -20 >&2
  else
    echo "ok: $name (exit $got)"
  fi
}
# expect_in NAME FILE TEXT: FILE (relative to the repository copy, or out:/err: for a command's
# output) contains TEXT as a fixed string.
expect_in() {
  local name=$1 file=$2 text=$3 path
  case $file in
    out:*) path="$work/${file#out:}.out" ;;
    err:*) path="$work/${file#err:}.err" ;;
    *) path="$repo/$file" ;;
  esac
  if grep -qF -- "$text" "$path" 2>/dev/null; then echo "ok: $name"; else fail "$name: '$text' not in $file"; fi
}
requests() { wc -l < "$work/port.log" 2>/dev/null || echo 0; }

# The stand-in Hub and registry, on a port of its choosing.
python3 Tests/Fixtures/lock/standin_server.py "$work/port" 600 &
server=$!
for _ in $(seq 100); do [ -s "$work/port" ] && break; sleep 0.1; done
[ -s "$work/port" ] || { echo "the stand-in server did not start" >&2; exit 1; }
base="http://127.0.0.1:$(cat "$work/port")"
export HF_ENDPOINT="$base" ARENA_REGISTRY_MIRROR="$base" ARENA_CACHE_DIR="$work/cache" HOME="$work/home"
unset HF_TOKEN HUGGING_FACE_HUB_TOKEN HF_TOKEN_PATH HF_HOME XDG_CACHE_HOME ARENA_OFFLINE HF_HUB_OFFLINE TRANSFORMERS_OFFLINE ARENA_REGISTRY_AUTH
mkdir -p "$HOME"

# A repository holding the committed experiments, models and lockfiles.
repo="$work/repo"
git clone -q --no-hardlinks "$root" "$repo"
git -C "$repo" -c user.name=smoke -c user.email=smoke@example.invalid commit -q --allow-empty -m "smoke"
manifest_digest="sha256:$(sha256sum Tests/Fixtures/lock/registry_oci_index.json | cut -d' ' -f1)"
revision() { printf '%s' "$1" | sha1sum | cut -d' ' -f1; }

# check: every committed experiment is clean; an error exits 1; a usage error exits 64.
expect_status 0 check "$bin" check experiments/quickstart.arena experiments/gsm8k_ci.arena experiments/finetune_vs_base.arena
expect_in "check summary" err:check "checked 3 files: 0 errors"
printf 'experiment "bad"\nlet m = model("a/b"\n' > "$repo/bad.arena"
expect_status 1 check-error "$bin" check bad.arena
expect_in "check names the file" err:check-error "bad.arena:"
expect_status 64 check-usage "$bin" check

# lock: Hub revisions and an image tag through the registry's 401 -> token -> HEAD flow.
expect_status 0 lock-gsm8k "$bin" lock experiments/gsm8k_ci.arena
expect_in "lock wrote" out:lock-gsm8k "wrote lockfiles/gsm8k_ci.lock"
expect_in "image digest pinned" lockfiles/gsm8k_ci.lock "engine.server.image_digest = \"$manifest_digest\""
expect_in "pinned image" lockfiles/gsm8k_ci.lock "engine.server.image_pinned = \"docker.io/vllm/vllm-openai@$manifest_digest\""
expect_in "model revision pinned" lockfiles/gsm8k_ci.lock "model.llama.sha = \"$(revision models/meta-llama/Llama-3.1-8B-Instruct@main)\""
expect_in "task dataset pinned" lockfiles/gsm8k_ci.lock "task_dataset.\"openai/gsm8k\".sha = \"$(revision datasets/openai/gsm8k@main)\""
grep -qF "scope=repository:vllm/vllm-openai:pull" "$work/port.log" && echo "ok: registry token requested" \
  || fail "no token request in the stand-in's log"
expect_status 0 lock-again "$bin" lock experiments/gsm8k_ci.arena
expect_in "second lock leaves the file" out:lock-again "lockfiles/gsm8k_ci.lock is unchanged"
expect_status 0 lock-locked "$bin" lock experiments/gsm8k_ci.arena --locked
expect_in "locked is up to date" out:lock-locked "is up to date"

# Many names at once (two models, ten task datasets, one image), then a GET-only registry and a missing tag.
expect_status 0 lock-finetune "$bin" lock experiments/finetune_vs_base.arena
expect_in "two models pinned" lockfiles/finetune_vs_base.lock "model.tuned.sha = \"$(revision models/unsloth/Llama-3.1-8B-Instruct@main)\""
expect_in "many datasets pinned" lockfiles/finetune_vs_base.lock "task_dataset.\"cais/mmlu\".sha = \"$(revision datasets/cais/mmlu@main)\""
sed -e 's/experiment "gsm8k-ci"/experiment "sglang-get"/' \
    -e 's|vllm(image: "vllm/vllm-openai:v0.8.5"|sglang(image: "lmsysorg/sglang:nohead-v0.4.6"|' experiments/gsm8k_ci.arena > "$repo/experiments/sglang_get.arena"
sed -e 's/experiment "gsm8k-ci"/experiment "missing-tag"/' -e 's|vllm-openai:v0.8.5|vllm-openai:missing-tag|' \
    experiments/gsm8k_ci.arena > "$repo/experiments/missing_tag.arena"
git -C "$repo" add experiments && git -C "$repo" -c user.name=smoke -c user.email=smoke@example.invalid commit -q -m "variants"
expect_status 0 lock-sglang "$bin" lock experiments/sglang_get.arena
expect_in "digest from GET" lockfiles/sglang_get.lock "engine.server.image_pinned = \"docker.io/lmsysorg/sglang@$manifest_digest\""
expect_status 2 lock-missing "$bin" lock experiments/missing_tag.arena
expect_in "missing tag named" err:lock-missing "vllm/vllm-openai:missing-tag"

# Offline: --offline, ARENA_OFFLINE and HF_HUB_OFFLINE send nothing.
before=$(requests)
expect_status 0 lock-offline-locked "$bin" lock experiments/gsm8k_ci.arena --locked --offline
rm -f "$repo/lockfiles/sglang_get.lock"
expect_status 2 lock-arena-offline env ARENA_OFFLINE=1 "$bin" lock experiments/sglang_get.arena
expect_in "offline names the image" err:lock-arena-offline "image 'lmsysorg/sglang:nohead-v0.4.6'"
expect_status 2 lock-hf-offline env HF_HUB_OFFLINE=true "$bin" lock experiments/sglang_get.arena
[ "$(requests)" = "$before" ] && echo "ok: offline sent no request" || fail "offline locking sent $(( $(requests) - before )) request(s)"

# run: the quickstart on the native engine, twice; the second run changes nothing.
expect_status 0 run "$bin" experiments/quickstart.arena
expect_in "expectation passed" out:run "passed: expect tuned.arc_easy.acc >= 0.0"
bundle=$(sed -n 's/^bundle: //p' "$work/run.out")
[ -f "$bundle/results/base.json" ] && [ -f "$bundle/report.md" ] && [ -f "$bundle/manifest.json" ] \
  && echo "ok: bundle written" || fail "bundle '$bundle' is incomplete"
python3 - "$bundle/results/tuned.json" <<'PY' && echo "ok: results.json has lm-eval's fields" || fail "results.json lacks lm-eval's fields"
import json, sys
doc = json.load(open(sys.argv[1]))
for task in ("arc_easy", "gsm8k"):
    assert 0.0 <= doc["results"][task][{"arc_easy": "acc,none", "gsm8k": "exact_match,strict-match"}[task]] <= 1.0
    assert doc["configs"][task]["task"] == task
    assert doc["n-samples"][task]["effective"] > 0
PY
cp "$repo/lockfiles/quickstart.lock" "$work/quickstart.lock.first"
echo "unrelated" > "$repo/unrelated-notes.txt"
expect_status 0 run-again "$bin" experiments/quickstart.arena
[ "$(sed -n 's/^bundle: //p' "$work/run-again.out")" = "$bundle" ] && echo "ok: same run id" || fail "the second run landed elsewhere"
cmp -s "$work/quickstart.lock.first" "$repo/lockfiles/quickstart.lock" && echo "ok: lockfile unchanged by an unrelated file" \
  || fail "an unrelated file changed lockfiles/quickstart.lock"

# The debug build (CI builds it for the tests) computes the same bundle: same scores, samples and charts.
debug_bin=${ARENA_SMOKE_DEBUG_BINARY:-$root/.build/debug/arena-script}
if [ -x "$debug_bin" ]; then
  git clone -q --no-hardlinks "$root" "$work/debug-repo"
  (cd "$work/debug-repo" && "$debug_bin" experiments/quickstart.arena) > "$work/run-debug.out" 2> "$work/run-debug.err" \
    || fail "the debug build could not run the quickstart"
  debug_bundle=$(sed -n 's/^bundle: //p' "$work/run-debug.out")
  python3 - "$bundle/manifest.json" "$debug_bundle/manifest.json" <<'PY' && echo "ok: release and debug bundles agree" || fail "release and debug builds wrote different results"
import json, sys
release, debug = (json.load(open(p)) for p in sys.argv[1:3])
def files(m):
    entries = m.get("files", m)
    return {k: v for k, v in entries.items() if k.split("/")[0] in ("results", "samples", "charts", "expectations.json")}
a, b = files(release), files(debug)
assert a and a.keys() == b.keys(), (sorted(a), sorted(b))
different = sorted(k for k in a if a[k] != b[k])
assert not different, different
PY
else
  echo "note: no debug build at $debug_bin; release and debug bundles not compared"
fi

# verify: the bundle reproduces; a changed metric is found.
expect_status 0 verify "$bin" verify lockfiles/quickstart.lock
expect_in "verify reproduced" out:verify "reproduced"
cp -r "$bundle" "$work/tampered"
python3 - "$work/tampered/results/base.json" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
doc["results"]["arc_easy"]["acc,none"] = 0.999
json.dump(doc, open(sys.argv[1], "w"), indent=2)
PY
expect_status 1 verify-tampered "$bin" verify lockfiles/quickstart.lock --bundle "$work/tampered"
expect_status 2 verify-missing "$bin" verify lockfiles/no-such.lock

# diff and report on the bundle.
expect_status 0 diff "$bin" diff "$bundle"
expect_in "diff names a task" out:diff "arc_easy"
expect_status 0 diff-json "$bin" diff "$bundle" --json
python3 -c "import json,sys; json.load(open(sys.argv[1]))" "$work/diff-json.out" && echo "ok: diff --json parses" || fail "diff --json is not JSON"
expect_status 64 diff-usage "$bin" diff "$bundle" --json --markdown
rm -f "$bundle/report.md" "$bundle/report.html"
expect_status 0 report "$bin" report "$bundle"
[ -s "$bundle/report.md" ] && [ -s "$bundle/report.html" ] && echo "ok: report written again" || fail "report did not write report.md and report.html"
expect_in "report names the experiment" "${bundle#"$repo"/}/report.md" "quickstart"
expect_status 2 report-missing "$bin" report "$work/no-such-bundle"

if [ "$failures" -gt 0 ]; then
  echo "release smoke: $failures failure(s)" >&2
  exit 1
fi
echo "release smoke: all passed"
