#!/usr/bin/env python3
"""An HTTP/1.1 server for the external-link benchmark: listens on 127.0.0.1 to 127.0.0.N at one
port and answers every request (HEAD or GET, keep-alive) with 200 after a fixed delay.

usage: slow_server.py PORT [--hosts 10] [--delay-ms 50]
Prints "ready" once every address is bound; runs until killed.
"""
import argparse
import asyncio


async def handle(reader, writer, delay):
    try:
        while True:
            request = await reader.readuntil(b"\r\n\r\n")
            method = request.split(b" ", 1)[0]
            await asyncio.sleep(delay)
            body = b"" if method == b"HEAD" else b"ok"
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Type: text/plain\r\n\r\n" + body)
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError, asyncio.LimitOverrunError):
        pass
    finally:
        writer.close()


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("port", type=int)
    parser.add_argument("--hosts", type=int, default=10)
    parser.add_argument("--delay-ms", type=float, default=50)
    args = parser.parse_args()
    delay = args.delay_ms / 1000
    servers = [await asyncio.start_server(lambda r, w: handle(r, w, delay), f"127.0.0.{i}", args.port, backlog=1024)
               for i in range(1, args.hosts + 1)]
    print("ready", flush=True)
    await asyncio.gather(*(server.serve_forever() for server in servers))


if __name__ == "__main__":
    asyncio.run(main())
