"""Same-origin web: the Host header, cross-site requests, and what a page may load.

Three guards, one middleware, before any route runs:

* **Host.** With `Settings.allowed_hosts` set (as `accords serve` sets it from the address it
  binds), a request naming another host is refused with 400: a page on an attacker's domain
  that resolves to this server (DNS rebinding) cannot read its answers.
* **Cross-site writes.** A POST (or PUT, PATCH, DELETE) whose `Origin` (or, without one, whose
  `Referer`) is another site is refused with 403, and one to the JSON API must be JSON, YAML or
  multipart (415 for any other declared type): a cross-site form or `text/plain` POST cannot
  start a run. A body with no declared type is read as YAML, as the API documents: a browser
  always sends `Origin` with such a request, so it is judged by the origin check. Clients that
  send neither header (curl, scripts) are not browsers acting for someone else.
* **Content-Security-Policy.** Every page may load scripts, styles and images only from this
  server: no inline script or style runs, so text that slipped into a page could not either.
"""

from __future__ import annotations

import base64
import hashlib
import re
from urllib.parse import urlsplit

from fastapi.responses import JSONResponse
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from accords.api.problems import PROBLEM_MEDIA_TYPE, ApiError

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; form-action 'self'; frame-src 'self'; "
    "frame-ancestors 'self'; base-uri 'none'"
)
WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
API_BODY_TYPES = (
    "application/json",
    "application/problem+json",
    "application/yaml",
    "application/x-yaml",
    "text/yaml",
    "text/x-yaml",
    "multipart/form-data",
)


def host_name(host: str) -> str:
    """The name in a Host header, without its port (`[::1]:8000` -> `::1`)."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[1 : host.find("]")] if "]" in host else host
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


class SameOriginMiddleware:
    """Refuses foreign hosts and cross-site writes; puts the CSP on every response."""

    def __init__(self, app: ASGIApp, allowed_hosts: tuple[str, ...] | None) -> None:
        self.app = app
        self.allowed = {host_name(h) for h in allowed_hosts} if allowed_hosts else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        refusal = self._refusal(scope, headers)
        if refusal is not None:
            response = JSONResponse(
                refusal.document(scope.get("path")).model_dump(mode="json"),
                status_code=refusal.status,
                media_type=PROBLEM_MEDIA_TYPE,
                headers={"Content-Security-Policy": CSP},
            )
            await response(scope, receive, send)
            return

        async def with_policy(message: Message) -> None:
            if message["type"] == "http.response.start":
                raw = message.setdefault("headers", [])
                names = {name.lower() for name, _ in raw}
                if b"content-security-policy" not in names:
                    raw.append((b"content-security-policy", CSP.encode()))
                raw.append((b"x-content-type-options", b"nosniff"))
            await send(message)

        await self.app(scope, receive, with_policy)

    def _refusal(self, scope: Scope, headers: Headers) -> ApiError | None:
        host = headers.get("host", "")
        if self.allowed is not None and host_name(host) not in self.allowed:
            return ApiError(
                400,
                "bad-host",
                f"this server does not answer for the host {host!r} "
                "(setting allowed_hosts; accords serve --allowed-host)",
            )
        if scope["method"] not in WRITES:
            return None
        origin = headers.get("origin") or headers.get("referer")
        if origin and origin != "null":
            parts = urlsplit(origin)
            if parts.netloc.lower() != host.lower():
                return ApiError(
                    403,
                    "cross-site",
                    f"a request from {parts.scheme}://{parts.netloc} may not change anything "
                    "on this server; send it from this server's own pages",
                )
        elif origin == "null":
            return ApiError(403, "cross-site", "a request from an opaque origin was refused")
        path = str(scope.get("path", ""))
        content_type = headers.get("content-type", "").split(";")[0].strip().lower()
        has_body = headers.get("content-length", "0") != "0" or "transfer-encoding" in headers
        if (
            path.startswith("/api/")
            and has_body
            and content_type
            and content_type not in API_BODY_TYPES
        ):
            return ApiError(
                415,
                "unsupported-media-type",
                f"a body of type {content_type!r} is not accepted here; send JSON, YAML or "
                "multipart/form-data (curl: -H 'content-type: application/yaml')",
            )
        return None


_INLINE = re.compile(r"<(script|style)\b[^>]*>(.*?)</\1>", re.S | re.I)
_STYLE_ATTR = re.compile(r'\sstyle="([^"]*)"')


def _sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def inline_policy(html: str) -> str:
    """A CSP for a self-contained page (a run's report): only its own inline parts, by hash.

    The report is one file that works offline, so its script and styles are inline; the
    policy names each of them by its SHA-256, so nothing else inline can run.
    """
    blocks = _INLINE.findall(html)
    scripts = {_sha256(body) for kind, body in blocks if kind.lower() == "script"}
    styles = {_sha256(body) for kind, body in blocks if kind.lower() == "style"}
    attributes = {_sha256(value) for value in _STYLE_ATTR.findall(html)}
    if attributes:
        styles |= {"'unsafe-hashes'", *attributes}
    return (
        f"default-src 'none'; script-src {_sources(scripts)}; style-src {_sources(styles)}; "
        "img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'self'"
    )


def _sources(values: set[str]) -> str:
    return " ".join(sorted(values)) or "'none'"
