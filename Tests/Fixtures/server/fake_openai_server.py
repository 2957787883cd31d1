"""A small OpenAI-compatible completions server for arena-script's server tests.

Deterministic: one token per UTF-8 byte (id = byte value); the log-probability of token t at
position i is -(1 + (31*t + 7*i) % 97) / 10, and the top token at a position is the one with the
highest such value. Speaks vLLM's shapes: /health, /version, /v1/models, /tokenize, /detokenize,
/v1/completions (echo + logprobs for loglikelihood, stop strings for generation).

Misbehaviour through environment variables (for the tests):
  FAKE_SLOW_START=S      sleep S seconds before listening
  FAKE_CRASH_START=1     exit with status 3 before listening, after printing a log line
  FAKE_HANG_START=1      never listen (and never exit)
  FAKE_CRASH_AFTER=N     exit (status 4) on the N-th completions request
  FAKE_FAIL_EVERY=N      answer 500 to every N-th completions request (the retry then succeeds)
  FAKE_ALWAYS_500=1      answer 500 "engine overloaded" to every completions request
  FAKE_MALFORMED=1       answer completions with truncated JSON
  FAKE_IGNORE_TERM=1     ignore SIGTERM
  FAKE_LATENCY_MS=N      add N ms before answering completions
  FAKE_COUNT_FILE=path   append one line per prompt answered (its sha256) to this file
  FAKE_VERSION=v         what /version reports (default 0.8.5)
  FAKE_WORKERS=N         serve from N processes sharing the port (SO_REUSEPORT), for benchmarks
  FAKE_IDLE_TIMEOUT=S    close a keep-alive connection that stays idle for S seconds (as uvicorn does)
  FAKE_UNAVAILABLE_SECONDS=S  answer 503 to every POST for S seconds from the first POST (an outage)
  FAKE_RETRY_AFTER=N     send `Retry-After: N` with those 503s
  FAKE_SERVE_AS=name     list and answer to this model id whatever the command line says
  FAKE_MAX_MODEL_LEN=N   the max_model_len /v1/models reports (default: --max-model-len or
                         --context-length as given, else 4096; 0: report none)
  FAKE_TOKENIZE_LATENCY_MS=N  add N ms before answering /tokenize

/stats reports requests, max_in_flight (completions), max_in_flight_posts (every POST: /tokenize,
/detokenize and completions together), unavailable (503s sent during an outage), the number of
distinct connections POSTs came on, and how many POSTs carried an Expect header.
"""
import functools
import hashlib
import json
import os
import signal
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def logprob(token, position):
    return -(1 + (31 * token + 7 * position) % 97) / 10.0


@functools.lru_cache(maxsize=None)
def best_token(position):
    return max(range(256), key=lambda t: (logprob(t, position), -t))


def max_model_len():
    return int(os.environ.get("FAKE_MAX_MODEL_LEN", str(State.max_model_len)))


def tokenize(text):
    return list(text.encode("utf-8"))


def detokenize(tokens):
    return bytes(t & 0xFF for t in tokens).decode("utf-8", errors="replace")


def generate_text(prompt, max_tokens):
    digest = hashlib.sha256(prompt.encode("utf-8")).hexdigest()
    words = ["alpha", "beta", "gamma", "delta", "\n\n", "Question:", "42", "The answer is"]
    out = []
    for i in range(max(1, min(max_tokens, 24))):
        out.append(words[int(digest[i % 64], 16) % len(words)])
    return " ".join(out)


class State:
    lock = threading.Lock()
    requests = 0
    in_flight = 0
    max_in_flight = 0
    posts_in_flight = 0
    max_posts_in_flight = 0
    first_post = None
    unavailable = 0
    connections = set()
    expect_headers = 0
    model = os.environ.get("FAKE_MODEL", "fake/model")
    max_model_len = 4096


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in separate writes: without TCP_NODELAY, Nagle's algorithm and the
    # client's delayed ACK would add 40 ms to every response.
    disable_nagle_algorithm = True
    # Read by StreamRequestHandler.setup: an idle keep-alive connection times out and is closed.
    timeout = float(os.environ["FAKE_IDLE_TIMEOUT"]) if os.environ.get("FAKE_IDLE_TIMEOUT") else None

    def log_message(self, fmt, *args):
        if os.environ.get("FAKE_ACCESS_LOG"):
            sys.stderr.write("fake-server: " + (fmt % args) + "\n")

    def send_json(self, status, payload):
        body = json.dumps(payload).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        if self.path == "/health":
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif self.path == "/version":
            self.send_json(200, {"version": os.environ.get("FAKE_VERSION", "0.8.5")})
        elif self.path == "/stats":
            with State.lock:
                stats = {"requests": State.requests, "max_in_flight": State.max_in_flight,
                         "max_in_flight_posts": State.max_posts_in_flight, "unavailable": State.unavailable,
                         "connections": len(State.connections), "expect_headers": State.expect_headers}
            self.send_json(200, stats)
        elif self.path == "/tokenizer_info":
            self.send_json(200, {"eos_token": "<|eos|>", "bos_token": None, "pad_token": None})
        elif self.path == "/v1/models":
            entry = {"id": State.model, "object": "model", "owned_by": "fake"}
            length = max_model_len()
            if length:
                entry["max_model_len"] = length
            self.send_json(200, {"object": "list", "data": [entry]})
        else:
            self.send_json(404, {"error": {"message": "no route " + self.path}})

    def read_body(self):
        length = int(self.headers.get("Content-Length", "0"))
        return json.loads(self.rfile.read(length) or b"{}")

    def do_POST(self):
        with State.lock:
            State.connections.add(self.client_address)
            if self.headers.get("Expect") is not None:
                State.expect_headers += 1
            State.posts_in_flight += 1
            State.max_posts_in_flight = max(State.max_posts_in_flight, State.posts_in_flight)
            if State.first_post is None:
                State.first_post = time.monotonic()
            outage = float(os.environ.get("FAKE_UNAVAILABLE_SECONDS", "0"))
            down = outage and time.monotonic() - State.first_post < outage
            if down:
                State.unavailable += 1
        try:
            if down:
                self.read_body()
                payload = json.dumps({"error": {"message": "server restarting"}}).encode("utf-8")
                self.send_response(503)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                if os.environ.get("FAKE_RETRY_AFTER"):
                    self.send_header("Retry-After", os.environ["FAKE_RETRY_AFTER"])
                self.end_headers()
                self.wfile.write(payload)
                return
            self.answer_post()
        finally:
            with State.lock:
                State.posts_in_flight -= 1

    def answer_post(self):
        try:
            body = self.read_body()
        except ValueError as error:
            self.send_json(400, {"error": {"message": "bad JSON: %s" % error}})
            return
        if self.path == "/tokenize":
            latency = float(os.environ.get("FAKE_TOKENIZE_LATENCY_MS", "0"))
            if latency:
                time.sleep(latency / 1000.0)
            tokens = tokenize(body.get("prompt", ""))
            self.send_json(200, {"tokens": tokens, "count": len(tokens), "max_model_len": 4096})
        elif self.path == "/detokenize":
            self.send_json(200, {"prompt": detokenize(body.get("tokens", []))})
        elif self.path == "/v1/completions":
            self.completions(body)
        else:
            self.send_json(404, {"error": {"message": "no route " + self.path}})

    def completions(self, body):
        with State.lock:
            State.in_flight += 1
            State.max_in_flight = max(State.max_in_flight, State.in_flight)
        try:
            self.answer_completions(body)
        finally:
            with State.lock:
                State.in_flight -= 1

    def answer_completions(self, body):
        with State.lock:
            State.requests += 1
            number = State.requests
        crash_after = int(os.environ.get("FAKE_CRASH_AFTER", "0"))
        if crash_after and number >= crash_after:
            sys.stderr.write("fake-server: crashing on request %d\n" % number)
            sys.stderr.flush()
            os._exit(4)
        latency = float(os.environ.get("FAKE_LATENCY_MS", "0"))
        if latency:
            time.sleep(latency / 1000.0)
        fail_every = int(os.environ.get("FAKE_FAIL_EVERY", "0"))
        if os.environ.get("FAKE_ALWAYS_500") or (fail_every and number % fail_every == 0):
            self.send_json(500, {"error": {"message": "engine overloaded (request %d)" % number}})
            return
        if body.get("model") != State.model:
            self.send_json(404, {"error": {"message": "The model `%s` does not exist." % body.get("model")}})
            return
        prompts = body.get("prompt", "")
        # vLLM's shapes: a string, a list of strings, a list of token ids, a list of such lists.
        if isinstance(prompts, str) or (isinstance(prompts, list) and prompts and isinstance(prompts[0], int)):
            prompts = [prompts]
        limit = max_model_len()
        for p in prompts:
            length = len(p) if isinstance(p, list) else len(tokenize(p))
            if limit and length > limit:
                self.send_json(400, {"error": {"message": "This model's maximum context length is %d tokens. However, you requested %d tokens in the messages." % (limit, length)}})
                return
        choices = [self.choice(i, p, body) for i, p in enumerate(prompts)]
        count_file = os.environ.get("FAKE_COUNT_FILE")
        if count_file:
            with State.lock, open(count_file, "a") as f:
                for p in prompts:
                    f.write(hashlib.sha256(json.dumps([p, body.get("echo", False)]).encode()).hexdigest() + "\n")
        payload = {"id": "cmpl-%d" % number, "object": "text_completion", "model": State.model,
                   "choices": choices, "usage": {"prompt_tokens": 0, "completion_tokens": 0}}
        if os.environ.get("FAKE_MALFORMED"):
            text = json.dumps(payload).encode()[:40]
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(text)))
            self.end_headers()
            self.wfile.write(text)
            return
        self.send_json(200, payload)

    def choice(self, index, prompt, body):
        max_tokens = int(body.get("max_tokens", 16))
        tokens = list(prompt) if isinstance(prompt, list) else tokenize(prompt)
        if isinstance(prompt, list):
            prompt = detokenize(prompt)
        if body.get("echo"):
            generated = [best_token(len(tokens))] if max_tokens > 0 else []
            all_tokens = tokens + generated
            token_logprobs = [None] + [logprob(t, i) for i, t in enumerate(all_tokens)][1:]
            top = [None] + [{detokenize([best_token(i)]): logprob(best_token(i), i)} for i in range(1, len(all_tokens))]
            return {"index": index, "text": prompt + detokenize(generated), "finish_reason": "length",
                    "logprobs": {"tokens": [detokenize([t]) for t in all_tokens],
                                 "token_logprobs": token_logprobs, "top_logprobs": top,
                                 "text_offset": list(range(len(all_tokens)))}}
        text = generate_text(prompt, max_tokens)
        for stop in body.get("stop") or []:
            cut = text.find(stop)
            if cut >= 0:
                text = text[:cut]
        return {"index": index, "text": text, "finish_reason": "stop", "logprobs": None}


class ReusePortServer(ThreadingHTTPServer):
    def server_bind(self):
        self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        super().server_bind()


def exit_with_parent(parent):
    while os.getppid() == parent:
        time.sleep(0.2)
    os._exit(0)


def main():
    port = None
    argv = sys.argv[1:]
    for i, arg in enumerate(argv):
        if arg == "--port" and i + 1 < len(argv):
            port = int(argv[i + 1])
        if arg in ("--model", "--model-path", "--served-model-name") and i + 1 < len(argv):
            State.model = argv[i + 1]
        if arg in ("--max-model-len", "--context-length") and i + 1 < len(argv):
            State.max_model_len = int(argv[i + 1])
    if os.environ.get("FAKE_SERVE_AS"):
        State.model = os.environ["FAKE_SERVE_AS"]
    if port is None:
        sys.stderr.write("fake-server: --port is required\n")
        sys.exit(2)
    sys.stderr.write("fake-server: starting with %s\n" % " ".join(argv))
    sys.stderr.flush()
    if os.environ.get("FAKE_IGNORE_TERM"):
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
    if os.environ.get("FAKE_CRASH_START"):
        sys.stderr.write("fake-server: CUDA out of memory while loading weights\n")
        sys.exit(3)
    if os.environ.get("FAKE_HANG_START"):
        while True:
            time.sleep(1)
    time.sleep(float(os.environ.get("FAKE_SLOW_START", "0")))
    workers = int(os.environ.get("FAKE_WORKERS", "1"))
    parent = os.getpid()
    for _ in range(workers - 1):
        if os.fork() == 0:
            threading.Thread(target=exit_with_parent, args=(parent,), daemon=True).start()
            break
    server = ReusePortServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    sys.stderr.write("fake-server: listening on %d\n" % port)
    sys.stderr.flush()
    server.serve_forever()


if __name__ == "__main__":
    main()
