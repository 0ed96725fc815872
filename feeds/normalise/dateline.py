"""Datelines and bylines at the start of Indonesian article text.

Wire-style articles open with a dateline ("JAKARTA, KOMPAS.com -", "Jakarta (ANTARA) -") and
article pages put a byline above the text ("doelbeckz - Pluz.id", "Penulis: X | Editor: Y").
Summaries read better without them, and the place and the author are worth keeping.

Taking a real sentence for a dateline is worse than missing one, so a dateline is only a short
head (at most six words, before the first dash) whose every comma-separated part is a place, an
outlet or a date, with a clear marker: an outlet (a domain such as "Liputan6.com", a name in
parentheses such as "(ANTARA)", a well-known outlet name) or a place written in capitals. A
place in title case alone counts when it is a well-known city ("Jakarta -") or a single word
that is not a common sentence opener and is followed by a new sentence ("Indramayu - Musim
kemarau ..."), so "Presiden Joko Widodo - yang ..." and "Namun - ..." stay as they are.
"""

import re

# The dash that ends a dateline: "--", en and em dashes anywhere; a plain hyphen only with a
# space on one side, so "TRIBUN-TIMUR.COM" is one word.
_HEAD_RE = re.compile(
    r"^\s*(?P<head>[^\n]{2,80}?)(?:\s+(?:--|-|–|—)|\s*(?:--|–|—)|-(?=\s))\s*(?P<rest>.*)$",
    re.DOTALL,
)
_MAX_HEAD_WORDS = 6

_DOMAIN_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]*(?:\.[A-Za-z]{2,}){1,3}$")
_PARENTHESES_RE = re.compile(r"^(?P<before>.*?)\s*\((?P<inside>[^()]{2,40})\)$")
_CAPS_PLACE_RE = re.compile(r"^[A-Z][A-Z'’.]*[A-Z](?:[ -][A-Z][A-Z'’.]*[A-Z]){0,2}$")
_TITLE_PLACE_RE = re.compile(r"^[A-Z][a-z'’]+(?:[ -][A-Z][a-z'’]+){0,2}$")
_DATE_PART_RE = re.compile(r"^\d{1,2}(?:/\d{1,2}(?:/\d{2,4})?|\s+[A-Za-z]+\.?\s+\d{4})$")
_VOWELS = frozenset("AEIOU")

# Outlets named without a domain in datelines and bylines (compared in lower case).
KNOWN_OUTLETS: frozenset[str] = frozenset(
    {
        "antara", "antara news", "antaranews", "cnn indonesia", "idn times", "viva", "tempo",
        "kompas", "detik", "detikcom", "detiknews", "republika", "okezone", "sindonews",
        "tribunnews", "tribun", "kumparan", "tirto", "suara", "merdeka", "beritasatu",
        "jawapos", "jawa pos", "bisnis", "kontan", "metro tv", "inews", "jpnn", "liputan6",
        "media indonesia", "warta", "reuters", "afp", "ap", "xinhua", "bernama",
    }
)  # fmt: skip

# Cities whose title-case name alone ("Jakarta - ...") is taken for a dateline.
KNOWN_CITIES: frozenset[str] = frozenset(
    {
        "jakarta", "makassar", "surabaya", "bandung", "medan", "semarang", "yogyakarta",
        "denpasar", "palembang", "pekanbaru", "padang", "banjarmasin", "balikpapan",
        "samarinda", "pontianak", "manado", "kendari", "palu", "gorontalo", "ambon", "jayapura",
        "kupang", "mataram", "bandar lampung", "bandarlampung", "jambi", "bengkulu",
        "banda aceh", "batam", "tangerang", "bekasi", "depok", "bogor", "malang", "solo",
        "surakarta", "serang", "cirebon", "mamuju", "ternate", "sorong", "parepare", "gowa",
        "maros", "bone", "palopo", "tarakan", "pangkalpinang", "tanjungpinang", "manokwari",
    }
)  # fmt: skip

# Words that start sentences: "Namun - ..." is never a dateline.
COMMON_OPENERS: frozenset[str] = frozenset(
    {
        "namun", "sementara", "menurut", "selain", "kemudian", "adapun", "bahkan", "sedangkan",
        "tetapi", "tapi", "jadi", "maka", "lalu", "karena", "meski", "walau", "setelah",
        "sebelum", "saat", "ketika", "dalam", "dari", "untuk", "pada", "oleh", "dengan", "yang",
        "sebelumnya", "selanjutnya", "kini", "hingga", "terkait", "soal", "apalagi", "padahal",
        "artinya", "misalnya", "sayangnya", "untungnya", "tentu", "memang", "begitu",
        "demikian", "mereka", "kami", "kita", "saya", "anda", "beliau", "however", "meanwhile",
    }
)  # fmt: skip

# Byline labels and the role each names; the first role listed is preferred as the author.
_ROLES: dict[str, str] = {
    "penulis": "author",
    "oleh": "author",
    "reporter": "author",
    "wartawan": "author",
    "pewarta": "author",
    "kontributor": "author",
    "rep": "author",
    "laporan wartawan": "author",
    "editor": "editor",
    "redaktur": "editor",
    "red": "editor",
}
_LABEL_RE = re.compile(
    r"^\s*[|/,;]?\s*(?P<label>laporan wartawan|penulis|oleh|reporter|wartawan|pewarta"
    r"|kontributor|redaktur|editor|rep|red)\b\s*(?P<colon>:)?\s*",
    re.IGNORECASE,
)
# A name runs up to a separator, a weekday or a digit.
_NAME_RE = re.compile(
    r"(?P<name>[^\W\d_][\w.'’-]*(?:[ \t]+[^\W\d_][\w.'’-]*){0,5}?)"
    r"(?=\s*(?:$|[|/,;\n]|\s[-–—]\s|\s+(?:senin|selasa|rabu|kamis|jum'?at|sabtu|minggu|ahad)\b"
    r"|\s+\d|\s+(?:penulis|editor|reporter|redaktur|red|rep)\s*:))",
    re.IGNORECASE,
)
# "doelbeckz - Pluz.id ...": a short name, a dash, then the outlet (checked in code).
_NAME_DASH_RE = re.compile(
    r"^\s*(?P<name>[^\W\d_][\w.'’]*(?:\s[^\W\d_][\w.'’]*){0,3})\s+[-–—|]\s+(?P<after>.*)$",
    re.DOTALL,
)
_LEADING_DOMAIN_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]*(?:\.[A-Za-z]{2,}){1,3}(?=$|[\s,|])")


def split_dateline(text: str) -> tuple[str | None, str]:
    """(place in title case or None, text without the dateline); the text unchanged if none.

    "PLUZ.ID, MAKASSAR – Kepala ..." gives ("Makassar", "Kepala ..."); "SuaraSulsel.id - ..."
    has no place and gives (None, "..."): the dateline goes either way.
    """
    match = _HEAD_RE.match(text)
    if match is None:
        return None, text
    head = match["head"].strip()
    if len(head.split()) > _MAX_HEAD_WORDS:
        return None, text
    parts = _head_parts(head)
    if parts is None or not _is_dateline(parts, match["rest"]):
        return None, text
    places = [value for kind, value in parts if kind in ("caps", "title")]
    location = _title_case(places[0]) if places else None
    return location, match["rest"].lstrip()


def _head_parts(head: str) -> list[tuple[str, str]] | None:
    """Classify each comma-separated part of a head; None if one is neither place nor outlet."""
    parts: list[tuple[str, str]] = []
    for raw in re.split(r"\s*,\s*", head):
        piece = raw.strip()
        inside = None
        if bracketed := _PARENTHESES_RE.match(piece):
            piece, inside = bracketed["before"].strip(), bracketed["inside"].strip()
        if piece:
            kind = _classify(piece)
            if kind is None:
                return None
            parts.append((kind, piece))
        if inside is not None:
            if not inside[:1].isupper():
                return None
            parts.append(("outlet", inside))
    return parts or None


def _classify(piece: str) -> str | None:
    if piece.lower() in KNOWN_OUTLETS or _DOMAIN_RE.match(piece):
        return "outlet"
    if _DATE_PART_RE.match(piece):
        return "date"
    if _CAPS_PLACE_RE.match(piece):
        return "caps"
    if _TITLE_PLACE_RE.match(piece):
        return "title"
    return None


def _is_dateline(parts: list[tuple[str, str]], rest: str) -> bool:
    """A head needs an outlet, a place in capitals, or a place in title case on its own: a
    well-known city, or one word that is not a common sentence opener followed by a new
    sentence ("Indramayu - Musim kemarau ..." but not "Namun - ...", "Jokowi - yang ...")."""
    kinds = [kind for kind, _ in parts]
    if "outlet" in kinds:
        return True
    if kinds == ["title"]:
        place = parts[0][1]
        if place.lower() in KNOWN_CITIES:
            return True
        one_word = " " not in place and "-" not in place and len(place) >= 4
        starts_sentence = bool(re.match(r"[\"“'‘(]?[A-Z]", rest))
        return one_word and place.lower() not in COMMON_OPENERS and starts_sentence
    if "title" in kinds:
        return False
    # Only places in capitals (and dates): a lone acronym such as "KPK" or "PSSI" is not one.
    first = next((value for kind, value in parts if kind == "caps"), "")
    letters = [char for char in first if char.isalpha()]
    return len(letters) >= 4 and sum(char in _VOWELS for char in letters) >= 2


def _title_case(place: str) -> str:
    return " ".join(word.capitalize() for word in place.split())


def byline_credits(text: str) -> tuple[list[tuple[str, str]], str]:
    """[(role, name), ...] read from labels at the very start, and the text after them.

    Roles are "author" (Penulis, Oleh, Reporter, Rep ...) and "editor" (Editor, Redaktur, Red).
    """
    credits: list[tuple[str, str]] = []
    rest = text
    while match := _LABEL_RE.match(rest):
        label = " ".join(match["label"].lower().split())
        # Without a colon only "Oleh" and "Laporan wartawan" are labels ("Editor Ahmad" is not).
        if match["colon"] is None and label not in ("oleh", "laporan wartawan"):
            break
        after = rest[match.end() :]
        name = _NAME_RE.match(after)
        if name is None or not _plausible_name(name["name"], capitalised=not match["colon"]):
            break
        credits.append((_ROLES[label], name["name"].strip()))
        rest = after[name.end() :]
    if not credits:
        return [], text
    return credits, rest.lstrip(" \t|/,;-–—\n")


def _plausible_name(name: str, *, capitalised: bool) -> bool:
    words = name.split()
    if not 1 <= len(words) <= 6 or len(name) > 60:
        return False
    return not capitalised or all(word[0].isupper() for word in words)


def split_byline(text: str) -> tuple[str | None, str]:
    """(author or None, rest) for a byline at the very start of `text`.

    Reads "Penulis: X", "Oleh X", "Reporter: X | Editor: Y" (the reporter is the author; an
    editor only when no one else is named) and "doelbeckz - Pluz.id ..." (a short name, a dash
    and the outlet). The text is returned unchanged when it does not start with a byline.
    """
    credits, rest = byline_credits(text)
    if credits:
        authors = [name for role, name in credits if role == "author"]
        return (authors or [credits[0][1]])[0], rest
    match = _NAME_DASH_RE.match(text)
    if match and (outlet_end := _outlet_prefix(match["after"])):
        return match["name"].strip(), match["after"][outlet_end:].lstrip(" \t,|")
    return None, text


def _outlet_prefix(text: str) -> int:
    """Length of the outlet name that `text` starts with (a domain or a known name), else 0."""
    if domain := _LEADING_DOMAIN_RE.match(text):
        return domain.end()
    lowered = text.lower()
    for outlet in sorted(KNOWN_OUTLETS, key=len, reverse=True):
        end = len(outlet)
        if lowered.startswith(outlet) and (end == len(text) or not text[end].isalnum()):
            return end
    return 0
