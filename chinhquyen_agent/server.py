"""The agent's HTTP service on 127.0.0.1 (protocol: ``docs/signing-agent.md``).

Every request must come from an allowed origin (the ``Origin`` header, checked exactly;
requests without it are refused, so another web page or a script cannot use the token).
The browser pairs once per agent run: it sends the pairing code the agent shows to
``POST /pair`` and gets the session token it then sends as ``Authorization: Bearer``.
"""

from __future__ import annotations

import hmac
import json
import logging
import secrets
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from . import PROTOCOL_VERSION, __version__
from .token import AgentError, Pkcs11Backend, b64, unb64

logger = logging.getLogger("chinhquyen_agent")
MAX_BODY = 1024 * 1024
MAX_DIGESTS = 500


class AgentState:
    def __init__(
        self, backend: Pkcs11Backend, allowed_origins: list[str], pairing_code: str | None = None
    ) -> None:
        self.backend = backend
        self.allowed_origins = [o.rstrip("/") for o in allowed_origins]
        self.pairing_code = pairing_code or f"{secrets.randbelow(10**6):06d}"
        self.session_token = secrets.token_urlsafe(32)
        self.failed_pairings = 0


class Handler(BaseHTTPRequestHandler):
    server_version = f"chinhquyen-agent/{__version__}"
    state: AgentState  # set on the subclass made by ``make_server``

    def log_message(self, format: str, *args: Any) -> None:
        logger.info("%s %s", self.address_string(), format % args)

    # --- plumbing ---------------------------------------------------------------------------

    def _origin(self) -> str:
        origin = (self.headers.get("Origin") or "").rstrip("/")
        if not origin or origin not in self.state.allowed_origins:
            raise AgentError(
                "origin_forbidden", "Trang web này không được phép dùng thiết bị ký.", 403
            )
        return origin

    def _send(self, status: int, body: dict[str, Any] | None, origin: str | None) -> None:
        data = json.dumps(body or {}, ensure_ascii=False).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        if origin:
            self.send_header("Access-Control-Allow-Origin", origin)
            self.send_header("Vary", "Origin")
        self.end_headers()
        self.wfile.write(data)

    def _error(self, exc: AgentError, origin: str | None) -> None:
        self._send(exc.status, {"error": {"code": exc.code, "message": exc.message}}, origin)

    def _json(self) -> dict[str, Any]:
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            raise AgentError("too_large", "Yêu cầu quá lớn.", 413)
        try:
            body = json.loads(self.rfile.read(length) or b"{}")
        except ValueError as exc:
            raise AgentError("bad_request", "Nội dung yêu cầu không phải JSON.") from exc
        if not isinstance(body, dict):
            raise AgentError("bad_request", "Nội dung yêu cầu phải là một đối tượng JSON.")
        return body

    def _paired(self) -> None:
        header = self.headers.get("Authorization") or ""
        token = header.removeprefix("Bearer ").strip()
        if not token or not hmac.compare_digest(token, self.state.session_token):
            raise AgentError("not_paired", "Trình duyệt chưa ghép nối với phần mềm ký.", 401)

    def _dispatch(self, method: str) -> None:
        origin: str | None = None
        try:
            origin = self._origin()
            path = self.path.split("?", 1)[0]
            route = {
                ("GET", "/status"): self.status,
                ("POST", "/pair"): self.pair,
                ("GET", "/certificates"): self.certificates,
                ("POST", "/sign"): self.sign,
            }.get((method, path))
            if route is None:
                raise AgentError("not_found", "Không có chức năng này.", 404)
            self._send(HTTPStatus.OK, route(), origin)
        except AgentError as exc:
            self._error(exc, origin)
        except Exception:
            logger.exception("agent request failed")
            self._error(AgentError("internal", "Lỗi phần mềm ký.", 500), origin)

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def do_OPTIONS(self) -> None:
        try:
            origin = self._origin()
        except AgentError as exc:
            self._error(exc, None)
            return
        self.send_response(HTTPStatus.NO_CONTENT)
        self.send_header("Access-Control-Allow-Origin", origin)
        self.send_header("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
        self.send_header("Access-Control-Allow-Headers", "Authorization, Content-Type")
        self.send_header("Access-Control-Allow-Private-Network", "true")
        self.send_header("Access-Control-Max-Age", "600")
        self.send_header("Vary", "Origin")
        self.end_headers()

    # --- routes -----------------------------------------------------------------------------

    def status(self) -> dict[str, Any]:
        return {"agent": "chinhquyen-agent", "version": __version__, "protocol": PROTOCOL_VERSION}

    def pair(self) -> dict[str, Any]:
        body = self._json()
        state = self.state
        if state.failed_pairings >= 5:
            raise AgentError(
                "pairing_locked",
                "Nhập sai mã ghép nối quá nhiều lần; hãy khởi động lại phần mềm ký.",
                429,
            )
        code = str(body.get("code") or "")
        if not hmac.compare_digest(code.encode(), state.pairing_code.encode()):
            state.failed_pairings += 1
            raise AgentError("pairing_code_invalid", "Mã ghép nối không đúng.", 403)
        return {"token": state.session_token}

    def certificates(self) -> dict[str, Any]:
        self._paired()
        return {"certificates": [c.describe() for c in self.state.backend.certificates()]}

    def sign(self) -> dict[str, Any]:
        self._paired()
        body = self._json()
        algorithm = str(body.get("algorithm") or "sha256").lower()
        certificate_id = str(body.get("certificate_id") or "")
        if "digests" in body:
            raw = body["digests"]
            if not isinstance(raw, list) or not raw or len(raw) > MAX_DIGESTS:
                raise AgentError("bad_request", f"Cần từ 1 đến {MAX_DIGESTS} giá trị băm.")
            digests = [unb64(d) for d in raw]
        else:
            digests = [unb64(body.get("digest"))]
        pin = body.get("pin")
        signatures, cert = self.state.backend.sign(
            certificate_id, digests, algorithm, str(pin) if pin else None
        )
        described = cert.describe()
        result: dict[str, Any] = {
            "algorithm": algorithm,
            "certificate_id": cert.id,
            "certificate_chain": [described["pem"]],
            "signatures": [b64(s) for s in signatures],
        }
        if "digests" not in body:
            result["signature"] = result["signatures"][0]
        return result


def make_server(
    backend: Pkcs11Backend,
    *,
    port: int,
    allowed_origins: list[str],
    pairing_code: str | None = None,
    host: str = "127.0.0.1",
) -> tuple[ThreadingHTTPServer, AgentState]:
    state = AgentState(backend, allowed_origins, pairing_code)
    handler = type("BoundHandler", (Handler,), {"state": state})
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    return server, state


def serve_in_thread(server: ThreadingHTTPServer) -> threading.Thread:
    thread = threading.Thread(target=server.serve_forever, name="chinhquyen-agent", daemon=True)
    thread.start()
    return thread
