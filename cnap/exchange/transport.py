"""The HTTP transport to our own ШБО: one pooled ``httpx.Client`` per TLS/pool configuration, mutual TLS, and a
deadline that bounds every socket operation of an attempt (connect, TLS handshake, each read and write).

Besides the httpx timeouts (connect/read/write/pool clamped to the attempt's budget) the client's network
backend clamps every socket operation to the time left until the absolute deadline of the attempt
(:func:`deadline`), so a server that trickles its answer byte by byte cannot hold the caller past it.
The deadline is thread-local: the registry worker runs many lookups in threads of one process.
"""

from __future__ import annotations

import contextlib
import json
import logging
import threading
import time
from typing import Any

import httpcore
import httpx


# ---------------------------------------------------------------------------------------------- logging
class _RedactQueryFilter(logging.Filter):
    """httpx logs every request URL at INFO; our query strings carry РНОКПП and other personal data, which
    must never reach the logs. Keep the method, the path and the status, drop the query."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str) and record.msg.startswith("HTTP Request:") and record.args:
            args = list(record.args)
            if isinstance(args[1], httpx.URL) and args[1].query:
                args[1] = args[1].copy_with(query=b"(redacted)")
                record.args = tuple(args)
        return True


_httpx_logger = logging.getLogger("httpx")
if not any(isinstance(f, _RedactQueryFilter) for f in _httpx_logger.filters):
    _httpx_logger.addFilter(_RedactQueryFilter())


# ---------------------------------------------------------------------------------------------- transport
#: ``current_deadline.at``: the monotonic time by which this thread's current attempt must end (None: no deadline).
current_deadline = threading.local()


def _remaining(timeout: float | None) -> float | None:
    """``timeout`` clamped to the time left before this thread's deadline (raises when it has passed)."""
    deadline = getattr(current_deadline, "at", None)
    if deadline is None:
        return timeout
    left = deadline - time.monotonic()
    if left <= 0:
        raise _DeadlinePassed()
    return left if timeout is None else min(timeout, left)


class _DeadlinePassed(TimeoutError):  # noqa: N818 - internal signal
    pass


class _DeadlineStream(httpcore.NetworkStream):
    def __init__(self, stream: httpcore.NetworkStream) -> None:
        self._stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        try:
            timeout = _remaining(timeout)
        except _DeadlinePassed:
            raise httpcore.ReadTimeout("deadline exceeded") from None
        return self._stream.read(max_bytes, timeout)

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        try:
            timeout = _remaining(timeout)
        except _DeadlinePassed:
            raise httpcore.WriteTimeout("deadline exceeded") from None
        return self._stream.write(buffer, timeout)

    def close(self) -> None:
        self._stream.close()

    def start_tls(self, ssl_context, server_hostname=None, timeout=None) -> httpcore.NetworkStream:
        try:
            timeout = _remaining(timeout)
        except _DeadlinePassed:
            raise httpcore.ConnectTimeout("deadline exceeded") from None
        return _DeadlineStream(self._stream.start_tls(ssl_context, server_hostname, timeout))

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


class _DeadlineBackend(httpcore.NetworkBackend):
    """httpcore's sync backend with every socket operation clamped to the thread's deadline."""

    def __init__(self) -> None:
        self._backend = httpcore.SyncBackend()

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        try:
            timeout = _remaining(timeout)
        except _DeadlinePassed:
            raise httpcore.ConnectTimeout("deadline exceeded") from None
        stream = self._backend.connect_tcp(host, port, timeout, local_address, socket_options)
        return _DeadlineStream(stream)

    def connect_unix_socket(self, path, timeout=None, socket_options=None):  # pragma: no cover
        return _DeadlineStream(self._backend.connect_unix_socket(path, _remaining(timeout), socket_options))

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


def _ssl_context(tls: dict[str, Any]):
    import ssl

    if not tls.get("verify", True) and not tls.get("cert"):
        return False
    context = ssl.create_default_context(cafile=tls.get("ca") or None)
    if not tls.get("verify", True):
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    if tls.get("cert"):
        context.load_cert_chain(tls["cert"], tls.get("key") or None)
    return context


_clients: dict[str, httpx.Client] = {}
_clients_lock = threading.Lock()


def get_http_client(config: dict[str, Any]) -> httpx.Client:
    """The process-wide ``httpx.Client`` for this TLS and pool configuration (created once, thread-safe)."""
    key = json.dumps([config["tls"], config["pool"]], sort_keys=True, default=str)
    client = _clients.get(key)
    if client is not None:
        return client
    with _clients_lock:
        client = _clients.get(key)
        if client is None:
            pool = config["pool"]
            limits = httpx.Limits(
                max_connections=pool["max_connections"],
                max_keepalive_connections=pool["max_keepalive_connections"],
                keepalive_expiry=pool["keepalive_expiry"],
            )
            transport = httpx.HTTPTransport(verify=_ssl_context(config["tls"]), limits=limits, trust_env=False)
            # httpx has no public switch for httpcore's network backend; httpcore's NetworkBackend itself is
            # public API. The pool hands this attribute to every connection it opens.
            transport._pool._network_backend = _DeadlineBackend()
            client = httpx.Client(transport=transport, trust_env=False, follow_redirects=False)
            _clients[key] = client
    return client


def close_http_clients() -> None:
    with _clients_lock:
        for client in _clients.values():
            client.close()
        _clients.clear()


@contextlib.contextmanager
def deadline(seconds: float):
    """Every socket operation inside the block ends within ``seconds`` from now (this thread only)."""
    current_deadline.at = time.monotonic() + seconds
    try:
        yield
    finally:
        current_deadline.at = None


class BodyCutOff(Exception):  # noqa: N818 - an event on the wire, named as one
    """The answer's headers came, its body broke off (connection closed or reset before its end)."""

    def __init__(self, status: int, cause: Exception) -> None:
        super().__init__(f"HTTP {status}: the body broke off: {cause}")
        self.status = status


class HttpStatusError(Exception):
    def __init__(self, status: int, content: bytes = b"") -> None:
        super().__init__(f"HTTP {status}: {content[:200]!r}")
        self.status = status


def send_and_read(http: httpx.Client, request: httpx.Request, limit: int) -> tuple[httpx.Response, bytes, bool]:
    """Send ``request`` and read at most ``limit`` bytes of the answer: ``(response, body, too_big)``.

    Raises httpx's exceptions for the connection and :class:`BodyCutOff` when the body breaks off mid-way
    (a security server or proxy dropping the connection: worth another attempt, and worth saying so)."""
    response = http.send(request, stream=True)
    try:
        try:
            content, too_big = _read_limited(response, limit)
        except (httpx.RemoteProtocolError, httpx.ReadError) as exc:
            raise BodyCutOff(response.status_code, exc) from exc
    finally:
        response.close()
    return response, content, too_big


def _read_limited(response: httpx.Response, limit: int) -> tuple[bytes, bool]:
    chunks = []
    size = 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > limit:
            return b"", True
        chunks.append(chunk)
    return b"".join(chunks), False
