"""Field encryption and keyed look-up hashes behind one small interface.

Two suites: "aes" (AES-256-GCM, HMAC-SHA256) and "sm" (SM4-GCM, HMAC-SM3, for GB/T 39786 commercial
cryptography; needs an OpenSSL build that offers SM4 and SM3, checked at start-up). A stored value reads
`<suite letter><key version>:<base64url(nonce || ciphertext || tag)>`, so old values stay readable after the
suite or the key changes; new values use the current key. The associated data binds each ciphertext to its
field, so a value cannot be moved from one column to another. A hardware security module can replace
`FieldCrypto` later through the same three methods.
"""

from __future__ import annotations

import base64
import functools
import os
from dataclasses import dataclass
from typing import Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.backends import default_backend
from cryptography.hazmat.primitives import hashes, hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.core.exceptions import ImproperlyConfigured

NONCE_BYTES = 12
TAG_BYTES = 16
# A blind index keeps the first 128 bits of the HMAC (NIST SP 800-107 allows truncation): a chance collision
# among all 1.4 billion residents is about 1 in 10^20, and an index entry of 32 hex digits instead of 64
# keeps the look-up indexes of a province-sized registry half as large (benchmarks/registry.py).
INDEX_BYTES = 16


class CryptoProvider(Protocol):
    name: str

    def encrypt(self, plaintext: str, *, context: str) -> str: ...

    def decrypt(self, token: str, *, context: str) -> str: ...

    def blind_index(self, value: str, *, context: str) -> str: ...


class DecryptionError(Exception):
    pass


def sm_available() -> bool:
    backend = default_backend()
    return backend.cipher_supported(
        algorithms.SM4(bytes(16)), modes.GCM(bytes(NONCE_BYTES))
    ) and backend.hash_supported(hashes.SM3())


@functools.lru_cache(maxsize=16)
def _aes_gcm(key: bytes) -> AESGCM:
    """Keys are few (one per version) and setting one up costs more than sealing an ID number."""
    return AESGCM(key)


def aes_gcm_encrypt(key: bytes, nonce: bytes, plaintext: bytes, aad: bytes) -> bytes:
    return _aes_gcm(key).encrypt(nonce, plaintext, aad)


def aes_gcm_decrypt(key: bytes, nonce: bytes, data: bytes, aad: bytes) -> bytes:
    return _aes_gcm(key).decrypt(nonce, data, aad)


def sm4_gcm_encrypt(key: bytes, nonce: bytes, plaintext: bytes, aad: bytes) -> bytes:
    encryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce)).encryptor()
    encryptor.authenticate_additional_data(aad)
    return encryptor.update(plaintext) + encryptor.finalize() + encryptor.tag


def sm4_gcm_decrypt(key: bytes, nonce: bytes, data: bytes, aad: bytes) -> bytes:
    body, tag = data[:-TAG_BYTES], data[-TAG_BYTES:]
    decryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce, tag)).decryptor()
    decryptor.authenticate_additional_data(aad)
    return decryptor.update(body) + decryptor.finalize()


@dataclass(frozen=True)
class Suite:
    letter: str
    key_bytes: int
    digest: type[hashes.HashAlgorithm]

    def derive(self, material: bytes) -> bytes:
        info = b"openpes-field-" + self.letter.encode()
        return HKDF(algorithm=hashes.SHA256(), length=self.key_bytes, salt=None, info=info).derive(material)

    def seal(self, key: bytes, nonce: bytes, plaintext: bytes, aad: bytes) -> bytes:
        return (aes_gcm_encrypt if self.letter == "a" else sm4_gcm_encrypt)(key, nonce, plaintext, aad)

    def open(self, key: bytes, nonce: bytes, data: bytes, aad: bytes) -> bytes:
        return (aes_gcm_decrypt if self.letter == "a" else sm4_gcm_decrypt)(key, nonce, data, aad)


SUITES = {"aes": Suite("a", 32, hashes.SHA256), "sm": Suite("s", 16, hashes.SM3)}
SUITE_BY_LETTER = {suite.letter: suite for suite in SUITES.values()}


def parse_keys(spec: str) -> dict[int, bytes]:
    """`1:<64 hex>,2:<64 hex>` → {1: key, 2: key}; the highest version encrypts, all of them decrypt."""
    keys: dict[int, bytes] = {}
    for item in spec.split(","):
        version, _, hex_key = item.strip().partition(":")
        try:
            material = bytes.fromhex(hex_key)
            keys[int(version)] = material
        except ValueError as exc:
            raise ImproperlyConfigured("OPENPES_FIELD_KEYS must read like 1:<64 hex digits>,2:<…>") from exc
        if len(material) != 32:
            raise ImproperlyConfigured("each OPENPES_FIELD_KEYS key must have 32 bytes (64 hex digits)")
    if not keys:
        raise ImproperlyConfigured("OPENPES_FIELD_KEYS is empty")
    return keys


class FieldCrypto:
    def __init__(self, *, suite: str, field_keys: str, index_key: str) -> None:
        if suite not in SUITES:
            raise ImproperlyConfigured("OPENPES_CRYPTO must be 'aes' or 'sm'")
        if suite == "sm" and not sm_available():
            raise ImproperlyConfigured(
                "OPENPES_CRYPTO=sm needs SM4-GCM and SM3, which this OpenSSL build does not offer; "
                "use OPENPES_CRYPTO=aes or an OpenSSL with the SM algorithms enabled"
            )
        self.name = suite
        self.suite = SUITES[suite]
        self.materials = parse_keys(field_keys)
        self.current_version = max(self.materials)
        try:
            self.index_key = bytes.fromhex(index_key)
        except ValueError as exc:
            raise ImproperlyConfigured("OPENPES_INDEX_KEY must be hex") from exc
        if len(self.index_key) < 32:
            raise ImproperlyConfigured("OPENPES_INDEX_KEY must have at least 32 bytes (64 hex digits)")

    @functools.cache  # noqa: B019 - one provider per process, keys are few
    def _key(self, letter: str, version: int) -> bytes:
        return SUITE_BY_LETTER[letter].derive(self.materials[version])

    def encrypt(self, plaintext: str, *, context: str) -> str:
        nonce = os.urandom(NONCE_BYTES)
        key = self._key(self.suite.letter, self.current_version)
        sealed = self.suite.seal(key, nonce, plaintext.encode(), context.encode())
        body = base64.urlsafe_b64encode(nonce + sealed).decode().rstrip("=")
        return f"{self.suite.letter}{self.current_version}:{body}"

    def decrypt(self, token: str, *, context: str) -> str:
        head, _, body = token.partition(":")
        letter, version = head[:1], head[1:]
        if letter not in SUITE_BY_LETTER or not version.isdigit() or int(version) not in self.materials:
            raise DecryptionError("unknown suite or key version")
        try:
            raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
            plain = SUITE_BY_LETTER[letter].open(
                self._key(letter, int(version)), raw[:NONCE_BYTES], raw[NONCE_BYTES:], context.encode()
            )
        except (InvalidTag, ValueError) as exc:  # ValueError: truncated or malformed (binascii.Error too)
            raise DecryptionError("ciphertext does not authenticate") from exc
        return plain.decode()

    def blind_index(self, value: str, *, context: str) -> str:
        mac = self._index_mac.copy()  # the keyed state is computed once; a copy per value is cheaper
        mac.update(context.encode() + b"\x00" + value.encode())
        return mac.finalize()[:INDEX_BYTES].hex()

    @functools.cached_property
    def _index_mac(self) -> hmac.HMAC:
        return hmac.HMAC(self.index_key, self.suite.digest())


@functools.cache
def provider() -> FieldCrypto:
    from django.conf import settings

    return FieldCrypto(
        suite=settings.CRYPTO_SUITE, field_keys=settings.FIELD_KEYS, index_key=settings.INDEX_KEY
    )


def encrypt_file(content: bytes, *, context: str) -> str:
    """An uploaded file kept until it is imported (it holds personal data): base64, then the field cipher."""
    return provider().encrypt(base64.b64encode(content).decode("ascii"), context=context)


def decrypt_file(token: str, *, context: str) -> bytes:
    return base64.b64decode(provider().decrypt(token, context=context))
