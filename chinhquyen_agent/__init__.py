"""The reference signing agent of Chính Quyền: a small local HTTP service through which the web
application, from the official's browser, lists the certificates on his USB token (any
PKCS#11 module) and has the token sign digests. Protocol: ``docs/signing-agent.md``.

Run: ``python -m chinhquyen_agent --pkcs11-module /usr/lib/softhsm/libsofthsm2.so --port 8765
--allowed-origin https://dichvucong.example.gov.vn``.
"""

__version__ = "1.0"
PROTOCOL_VERSION = 1
