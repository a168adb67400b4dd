"""HTTP Signatures as Mastodon sends them: what verifies and every way a request can fail to."""

from __future__ import annotations

import datetime

import pytest

from federation import httpsig

URL = "https://news.example/ap/inbox"
BODY = b'{"type":"Follow"}'


@pytest.fixture(scope="module")
def keys():
    return httpsig.key_pair_generate(), httpsig.key_pair_generate()


def _incoming(headers: dict[str, str]) -> dict[str, str]:
    return {name.lower(): value for name, value in headers.items()}


def _verify(headers, body=BODY, public=None, keys=None, target="/ap/inbox", now=None):
    params = httpsig.signature_parse(headers["signature"])
    httpsig.request_verify(method="POST", target=target, headers=headers, body=body, params=params,
                           public_key_pem=public or keys[0][1], now=now)


def test_a_signed_request_verifies(keys):
    headers = _incoming(httpsig.request_sign(method="POST", url=URL, body=BODY, key_id="k", private_key_pem=keys[0][0]))
    assert headers["host"] == "news.example"
    assert 'headers="(request-target) host date digest"' in headers["signature"]
    _verify(headers, keys=keys)


def test_it_refuses_a_tampered_body(keys):
    headers = _incoming(httpsig.request_sign(method="POST", url=URL, body=BODY, key_id="k", private_key_pem=keys[0][0]))
    with pytest.raises(httpsig.SignatureError, match="does not match its Digest"):
        _verify(headers, body=b'{"type":"Delete"}', keys=keys)


def test_it_refuses_a_digest_rewritten_to_fit_a_tampered_body(keys):
    headers = _incoming(httpsig.request_sign(method="POST", url=URL, body=BODY, key_id="k", private_key_pem=keys[0][0]))
    headers["digest"] = httpsig.digest_header(b"{}")
    with pytest.raises(httpsig.SignatureError, match="does not verify"):
        _verify(headers, body=b"{}", keys=keys)


def test_it_refuses_the_wrong_key(keys):
    headers = _incoming(httpsig.request_sign(method="POST", url=URL, body=BODY, key_id="k", private_key_pem=keys[1][0]))
    with pytest.raises(httpsig.SignatureError, match="does not verify"):
        _verify(headers, keys=keys)


def test_it_refuses_another_target(keys):
    headers = _incoming(httpsig.request_sign(method="POST", url=URL, body=BODY, key_id="k", private_key_pem=keys[0][0]))
    with pytest.raises(httpsig.SignatureError, match="does not verify"):
        _verify(headers, keys=keys, target="/ap/actors/ada/inbox")


@pytest.mark.parametrize("header", ["date", "digest", "host"])
def test_it_refuses_a_signature_missing_a_required_header(keys, header):
    headers = _incoming(httpsig.request_sign(method="POST", url=URL, body=BODY, key_id="k", private_key_pem=keys[0][0]))
    names = [n for n in ["(request-target)", "host", "date", "digest"] if n != header]
    headers["signature"] = headers["signature"].replace("(request-target) host date digest", " ".join(names))
    with pytest.raises(httpsig.SignatureError, match=f"does not cover {header}"):
        _verify(headers, keys=keys)


def test_it_refuses_a_signed_header_that_was_not_sent(keys):
    headers = _incoming(httpsig.request_sign(method="POST", url=URL, body=BODY, key_id="k", private_key_pem=keys[0][0]))
    del headers["date"]
    with pytest.raises(httpsig.SignatureError):
        _verify(headers, keys=keys)


@pytest.mark.parametrize("hours", [13, -13])
def test_it_refuses_a_date_more_than_twelve_hours_off(keys, hours):
    then = datetime.datetime.now(datetime.UTC) - datetime.timedelta(hours=hours)
    headers = _incoming(httpsig.request_sign(method="POST", url=URL, body=BODY, key_id="k",
                                             private_key_pem=keys[0][0], now=then))
    with pytest.raises(httpsig.SignatureError, match="12 hours"):
        _verify(headers, keys=keys)


def test_it_accepts_a_date_eleven_hours_old(keys):
    then = datetime.datetime.now(datetime.UTC) - datetime.timedelta(hours=11)
    headers = _incoming(httpsig.request_sign(method="POST", url=URL, body=BODY, key_id="k",
                                             private_key_pem=keys[0][0], now=then))
    _verify(headers, keys=keys)


@pytest.mark.parametrize("value", ['keyId="k"', "garbage", 'keyId="k",signature="!!notbase64"',
                                   'keyId="k",algorithm="ed25519",signature="AAAA"'])
def test_it_refuses_malformed_signature_headers(value):
    with pytest.raises(httpsig.SignatureError):
        httpsig.signature_parse(value)


def test_it_reads_a_mastodon_style_header_with_spaces_and_hs2019():
    params = httpsig.signature_parse(
        'keyId="https://m.example/users/a#main-key", algorithm="hs2019", '
        'headers="(request-target) host date digest content-type", signature="AAAA"')
    assert params.key_id == "https://m.example/users/a#main-key"
    assert params.headers[-1] == "content-type"
