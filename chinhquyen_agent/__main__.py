"""``python -m chinhquyen_agent --pkcs11-module PATH --port N [--allowed-origin URL]``."""

from __future__ import annotations

import argparse
import logging
import sys

from .server import make_server
from .token import Pkcs11Backend


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m chinhquyen_agent",
        description="Phần mềm ký số Chính Quyền: ký bằng USB token (PKCS#11) từ trình duyệt.",
    )
    parser.add_argument("--pkcs11-module", required=True, help="thư viện PKCS#11 của thiết bị ký")
    parser.add_argument("--port", type=int, default=8765, help="cổng trên 127.0.0.1 (8765)")
    parser.add_argument(
        "--allowed-origin",
        action="append",
        default=[],
        help="địa chỉ trang web được dùng thiết bị ký (nhắc lại nếu nhiều); mặc định "
        "http://127.0.0.1:8000 và http://localhost:8000",
    )
    parser.add_argument("--token-label", default=None, help="chỉ dùng thiết bị có nhãn này")
    parser.add_argument("--pairing-code", default=None, help="mã ghép nối cố định (thử nghiệm)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    origins = args.allowed_origin or ["http://127.0.0.1:8000", "http://localhost:8000"]
    server, state = make_server(
        Pkcs11Backend(args.pkcs11_module, args.token_label),
        port=args.port,
        allowed_origins=origins,
        pairing_code=args.pairing_code,
    )
    host, port = str(server.server_address[0]), int(server.server_address[1])
    print(f"Phần mềm ký số đang chạy tại http://{host}:{port}", flush=True)
    print(f"Trang web được phép: {', '.join(state.allowed_origins)}", flush=True)
    print(f"MÃ GHÉP NỐI: {state.pairing_code}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
