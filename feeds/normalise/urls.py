"""Canonical URLs: the same article reached by different links gets one URL, and one id."""

import contextlib
import re
from urllib.parse import quote, unquote_plus, urljoin, urlparse, urlsplit, urlunparse, urlunsplit

# Parameters that say how a reader arrived, never which article it is.
TRACKING_PARAMETERS = re.compile(
    r"^(utm_[a-z_]+|fbclid|gclid|gclsrc|dclid|msclkid|mc_cid|mc_eid|yclid|igshid|_ga|_gl|"
    r"wt_mc|wt_zmc|ocid|cmpid|_hsenc|_hsmi|mkt_tok|oly_enc_id|oly_anon_id|vero_id|rb_clickid|"
    r"s_cid|spm|share|amp_js_v|__twitter_impression)$",
    re.IGNORECASE,
)
DEFAULT_PORTS = {"http": 80, "https": 443}
# Never part of a URL; lone surrogates and U+FFFE/U+FFFF (a JSON Feed can carry them) cannot
# even be encoded, nor written to XML.
CONTROL_CHARACTERS = re.compile("[\x00-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
UNENCODABLE = re.compile("[\ud800-\udfff]")
URI_SAFE = "/%:@!$&'()*+,;=-._~?"
PERCENT_ESCAPE = re.compile(r"%[0-9a-f][0-9a-fA-F]|%[0-9A-F][a-f]")


def absolute_url(url: str | None, base: str | None) -> str | None:
    """Resolve `url` against `base`; None for empty or non-web URLs (javascript:, data:)."""
    if not url or not url.strip():
        return None
    try:
        joined = join(base or "", CONTROL_CHARACTERS.sub("", url.strip()))
        parts = urlsplit(joined)
        parts.port  # noqa: B018 (raises for a port out of range)
    except ValueError:  # "https://[", a bad IPv6 literal or port: no URL anyone can fetch
        return None
    if parts.scheme not in ("http", "https"):
        return None
    return joined


def join(base: str, url: str) -> str:
    """urljoin(base, url), without its work for the common case of a link that is already
    absolute: urljoin then returns it as it is (another scheme than the base's) or rebuilt
    from its parts (the same scheme). tests/test_normalise.py checks the two agree."""
    if url[:8].lower().startswith(("https://", "http://")):
        parsed = urlparse(url)
        if parsed.netloc:
            return url if parsed.scheme != urlsplit(base).scheme else urlunparse(parsed)
    return urljoin(base, url)


def canonical_url(url: str) -> str:
    """Lower-case scheme and host, no default port, no fragment, no tracking parameters.

    The remaining query parameters keep their order: some sites route on it.
    """
    try:
        parts = urlsplit(url.strip())
        parts.port  # noqa: B018 (raises for a port out of range)
    except ValueError:
        return url.strip()  # not a URL we can take apart; still one stable spelling of it
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if not host.isascii():
        with contextlib.suppress(UnicodeError):
            host = host.encode("idna").decode("ascii")
    netloc = f"[{host}]" if ":" in host else host  # an IPv6 literal keeps its brackets
    if parts.port and parts.port != DEFAULT_PORTS.get(scheme):
        netloc = f"{netloc}:{parts.port}"
    if parts.username:
        netloc = f"{parts.username}@{netloc}"
    # Filter the raw "key=value" pieces rather than re-encoding them: the bytes of the
    # parameters that stay must not change, or the same article would get two ids.
    path = as_ascii(parts.path) or "/"
    return urlunsplit((scheme, netloc, path, as_ascii(without_tracking(parts.query)), ""))


def as_ascii(text: str) -> str:
    """Percent-encode what a URI may not hold (non-ASCII, spaces) and upper-case escapes, so
    ids are valid URIs (Atom ids must be) and equal URLs are spelt one way."""
    quoted = quote(UNENCODABLE.sub("", text), safe=URI_SAFE)
    return PERCENT_ESCAPE.sub(lambda match: match.group(0).upper(), quoted)


def strip_tracking(url: str) -> str:
    """Only the tracking parameters go; everything else (fragment, case) stays as written."""
    parts = urlsplit(url)
    if not parts.query:
        return url
    return urlunsplit(parts._replace(query=without_tracking(parts.query)))


def without_tracking(query: str) -> str:
    # Filter the raw "key=value" pieces rather than re-encoding them: the bytes of the
    # parameters that stay must not change, or the same article would get two ids.
    return "&".join(
        piece
        for piece in query.split("&")
        if piece and not TRACKING_PARAMETERS.match(unquote_plus(piece.split("=", 1)[0]))
    )


def is_web_url(value: str | None) -> bool:
    if not value:
        return False
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 (raises for a port out of range)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)
