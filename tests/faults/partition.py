"""A network partition between one service and the Kafka brokers, without killing anything.

Each broker has a listener of its own for that service (PROXIED, see faults/cluster.py) whose
advertised address is a port of this proxy, so the service reaches every broker, after
bootstrap too, only through it. The proxy forwards bytes both ways (asyncio, on a thread and
event loop of its own, so it keeps working whatever the test's loop is doing). `cut()` stops
forwarding: open connections stay open but nothing gets through, and new ones are accepted
and then hear nothing, as when packets are dropped on the way; `heal()` lets the bytes flow
again. Everything stays on 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Coroutine
from typing import Any

CHUNK = 65536


class Partition:
    def __init__(self, routes: dict[int, int]) -> None:
        """`routes`: the proxy's port -> the broker listener's port it forwards to."""
        self.routes = routes
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._open: asyncio.Event | None = None
        self._servers: list[asyncio.Server] = []
        self._writers: set[asyncio.StreamWriter] = set()

    def _run(self, coroutine: Coroutine[Any, Any, Any]) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout=30)

    def start(self) -> None:
        self._thread.start()
        self._run(self._listen())

    async def _listen(self) -> None:
        self._open = asyncio.Event()
        self._open.set()
        for port, target in self.routes.items():

            async def accept(
                reader: asyncio.StreamReader, writer: asyncio.StreamWriter, target: int = target
            ) -> None:
                await self._connect(reader, writer, target)

            self._servers.append(await asyncio.start_server(accept, "127.0.0.1", port))

    async def _connect(
        self, client_in: asyncio.StreamReader, client_out: asyncio.StreamWriter, target: int
    ) -> None:
        assert self._open is not None
        self._writers.add(client_out)
        try:
            await self._open.wait()  # a connection made during the cut hears nothing
            try:
                broker_in, broker_out = await asyncio.open_connection("127.0.0.1", target)
            except OSError:
                return  # that broker is down (a scenario killed it): the client sees a close
            self._writers.add(broker_out)
            try:
                await asyncio.gather(
                    self._pipe(client_in, broker_out), self._pipe(broker_in, client_out)
                )
            finally:
                self._writers.discard(broker_out)
                broker_out.close()
        finally:
            self._writers.discard(client_out)
            client_out.close()

    async def _pipe(self, source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
        assert self._open is not None
        with contextlib.suppress(ConnectionError, OSError):
            while True:
                await self._open.wait()
                data = await source.read(CHUNK)
                if not data:
                    break
                await self._open.wait()  # read just before the cut: held until it heals
                sink.write(data)
                await sink.drain()
        with contextlib.suppress(ConnectionError, OSError, RuntimeError):
            sink.write_eof()

    def cut(self) -> None:
        assert self._open is not None
        self._loop.call_soon_threadsafe(self._open.clear)

    def heal(self) -> None:
        assert self._open is not None
        self._loop.call_soon_threadsafe(self._open.set)

    def stop(self) -> None:
        async def close() -> None:
            for server in self._servers:
                server.close()
            for writer in list(self._writers):
                writer.close()

        if self._thread.is_alive():
            self._run(close())
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=10)
