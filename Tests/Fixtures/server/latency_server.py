"""A minimal asyncio HTTP/1.1 server for the client benchmark: every POST is answered after
--latency-ms with the same small completions-shaped JSON body, so that the time a request takes is
the latency, not the server's own work. Keep-alive; --workers processes share the port."""
import argparse
import asyncio
import os
import socket
import time

BODY = b'{"choices":[{"index":0,"text":"x","logprobs":{"token_logprobs":[null,-0.5],"top_logprobs":[null,{"x":-0.5}]}}]}'
RESPONSE = (b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
            + str(len(BODY)).encode() + b"\r\n\r\n" + BODY)
HEALTH = b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"


async def handle(reader, writer, latency):
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n"):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":", 1)[1])
            if length:
                await reader.readexactly(length)
            if head.startswith(b"GET /health"):
                writer.write(HEALTH)
            else:
                if latency:
                    await asyncio.sleep(latency)
                writer.write(RESPONSE)
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError):
        pass
    finally:
        writer.close()


async def serve(port, latency):
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind(("127.0.0.1", port))
    server = await asyncio.start_server(lambda r, w: handle(r, w, latency), sock=sock, backlog=1024)
    async with server:
        await server.serve_forever()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--latency-ms", type=float, default=0)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    parent = os.getpid()
    for _ in range(args.workers - 1):
        if os.fork() == 0:
            break
    if os.getpid() != parent:
        import threading

        def watch():
            while os.getppid() == parent:
                time.sleep(0.2)
            os._exit(0)
        threading.Thread(target=watch, daemon=True).start()
    asyncio.run(serve(args.port, args.latency_ms / 1000.0))


if __name__ == "__main__":
    main()
