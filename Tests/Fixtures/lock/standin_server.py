"""A loopback stand-in for the Hugging Face Hub revision API and an OCI registry (Docker Hub's
anonymous token flow included), for running the real `arena-script lock` against.

    python3 standin_server.py PORT_FILE [SECONDS]

Listens on 127.0.0.1 on a port the OS picks, writes that port to PORT_FILE once it accepts
connections, and stops by itself after SECONDS (default 600). Answers:

  GET  /api/{models|datasets}/<id>/revision/<rev>  {"id": ..., "sha": sha1("<kind>/<id>@<rev>")}
                                                   404 for ids starting with "missing/"
  GET  /token?scope=repository:<repo>:pull          {"token": "standin-<repo>"}
  HEAD/GET /v2/<repo>/manifests/<tag>              401 Bearer challenge without that token; then
                                                   Tests/Fixtures/lock/registry_oci_index.json with
                                                   Docker-Content-Digest: sha256 of those bytes
                                                   (HEAD sends no digest for tags starting with
                                                   "nohead", so the client must GET)

Every request is appended to PORT_FILE + ".log" as "METHOD PATH". Only the standard library.
"""
import hashlib
import http.server
import json
import os
import sys
import threading
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
MANIFEST = open(os.path.join(HERE, "registry_oci_index.json"), "rb").read()
DIGEST = "sha256:" + hashlib.sha256(MANIFEST).hexdigest()
MEDIA_TYPE = "application/vnd.oci.image.index.v1+json"


def revision_sha(kind, repo_id, revision):
    return hashlib.sha1(f"{kind}/{repo_id}@{revision}".encode()).hexdigest()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    log_path = None

    def log_message(self, *args):
        pass

    def send(self, status, body=b"", headers=None, head=False):
        self.send_response(status)
        for name, value in sorted((headers or {}).items()):
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def send_json(self, status, value, head=False):
        self.send(status, json.dumps(value).encode(), {"Content-Type": "application/json"}, head)

    def route(self, head):
        with open(self.log_path, "a") as log:
            log.write(f"{self.command} {self.path}\n")
        url = urllib.parse.urlsplit(self.path)
        path = urllib.parse.unquote(url.path)
        if path.startswith("/api/"):
            parts = path[len("/api/"):].split("/")
            if len(parts) >= 4 and parts[0] in ("models", "datasets") and parts[-2] == "revision":
                kind, repo_id, revision = parts[0], "/".join(parts[1:-2]), parts[-1]
                if repo_id.startswith("missing/"):
                    return self.send_json(404, {"error": "Repository not found"}, head)
                return self.send_json(200, {"id": repo_id, "sha": revision_sha(kind, repo_id, revision)}, head)
        if path == "/token":
            scope = urllib.parse.parse_qs(url.query).get("scope", [""])[0]
            repo = scope.split(":")[1] if scope.count(":") == 2 else ""
            return self.send_json(200, {"token": "standin-" + repo}, head)
        if path.startswith("/v2/") and "/manifests/" in path:
            repo, tag = path[len("/v2/"):].split("/manifests/", 1)
            if self.headers.get("Authorization") != "Bearer standin-" + repo:
                host = self.headers.get("Host")
                challenge = f'Bearer realm="http://{host}/token",service="standin",scope="repository:{repo}:pull"'
                body = b'{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}'
                return self.send(401, body, {"Content-Type": "application/json", "WWW-Authenticate": challenge}, head)
            if tag.startswith("missing"):
                return self.send_json(404, {"errors": [{"code": "MANIFEST_UNKNOWN", "message": "manifest unknown"}]}, head)
            headers = {"Content-Type": MEDIA_TYPE}
            if not (head and tag.startswith("nohead")):
                headers["Docker-Content-Digest"] = DIGEST
            return self.send(200, MANIFEST, headers, head)
        return self.send_json(404, {"error": "not found"}, head)

    def do_GET(self):
        self.route(head=False)

    def do_HEAD(self):
        self.route(head=True)


def main():
    port_file = sys.argv[1]
    seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 600
    Handler.log_path = port_file + ".log"
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Timer(seconds, server.shutdown).start()
    with open(port_file + ".tmp", "w") as f:
        f.write(str(server.server_address[1]))
    os.replace(port_file + ".tmp", port_file)
    server.serve_forever()


if __name__ == "__main__":
    main()
