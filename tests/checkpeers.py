"""Real peers for synthetic checks, on loopback: an HTTP server whose answer a test sets,
a TLS server with a certificate a test makes, and a DNS server with fixed records."""

from __future__ import annotations

import socket
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import dns.message
import dns.rcode
import dns.rdatatype
import dns.rrset
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from watchkeeper.settings import Settings


@dataclass
class Answer:
    status: int = 200
    body: bytes = b"all good"
    content_type: str = "text/plain"
    location: str | None = None


@dataclass
class WebPeer:
    url: str
    answer: Answer = field(default_factory=Answer)
    hits: int = 0

    def answers(self, status: int, body: str = "", content_type: str = "text/plain") -> None:
        self.answer = Answer(status, body.encode(), content_type)


@contextmanager
def web_peer() -> Iterator[WebPeer]:
    peer = WebPeer(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            peer.hits += 1
            answer = peer.answer
            self.send_response(answer.status)
            self.send_header("content-type", answer.content_type)
            self.send_header("content-length", str(len(answer.body)))
            if answer.location:
                self.send_header("location", answer.location)
            self.end_headers()
            self.wfile.write(answer.body)

        do_POST = do_GET

        def log_message(self, format: str, *args: object) -> None:
            """Quiet."""

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    peer.url = f"http://127.0.0.1:{server.server_address[1]}/health"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield peer
    finally:
        server.shutdown()
        server.server_close()


def certificate(
    tmp: Path, *, name: str, not_after: datetime, not_before: datetime
) -> tuple[Path, Path, str]:
    """A self-signed certificate for `name` (its own CA): cert file, key file, PEM text."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    pem = cert.public_bytes(serialization.Encoding.PEM)
    cert_file, key_file = tmp / f"{name}.crt", tmp / f"{name}.key"
    cert_file.write_bytes(pem)
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_file, key_file, pem.decode()


@contextmanager
def tls_peer(cert_file: Path, key_file: Path) -> Iterator[int]:
    """A TLS server on loopback that completes handshakes and closes; yields its port."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.2)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            try:
                with context.wrap_socket(conn, server_side=True) as tls:
                    tls.settimeout(2)
                    tls.recv(1)
            except (OSError, ssl.SSLError):
                pass

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield int(listener.getsockname()[1])
    finally:
        stop.set()
        thread.join(2)
        listener.close()


@contextmanager
def dns_peer(records: dict[tuple[str, str], list[str]]) -> Iterator[int]:
    """A UDP DNS server on loopback answering `records[(name, type)]`; yields its port."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    sock.settimeout(0.2)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                data, peer = sock.recvfrom(4096)
            except TimeoutError:
                continue
            query = dns.message.from_wire(data)
            response = dns.message.make_response(query)
            question = query.question[0]
            key = (question.name.to_text().rstrip("."), dns.rdatatype.to_text(question.rdtype))
            if key in records:
                response.answer.append(
                    dns.rrset.from_text_list(question.name, 60, "IN", key[1], records[key])
                )
            else:
                response.set_rcode(dns.rcode.NXDOMAIN)
            sock.sendto(response.to_wire(), peer)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield int(sock.getsockname()[1])
    finally:
        stop.set()
        thread.join(2)
        sock.close()


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def loopback_settings(data_dir: Path, database_url: str) -> Settings:
    """Test settings in which the admin lets checks reach loopback, where the peers are."""
    return Settings(
        _env_file=None,
        data_dir=data_dir,
        database_url=database_url,
        secret_key="test-secret-key",
        log_level="WARNING",
        checks_allow_cidrs="127.0.0.0/8",
    )
