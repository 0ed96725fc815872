"""Datelines and bylines at the start of Indonesian article text: what is removed, what stays."""

import pytest

from feeds.normalise.dateline import byline_credits, split_byline, split_dateline

REST = "Kepala dinas mengatakan program itu berjalan."

# (text before REST, expected location). None: a dateline without a place, still removed.
DATELINES = [
    ("PLUZ.ID, MAKASSAR – ", "Makassar"),
    ("KABARSULSEL.EXAMPLE, MAKASSAR – ", "Makassar"),
    ("Jakarta (ANTARA) - ", "Jakarta"),
    ("JAKARTA, KOMPAS.com - ", "Jakarta"),
    ("Liputan6.com, Jakarta - ", "Jakarta"),
    ("MAKASSAR, TRIBUN-TIMUR.COM - ", "Makassar"),
    ("TEMPO.CO, Jakarta - ", "Jakarta"),
    ("Makassar (WARTA) - ", "Makassar"),
    ("JAKARTA - ", "Jakarta"),
    ("Jakarta, CNN Indonesia -- ", "Jakarta"),
    ("SuaraSulsel.id - ", None),
    ("Bisnis.com, JAKARTA — ", "Jakarta"),
    ("BANDA ACEH, KOMPAS.com - ", "Banda Aceh"),
    ("Mataram, NTB (ANTARA News) - ", "Mataram"),
    ("Bandarlampung, Lampung (ANTARA News) - ", "Bandarlampung"),
    ("REPUBLIKA.CO.ID, JAKARTA -- ", "Jakarta"),
    ("ISTANBUL, 23 Februari 2016 (Antara/PRNewswire) -- ", "Istanbul"),
    ("TRIBUNNEWS.COM - ", None),
    ("Suara.com - ", None),
    ("tirto.id - ", None),
    ("VIVA - ", None),
    ("Jakarta - ", "Jakarta"),
    ("Jakarta, IDN Times - ", "Jakarta"),
    ("Jakarta, Beritasatu.com - ", "Jakarta"),
    ("SEMARANG—", "Semarang"),
    ("  MEDAN, KOMPAS.com –  ", "Medan"),
    ("Indramayu - ", "Indramayu"),
]

# Openings that must stay exactly as they are.
NOT_DATELINES = [
    "Presiden Joko Widodo - yang hadir di Makassar - meresmikan jalan tol.",
    "Bupati Gowa, Adnan Purichta - yang baru dilantik - menyapa warga.",
    "Sekda Sulsel - Abdul Hayat Gani - membuka acara itu.",
    "Anak-anak bermain di halaman sekolah - kata guru mereka.",
    "KPK - Komisi Pemberantasan Korupsi - memeriksa saksi.",
    "PSSI - federasi sepak bola - menggelar rapat.",
    "Menurut dia - dalam rapat itu - anggaran sudah cukup.",
    "BERIKUT adalah tiga tim dengan gelar terbanyak.",
    "Kementerian Kominfo mengajak Pemprov Sulsel - dan kabupaten - berkolaborasi.",
    "Ini kalimat biasa tanpa tanda pisah sama sekali.",
    "JAKARTA-Ini tanda hubung tanpa spasi, bukan pemisah.",
    "Namun - Pemerintah belum memutuskan.",
    "Jokowi - yang saat itu hadir - memberi sambutan.",
    "Jokowi-Ma'ruf Amin menang di provinsi itu.",
    "Warga Makassar Utara, Kecamatan Tallo dan Kecamatan Ujung Tanah - semuanya terdampak.",
    "",
]


@pytest.mark.parametrize(("head", "location"), DATELINES)
def test_dateline_is_removed_and_place_returned(head: str, location: str | None) -> None:
    assert split_dateline(head + REST) == (location, REST)


@pytest.mark.parametrize("text", NOT_DATELINES)
def test_ordinary_openings_are_left_alone(text: str) -> None:
    assert split_dateline(text) == (None, text)


def test_dateline_alone_leaves_nothing() -> None:
    """A paragraph that is only the dateline ("<p><b>JAKARTA</b> -</p>") gives an empty rest."""
    assert split_dateline("JAKARTA -") == ("Jakarta", "")


def test_only_the_first_dash_ends_a_dateline() -> None:
    text = "JAKARTA, KOMPAS.com - Menteri - yang baru dilantik - berbicara."
    assert split_dateline(text) == ("Jakarta", "Menteri - yang baru dilantik - berbicara.")


BYLINES = [
    ("doelbeckz - Pluz.id Jumat, 11 Nov 2022 14:40", "doelbeckz", "Jumat, 11 Nov 2022 14:40"),
    ("Penulis: Rina Suryani", "Rina Suryani", ""),
    ("Oleh: Rina Suryani", "Rina Suryani", ""),
    ("Oleh Rina Suryani - Senin, 14 Nov 2022", "Rina Suryani", "Senin, 14 Nov 2022"),
    ("Reporter: Andi Saputra | Editor: Budi Santoso", "Andi Saputra", ""),
    ("Editor: Ade Marboen", "Ade Marboen", ""),
    ("Rep: Andi Saputra/ Red: Budi Santoso", "Andi Saputra", ""),
    ("Pewarta: Monalisa", "Monalisa", ""),
    ("Tim Redaksi - CNN Indonesia Jakarta", "Tim Redaksi", "Jakarta"),
]  # fmt: skip

NOT_BYLINES = [
    "Oleh karena itu, pemerintah menambah anggaran.",
    "Oleh-oleh khas Makassar laris menjelang libur.",
    "Presiden Joko Widodo - yang hadir - meresmikan jalan tol.",
    "Editor Ahmad menyebut naskah itu rampung.",
    "Redaksi menerima banyak surat pembaca.",
    "Penulis: 2026",
]


@pytest.mark.parametrize(("text", "author", "rest"), BYLINES)
def test_byline_gives_author_and_rest(text: str, author: str, rest: str) -> None:
    assert split_byline(text) == (author, rest)


@pytest.mark.parametrize("text", NOT_BYLINES)
def test_text_without_byline_is_unchanged(text: str) -> None:
    assert split_byline(text) == (None, text)


def test_byline_credits_keep_every_role() -> None:
    credits, rest = byline_credits("Penulis: Rina Suryani | Editor: Budi Santoso")
    assert credits == [("author", "Rina Suryani"), ("editor", "Budi Santoso")]
    assert rest == ""
