"""The listening socket every server of the mock uses, the CLI's and the in-thread one alike."""

from __future__ import annotations

import socket

__all__ = ["listen"]


def listen(host: str, port: int) -> socket.socket:
    """A listening TCP socket with Nagle's algorithm off.

    asyncio turns Nagle off only for sockets whose protocol is explicitly TCP. Left on, a
    response written as head and body waits for the client's delayed ACK: about 40 ms for
    every request after the first on a keep-alive connection.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        sock.bind((host, port))
        sock.listen(2048)
    except OSError:
        sock.close()
        raise
    return sock
