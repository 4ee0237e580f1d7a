"""Field encryption (SECURITY.md #16): known-answer vectors for the primitives, then the FieldCrypto
properties the registry depends on: round trip, binding to the column, tamper detection, key rotation,
deterministic blind indexes and clear errors for bad key configuration."""

from __future__ import annotations

import base64
import hashlib
import hmac as std_hmac

import pytest
from cryptography.hazmat.primitives import hashes, hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.core.exceptions import ImproperlyConfigured
from hypothesis import given, settings
from hypothesis import strategies as st

from openpes.core.crypto import (
    DecryptionError,
    FieldCrypto,
    aes_gcm_decrypt,
    aes_gcm_encrypt,
    parse_keys,
    sm4_gcm_decrypt,
    sm4_gcm_encrypt,
    sm_available,
)

KEY1 = "11" * 32
KEY2 = "22" * 32
INDEX_KEY = "33" * 32
SUITES = ["aes", "sm"]

needs_sm = pytest.mark.skipif(not sm_available(), reason="this OpenSSL build offers no SM4-GCM/SM3")


def crypto(suite: str = "aes", keys: str = f"1:{KEY1}", index_key: str = INDEX_KEY) -> FieldCrypto:
    return FieldCrypto(suite=suite, field_keys=keys, index_key=index_key)


# --- known-answer vectors ---------------------------------------------------------------------------------

# The GCM specification (McGrew & Viega), test cases 14 and 16: AES-256, 96-bit IV.
GCM_CASES = [
    pytest.param(
        "00" * 32,
        "000000000000000000000000",
        "00000000000000000000000000000000",
        "",
        "cea7403d4d606b6e074ec5d3baf39d18",
        "d0d1c8a799996bf0265b98b5d48ab919",
        id="gcm-test-case-14",
    ),
    pytest.param(
        "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308",
        "cafebabefacedbaddecaf888",
        "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
        "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39",
        "feedfacedeadbeeffeedfacedeadbeefabaddad2",
        "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
        "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662",
        "76fc6ece0f4e1768cddf8853bb2d551b",
        id="gcm-test-case-16",
    ),
]


@pytest.mark.parametrize(("key", "iv", "plaintext", "aad", "ciphertext", "tag"), GCM_CASES)
def test_aes_256_gcm_matches_published_vectors(key, iv, plaintext, aad, ciphertext, tag) -> None:
    sealed = aes_gcm_encrypt(
        bytes.fromhex(key), bytes.fromhex(iv), bytes.fromhex(plaintext), bytes.fromhex(aad)
    )
    assert sealed.hex() == ciphertext + tag
    opened = aes_gcm_decrypt(bytes.fromhex(key), bytes.fromhex(iv), sealed, bytes.fromhex(aad))
    assert opened.hex() == plaintext


@needs_sm
def test_sm4_block_cipher_matches_gbt_32907_example() -> None:
    key = bytes.fromhex("0123456789abcdeffedcba9876543210")
    encryptor = Cipher(algorithms.SM4(key), modes.ECB()).encryptor()  # noqa: S305 - a single-block KAT
    assert (encryptor.update(key) + encryptor.finalize()).hex() == "681edf34d206965e86b3e94f536e4246"


# RFC 8998 appendix A.1: SM4-GCM.
RFC8998_KEY = "0123456789abcdeffedcba9876543210"
RFC8998_IV = "00001234567800000000abcd"
RFC8998_AAD = "feedfacedeadbeeffeedfacedeadbeefabaddad2"
RFC8998_PLAIN = (
    "aaaaaaaaaaaaaaaabbbbbbbbbbbbbbbbccccccccccccccccdddddddddddddddd"
    "eeeeeeeeeeeeeeeeffffffffffffffffeeeeeeeeeeeeeeeeaaaaaaaaaaaaaaaa"
)
RFC8998_CIPHER = (
    "17f399f08c67d5ee19d0dc9969c4bb7d5fd46fd3756489069157b282bb200735"
    "d82710ca5c22f0ccfa7cbf93d496ac15a56834cbcf98c397b4024a2691233b8d"
)
RFC8998_TAG = "83de3541e4c2b58177e065a9bf7b62ec"


@needs_sm
def test_sm4_gcm_matches_rfc_8998_vector() -> None:
    args = bytes.fromhex(RFC8998_KEY), bytes.fromhex(RFC8998_IV)
    sealed = sm4_gcm_encrypt(*args, bytes.fromhex(RFC8998_PLAIN), bytes.fromhex(RFC8998_AAD))
    assert sealed.hex() == RFC8998_CIPHER + RFC8998_TAG
    assert sm4_gcm_decrypt(*args, sealed, bytes.fromhex(RFC8998_AAD)).hex() == RFC8998_PLAIN


@needs_sm
def test_sm4_gcm_round_trip_and_wrong_aad_is_refused() -> None:
    from cryptography.exceptions import InvalidTag

    key, nonce = bytes(range(16)), bytes(range(12))
    sealed = sm4_gcm_encrypt(key, nonce, "张伟 13812345678".encode(), b"ctx")
    assert sm4_gcm_decrypt(key, nonce, sealed, b"ctx").decode() == "张伟 13812345678"
    with pytest.raises(InvalidTag):
        sm4_gcm_decrypt(key, nonce, sealed, b"other")


@needs_sm
def test_sm3_of_abc_matches_gbt_32905() -> None:
    digest = hashes.Hash(hashes.SM3())
    digest.update(b"abc")
    assert digest.finalize().hex() == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"


@pytest.mark.parametrize(
    ("key", "data", "mac"),
    [
        ("0b" * 20, b"Hi There", "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
        (
            b"Jefe".hex(),
            b"what do ya want for nothing?",
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
        ),
    ],
    ids=["rfc4231-case-1", "rfc4231-case-2"],
)
def test_hmac_sha256_matches_rfc_4231(key: str, data: bytes, mac: str) -> None:
    h = hmac.HMAC(bytes.fromhex(key), hashes.SHA256())
    h.update(data)
    assert h.finalize().hex() == mac


def test_aes_blind_index_is_hmac_sha256_of_context_and_value() -> None:
    expected = std_hmac.new(bytes.fromhex(INDEX_KEY), b"ctx.a\x00430527", hashlib.sha256).hexdigest()[:32]
    assert crypto("aes").blind_index("430527", context="ctx.a") == expected


@needs_sm
def test_sm_blind_index_is_hmac_sm3_of_context_and_value() -> None:
    if "sm3" not in hashlib.algorithms_available:
        pytest.skip("hashlib has no SM3 to compare with")
    expected = std_hmac.new(bytes.fromhex(INDEX_KEY), b"ctx.a\x00430527", "sm3").hexdigest()[:32]
    assert crypto("sm").blind_index("430527", context="ctx.a") == expected


# --- FieldCrypto ------------------------------------------------------------------------------------------


@pytest.fixture(params=SUITES)
def suite(request: pytest.FixtureRequest) -> str:
    if request.param == "sm" and not sm_available():
        pytest.skip("this OpenSSL build offers no SM4-GCM/SM3")
    return request.param


@settings(max_examples=40, deadline=None)
@given(st.text(max_size=200), st.sampled_from(SUITES))
def test_round_trip_of_any_text_in_both_suites(plain: str, suite_name: str) -> None:
    if suite_name == "sm" and not sm_available():
        return
    fc = crypto(suite_name)
    token = fc.encrypt(plain, context="people.person.id_number")
    assert fc.decrypt(token, context="people.person.id_number") == plain


def test_stored_value_names_suite_and_key_version_and_hides_the_plaintext(suite: str) -> None:
    fc = crypto(suite)
    token = fc.encrypt("43052719900517018X", context="c")
    assert token.startswith("a1:" if suite == "aes" else "s1:")
    assert "43052719900517018X" not in token


def test_same_plaintext_encrypts_differently_each_time(suite: str) -> None:
    fc = crypto(suite)
    assert fc.encrypt("13812345678", context="c") != fc.encrypt("13812345678", context="c")


def test_ciphertext_moved_to_another_column_does_not_decrypt(suite: str) -> None:
    fc = crypto(suite)
    token = fc.encrypt("13812345678", context="people.person.phone")
    with pytest.raises(DecryptionError):
        fc.decrypt(token, context="people.person.id_number")


def _flip(token: str, index: int) -> str:
    head, _, body = token.partition(":")
    raw = bytearray(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    raw[index] ^= 0x01
    return head + ":" + base64.urlsafe_b64encode(bytes(raw)).decode().rstrip("=")


@pytest.mark.parametrize("where", [0, 11, 12, -17, -1], ids=["nonce", "nonce-end", "body", "body-end", "tag"])
def test_any_flipped_bit_is_detected(suite: str, where: int) -> None:
    fc = crypto(suite)
    token = fc.encrypt("43052719900517018X", context="c")
    with pytest.raises(DecryptionError):
        fc.decrypt(_flip(token, where), context="c")


@pytest.mark.parametrize(
    "mangle",
    [
        lambda t: t[:-1],
        lambda t: t[:-2],
        lambda t: t[:10],
        lambda t: t.partition(":")[0] + ":",
        lambda t: t + "A",
        lambda t: "z1:" + t[3:],
        lambda t: "a9:" + t[3:],
        lambda t: "garbage",
        lambda t: "",
    ],
    ids=[
        "cut-1",
        "cut-2",
        "cut-short",
        "empty-body",
        "extra-char",
        "bad-suite",
        "unknown-version",
        "garbage",
        "empty",
    ],
)
def test_malformed_or_truncated_values_raise_decryption_error(suite: str, mangle) -> None:
    fc = crypto(suite)
    token = fc.encrypt("43052719900517018X", context="c")
    with pytest.raises(DecryptionError):
        fc.decrypt(mangle(token), context="c")


def test_value_encrypted_under_another_key_does_not_decrypt(suite: str) -> None:
    token = crypto(suite, keys=f"1:{KEY1}").encrypt("x", context="c")
    with pytest.raises(DecryptionError):
        crypto(suite, keys=f"1:{KEY2}").decrypt(token, context="c")


def test_key_rotation_keeps_old_values_readable_and_writes_with_the_newest_key(suite: str) -> None:
    old = crypto(suite, keys=f"1:{KEY1}")
    old_token = old.encrypt("13812345678", context="c")
    rotated = crypto(suite, keys=f"2:{KEY2},1:{KEY1}")
    assert rotated.current_version == 2
    assert rotated.decrypt(old_token, context="c") == "13812345678"
    new_token = rotated.encrypt("13812345678", context="c")
    assert new_token[1:].startswith("2:")
    # the old key alone cannot read what the new key wrote; dropping the old key loses the old values
    with pytest.raises(DecryptionError):
        old.decrypt(new_token, context="c")
    with pytest.raises(DecryptionError):
        crypto(suite, keys=f"2:{KEY2}").decrypt(old_token, context="c")


@needs_sm
def test_values_written_by_one_suite_stay_readable_after_switching_suite() -> None:
    aes_token = crypto("aes").encrypt("43052719900517018X", context="c")
    sm_token = crypto("sm").encrypt("43052719900517018X", context="c")
    assert crypto("sm").decrypt(aes_token, context="c") == "43052719900517018X"
    assert crypto("aes").decrypt(sm_token, context="c") == "43052719900517018X"


def test_blind_index_is_deterministic_per_context_and_differs_across_contexts(suite: str) -> None:
    fc = crypto(suite)
    a = fc.blind_index("43052719900517018X", context="people.person.id_number")
    assert a == crypto(suite).blind_index("43052719900517018X", context="people.person.id_number")
    assert a != fc.blind_index("43052719900517018X", context="people.person.phone")
    assert a != fc.blind_index("43052719900517019X", context="people.person.id_number")
    assert a != crypto(suite, index_key="44" * 32).blind_index(
        "43052719900517018X", context="people.person.id_number"
    )
    assert "43052719900517018X" not in a


def test_blind_index_does_not_depend_on_field_key_version(suite: str) -> None:
    # Rotating the field keys must not break look-ups of existing rows.
    one = crypto(suite, keys=f"1:{KEY1}").blind_index("v", context="c")
    assert one == crypto(suite, keys=f"2:{KEY2},1:{KEY1}").blind_index("v", context="c")


@pytest.mark.parametrize(
    "spec",
    ["", "1", "1:", "1:zz" + "00" * 31, "1:" + "ab" * 16, "1:" + "ab" * 33, "x:" + KEY1, f"1:{KEY1},2"],
)
def test_bad_field_key_specs_are_refused(spec: str) -> None:
    with pytest.raises(ImproperlyConfigured):
        parse_keys(spec)
    with pytest.raises(ImproperlyConfigured):
        crypto(keys=spec)


def test_field_key_spec_parses_versions() -> None:
    assert parse_keys(f"1:{KEY1}, 3:{KEY2}") == {1: bytes.fromhex(KEY1), 3: bytes.fromhex(KEY2)}


@pytest.mark.parametrize("index_key", ["", "nothex" * 11, "ab" * 31])
def test_bad_index_keys_are_refused(index_key: str) -> None:
    with pytest.raises(ImproperlyConfigured):
        crypto(index_key=index_key)


def test_unknown_suite_is_refused() -> None:
    with pytest.raises(ImproperlyConfigured):
        FieldCrypto(suite="des", field_keys=f"1:{KEY1}", index_key=INDEX_KEY)


def test_sm_suite_without_openssl_support_is_refused_with_a_clear_message(monkeypatch) -> None:
    monkeypatch.setattr("openpes.core.crypto.sm_available", lambda: False)
    with pytest.raises(ImproperlyConfigured, match="OPENPES_CRYPTO=aes"):
        crypto("sm")
