"""TLS: the client always verifies the server's certificate. Against a server whose
certificate comes from a province's own CA, it refuses by default and accepts once the CA
bundle is configured (`motcua enroll URL CODE --ca-bundle FILE`); a certificate for another
host is refused even with the CA."""

from __future__ import annotations

import datetime as dt
import ipaddress
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from desktop.register.service import Register
from desktop.register.syncstore import RegisterSyncStore
from sync.client import HttpTransport, RetryPolicy, SyncEngine, SyncError, enroll
from sync.credentials import CredentialStore
from tests.conftest import FixedClock, motcua_command
from tests.support.server_fixtures import free_port
from tests.sync.test_sync_client_support import (  # noqa: F401 (fixtures)
    add_dossiers,
    cli_env_with_keyring,
    credentials,
    keyring_backend,
    make_register,
    register_uids,
)


def _name(text: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, text),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Sở TT&TT (thử nghiệm)")])


def make_pki(folder: Path, hosts: list[str]) -> tuple[Path, Path, Path]:
    """A self-signed CA and a server certificate it signed for `hosts`; returns the paths
    of (ca.pem, server.pem, server.key)."""
    now = dt.datetime.now(dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = (x509.CertificateBuilder().subject_name(_name("motcua test CA"))
          .issuer_name(_name("motcua test CA")).public_key(ca_key.public_key())
          .serial_number(x509.random_serial_number())
          .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=30))
          .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
          .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True,
                                       content_commitment=False, key_encipherment=False,
                                       data_encipherment=False, key_agreement=False,
                                       encipher_only=False, decipher_only=False), critical=True)
          .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()),
                         critical=False)
          .sign(ca_key, hashes.SHA256()))
    key = ec.generate_private_key(ec.SECP256R1())
    names: list[x509.GeneralName] = []
    for host in hosts:
        try:
            names.append(x509.IPAddress(ipaddress.ip_address(host)))
        except ValueError:
            names.append(x509.DNSName(host))
    cert = (x509.CertificateBuilder().subject_name(_name(hosts[0]))
            .issuer_name(ca.subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=30))
            .add_extension(x509.SubjectAlternativeName(names), critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]),
                           critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
                           critical=False)
            .sign(ca_key, hashes.SHA256()))
    folder.mkdir(parents=True, exist_ok=True)
    ca_pem, cert_pem, key_pem = folder / "ca.pem", folder / "server.pem", folder / "server.key"
    ca_pem.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    cert_pem.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_pem.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                          serialization.PrivateFormat.PKCS8,
                                          serialization.NoEncryption()))
    return ca_pem, cert_pem, key_pem


# The reference server's app on uvicorn with TLS (--ssl-certfile/--ssl-keyfile).
_SERVE = """
import sys, uvicorn
from sync.server.app import create_app
from sync.server.db import make_engine, migrate
from sync.server.store import ServerStore
engine = make_engine(sys.argv[1]); migrate(engine)
uvicorn.run(create_app(ServerStore(engine)), host="127.0.0.1", port=int(sys.argv[2]),
            ssl_certfile=sys.argv[3], ssl_keyfile=sys.argv[4], log_level="warning")
"""

# ruff: noqa: F811  (fixtures imported from other modules are test arguments)


class TlsServer:
    def __init__(self, folder: Path, hosts: list[str]):
        self.ca, cert, key = make_pki(folder / "pki", hosts)
        self.db_url = f"sqlite:///{folder / 'server.sqlite3'}"
        self.port = free_port()
        self.url = f"https://127.0.0.1:{self.port}"
        self.log = open(folder / "server.log", "ab")  # noqa: SIM115 (closed by stop())
        self.proc = subprocess.Popen([sys.executable, "-c", _SERVE, self.db_url, str(self.port),
                                      str(cert), str(key)], stdout=self.log,
                                     stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while True:
            try:
                requests.get(self.url + "/api/v1/status", verify=str(self.ca), timeout=1)
                break
            except requests.exceptions.SSLError:
                break  # listening (a wrong-host certificate fails here, as it should)
            except requests.RequestException:
                assert self.proc.poll() is None, (folder / "server.log").read_text()
                assert time.monotonic() < deadline, "the TLS server did not start"
                time.sleep(0.05)
        from sync.server.db import make_engine
        from sync.server.store import ServerStore

        self.admin = ServerStore(make_engine(self.db_url))
        self.office = self.admin.add_office(1, 70, "000.00.01.H29").office_id

    def code(self) -> str:
        return self.admin.make_enroll_code(self.office)[0]

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(15)
        self.log.close()


@pytest.fixture(scope="module")
def tls_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TlsServer]:
    server = TlsServer(tmp_path_factory.mktemp("tls"), ["127.0.0.1", "localhost"])
    yield server
    server.stop()


def test_the_client_refuses_a_certificate_from_an_unknown_ca_by_default_and_accepts_it_with_the_bundle(
        tls_server: TlsServer, home: Path, clock: FixedClock,
        credentials: CredentialStore) -> None:
    with make_register(home / "a.sqlite3", clock, set_up=False) as reg:
        store = RegisterSyncStore(reg)
        plain = HttpTransport(tls_server.url)
        with pytest.raises(SyncError) as refused:
            enroll(store, plain, credentials, tls_server.code())
        plain.close()
        assert refused.value.code == "tls" and not refused.value.transient
        assert "chứng chỉ" in refused.value.message_vi
        assert store.get_state("server_url") is None and not reg.is_set_up()

        trusted = HttpTransport(tls_server.url, ca_bundle=str(tls_server.ca))
        enroll(store, trusted, credentials, tls_server.code(), ca_bundle=str(tls_server.ca))
        trusted.close()
        assert store.get_state("ca_bundle") == str(tls_server.ca)
        add_dossiers(reg, clock, 3)
        policy = RetryPolicy(attempts=2, base_s=0.01)
        with_ca = HttpTransport(tls_server.url, ca_bundle=store.get_state("ca_bundle"))
        result = SyncEngine(store, with_ca, credentials, policy=policy).run_once()
        with_ca.close()
        assert result.ok and result.pushed == len(register_uids(reg.path))
        # The same enrolled register without the bundle: refused at the first stage.
        without = HttpTransport(tls_server.url)
        refused_sync = SyncEngine(store, without, credentials, policy=policy,
                                  sleep=lambda s: None).run_once()
        without.close()
        assert not refused_sync.ok and refused_sync.error is not None
        assert refused_sync.error.code == "tls" and refused_sync.retries == 0


def test_motcua_enroll_with_ca_bundle_keeps_it_for_motcua_sync(
        tls_server: TlsServer, tmp_path: Path, clock: FixedClock) -> None:
    home, xdg = tmp_path / "pc", tmp_path / "xdg"
    env = cli_env_with_keyring(home, xdg)

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*motcua_command(), *args], env=env, capture_output=True,
                              text=True, encoding="utf-8", timeout=120, check=False)

    refused = cli("enroll", tls_server.url, tls_server.code())
    assert refused.returncode == 3 and "chứng chỉ bảo mật (TLS)" in refused.stderr
    ok = cli("enroll", tls_server.url, tls_server.code(), "--ca-bundle", str(tls_server.ca))
    assert ok.returncode == 0, ok.stderr
    with Register.open(home / "register.sqlite3", clock=clock, auto_backup=False) as reg:
        add_dossiers(reg, clock, 2)
    synced = cli("sync")
    assert synced.returncode == 0, synced.stderr


def test_a_certificate_for_another_host_is_refused_even_with_the_ca(
        tmp_path: Path, home: Path, clock: FixedClock, credentials: CredentialStore) -> None:
    server = TlsServer(tmp_path / "other", ["province.example"])
    try:
        with make_register(home / "b.sqlite3", clock, set_up=False) as reg:
            transport = HttpTransport(server.url, ca_bundle=str(server.ca))
            with pytest.raises(SyncError) as refused:
                enroll(RegisterSyncStore(reg), transport, credentials, server.code())
            transport.close()
            assert refused.value.code == "tls"
    finally:
        server.stop()
