"""Deterministic stand-in for a vLLM OpenAI completions server, for agreement tests.

Usage: python stub_server.py PORT DEADLINE_SECONDS [MAX_MODEL_LEN [LOG_FILE]]

Serves on 127.0.0.1:PORT until DEADLINE_SECONDS have passed:
  GET  /tokenizer_info            {"eos_token": ...}
  POST /tokenize {"prompt"}       {"tokens": [...]}      reversible word/space/punctuation pieces
  POST /detokenize {"tokens"}     {"prompt": "..."}
  POST /v1/completions            echo+logprobs (exactly one generated token) or generation with stop
Token ids and log-probabilities are pure functions of the text, so any client order gives the
same answers. Prints "ready" once listening.

MAX_MODEL_LEN (0: none) makes it refuse, as vLLM does with HTTP 400, a completions request whose
prompt tokens plus max_tokens exceed it. LOG_FILE gets one JSON line per prompt of every
completions request answered: {"echo", "max_tokens", "prompt" (token ids)}.
"""
import hashlib
import json
import random
import re
import signal
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

EOS = "<|endoftext|>"
PIECE = re.compile(r"<\|endoftext\|>| ?[A-Za-z]+| ?[0-9]+| ?[^\sA-Za-z0-9]|\s")
VOCAB = {}
VOCAB_LOCK = threading.Lock()
MOD = (1 << 61) - 1


def piece_id(piece):
    return int.from_bytes(hashlib.blake2b(piece.encode("utf-8"), digest_size=4).digest(), "little") & 0x3FFFFFFF


def tokenize(text):
    pieces = PIECE.findall(text)
    assert "".join(pieces) == text, "tokenizer lost text"
    ids = []
    with VOCAB_LOCK:
        for p in pieces:
            i = piece_id(p)
            VOCAB[i] = p
            ids.append(i)
    return ids


def detokenize(ids):
    with VOCAB_LOCK:
        return "".join(VOCAB[i] for i in ids)


def prefix_hashes(ids):
    h, out = 7, []
    for i in ids:
        h = (h * 1000003 + i + 1) % MOD
        out.append(h)
    return out


def logprob(h):
    return -round((h % 9973) / 1000.0 + 0.05, 3)


def echo_choice(index, ids):
    generated = piece_id(" the")
    with VOCAB_LOCK:
        VOCAB[generated] = " the"
    seq = ids + [generated]
    hashes = prefix_hashes(seq)
    token_logprobs, top = [None], [None]
    for pos in range(1, len(seq)):
        h = hashes[pos]
        lp = logprob(h)
        alt = round(lp + (0.25 if (h >> 9) % 5 == 0 else -0.25), 3)
        token_logprobs.append(lp)
        top.append({VOCAB[seq[pos]]: lp, "\u2581alt": alt})
    return {
        "index": index,
        "text": detokenize(seq),
        "logprobs": {"tokens": [VOCAB[i] for i in seq], "token_logprobs": token_logprobs, "top_logprobs": top},
        "finish_reason": "length",
    }


MAX_MODEL_LEN = 0
LOG = None
LOG_LOCK = threading.Lock()

WORDS = ["The", " answer", " is", " so", " total", " of", " and", " yes", " no", " comment", " I", " have"]


def generation_text(ids, max_tokens, stop):
    rnd = random.Random(prefix_hashes(ids)[-1] if ids else 0)
    context = detokenize(ids)
    words = re.findall(r"[A-Za-z]+", context[-400:]) or ["none"]
    numbers = re.findall(r"[0-9]+", context[-400:]) or ["7"]
    parts = []
    for _ in range(rnd.randint(3, 30)):
        kind = rnd.random()
        if kind < 0.3:
            parts.append(" " + rnd.choice(words))
        elif kind < 0.45:
            parts.append(" " + rnd.choice(numbers))
        elif kind < 0.55:
            parts.append(" #### " + rnd.choice(numbers + [str(rnd.randint(0, 60))]))
        elif kind < 0.62:
            parts.append(rnd.choice([".", ",", " $", "\n", "\n\n", " Question:", "%"]))
        elif kind < 0.7:
            parts.append(" " + str(rnd.randint(0, 2000)) + rnd.choice(["", ".5", ",000"]))
        else:
            parts.append(rnd.choice(WORDS))
    text = "".join(parts)
    text = "".join(PIECE.findall(text)[:max_tokens])
    cut = len(text)
    for s in stop or []:
        at = text.find(s)
        if s and at != -1:
            cut = min(cut, at)
    return text[:cut]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def reply(self, payload, status=200):
        body = json.dumps(payload).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        if self.path.rstrip("/") == "/tokenizer_info":
            self.reply({"eos_token": EOS, "bos_token": None, "pad_token": None, "model_max_length": 4096})
        else:
            self.reply({"error": "not found"}, 404)

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        body = json.loads(self.rfile.read(length) or b"{}")
        path = self.path.rstrip("/")
        if path == "/tokenize":
            self.reply({"tokens": tokenize(body.get("prompt", ""))})
        elif path == "/detokenize":
            self.reply({"prompt": detokenize(body.get("tokens", []))})
        elif path == "/v1/completions":
            prompts = body.get("prompt", [])
            if isinstance(prompts, str) or (prompts and isinstance(prompts[0], int)):
                prompts = [prompts]
            token_lists = [tokenize(p) if isinstance(p, str) else list(p) for p in prompts]
            max_tokens = int(body.get("max_tokens", 16))
            for ids in token_lists:
                if MAX_MODEL_LEN and len(ids) + max_tokens > MAX_MODEL_LEN:
                    message = (f"This model's maximum context length is {MAX_MODEL_LEN} tokens. However, you requested "
                               f"{len(ids) + max_tokens} tokens ({len(ids)} in the messages, {max_tokens} in the completion).")
                    self.reply({"object": "error", "message": message, "type": "BadRequestError", "code": 400}, 400)
                    return
            if LOG is not None:
                with LOG_LOCK:
                    for ids in token_lists:
                        LOG.write(json.dumps({"echo": bool(body.get("echo")), "max_tokens": max_tokens, "prompt": ids}) + "\n")
                    LOG.flush()
            if body.get("echo"):
                choices = [echo_choice(i, ids) for i, ids in enumerate(token_lists)]
            else:
                stop = body.get("stop") or []
                if isinstance(stop, str):
                    stop = [stop]
                choices = [
                    {"index": i, "text": generation_text(ids, int(body.get("max_tokens", 16)), stop), "finish_reason": "stop"}
                    for i, ids in enumerate(token_lists)
                ]
            self.reply({"id": "cmpl-stub", "object": "text_completion", "model": body.get("model", "stub"), "choices": choices})
        else:
            self.reply({"error": "not found"}, 404)


def main():
    # A parent may start us with signals blocked; make TERM and INT stop the server.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGTERM, signal.SIGINT])
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    global MAX_MODEL_LEN, LOG
    port, deadline = int(sys.argv[1]), float(sys.argv[2])
    if len(sys.argv) > 3:
        MAX_MODEL_LEN = int(sys.argv[3])
    if len(sys.argv) > 4:
        LOG = open(sys.argv[4], "a", encoding="utf-8")
    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    timer = threading.Timer(deadline, server.shutdown)
    timer.daemon = True
    timer.start()
    print("ready", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
