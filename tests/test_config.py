"""sources.yaml validation: every problem names file, line, key path and what is wrong."""

from pathlib import Path

import pytest

from feeds.config import MAIN_STREAM_SLUG, ConfigError, load_settings

VALID = """\
stream:
  title: Berita Terkini
  link: https://berita.example.id/
defaults:
  interval: 15m
  timezone: Asia/Jakarta
outputs:
  - slug: sulsel
    title: Berita Terkini Sulawesi Selatan
    include: {categories: [sulsel]}
sources:
  - id: antara
    name: ANTARA
    url: https://www.antaranews.com/rss/terkini.xml
  - id: makassar
    name: Makassar
    url: https://makassar.example/feed
    interval: "*/10 6-22 * * *"
    timezone: Asia/Makassar
    categories: [sulsel]
    headers: {Authorization: Bearer rahasia}
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sources.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def problems_of(tmp_path: Path, text: str) -> list[str]:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    return caught.value.describe().splitlines()


def test_valid_file_loads_with_defaults_and_main_stream(tmp_path: Path) -> None:
    settings = load_settings(write(tmp_path, VALID))
    config = settings.config
    assert [s.id for s in config.sources] == ["antara", "makassar"]
    assert str(config.sources[0].interval or config.defaults.interval) == "15m"
    assert config.sources[1].interval.cron == "*/10 6-22 * * *"
    assert settings.timezone_for(config.sources[1]) == "Asia/Makassar"
    # The Berita Terkini stream exists even though the file only defines "sulsel".
    assert [o.slug for o in config.outputs] == [MAIN_STREAM_SLUG, "sulsel"]
    assert config.outputs[0].title == "Berita Terkini"
    # Relative storage defaults live next to the file, the state outside output/.
    assert settings.output_dir == (tmp_path / "output").resolve()
    assert settings.database_url == f"sqlite:///{tmp_path.resolve() / 'state' / 'feeds.db'}"


def test_misspelt_key_gets_line_and_did_you_mean(tmp_path: Path) -> None:
    text = VALID.replace('    interval: "*/10', '    intreval: "*/10')
    [problem] = problems_of(tmp_path, text)
    assert problem == (
        f"{tmp_path / 'sources.yaml'}:18:5: sources[1].intreval: unknown key "
        "(did you mean 'interval'?)"
    )


@pytest.mark.parametrize(
    ("old", "new", "line", "path", "message"),
    [
        ("interval: 15m", "interval: 15 minutes", 5, "defaults.interval", "is not an interval"),
        (
            "interval: 15m",
            "interval: '61 * * * *'",
            5,
            "defaults.interval",
            "is not a valid cron expression",
        ),
        (
            "timezone: Asia/Jakarta",
            "timezone: Asia/Jakartaa",
            6,
            "defaults.timezone",
            "unknown time zone",
        ),
        ("slug: sulsel", "slug: ../sulsel", 8, "outputs[0].slug", "is not a safe slug"),
        ("slug: sulsel", "slug: Sulsel/X", 8, "outputs[0].slug", "is not a safe slug"),
        (
            "url: https://www.antaranews.com/rss/terkini.xml",
            "url: htp://antaranews.com/rss",
            14,
            "sources[0].url",
            "unsupported scheme 'htp'",
        ),
        (
            "url: https://www.antaranews.com/rss/terkini.xml",
            "url: https:///rss",
            14,
            "sources[0].url",
            "has no host name",
        ),
        (
            "link: https://berita.example.id/",
            "link: berita.example.id",
            3,
            "stream.link",
            "is not an absolute http(s) URL",
        ),
        (
            "categories: [sulsel]\n    headers",
            "categories: sulsel\n    headers",
            20,
            "sources[1].categories",
            "Input should be a valid list",
        ),
        ("  - id: antara", "  - id: Antara News", 12, "sources[0].id", "not a valid source id"),
    ],
)
def test_each_error_names_line_key_and_problem(
    tmp_path: Path, old: str, new: str, line: int, path: str, message: str
) -> None:
    assert old in VALID
    problems = problems_of(tmp_path, VALID.replace(old, new, 1))
    assert len(problems) == 1, problems
    location, key, text = problems[0].split(": ", 2)
    assert location.startswith(f"{tmp_path / 'sources.yaml'}:{line}:")
    assert key == path
    assert message in text


def test_duplicate_source_ids_are_refused(tmp_path: Path) -> None:
    text = VALID + "  - id: antara\n    name: Again\n    url: https://x.example/rss\n"
    [problem] = problems_of(tmp_path, text)
    assert ":22:5:" in problem and "sources[2].id" in problem
    assert "duplicate source id 'antara' (first used by sources[0])" in problem


def test_unknown_source_in_output_filter_suggests_the_right_one(tmp_path: Path) -> None:
    text = VALID.replace("include: {categories: [sulsel]}", "include: {sources: [makasar]}")
    [problem] = problems_of(tmp_path, text)
    assert "outputs[0].include.sources[0]" in problem
    assert "unknown source id 'makasar' (did you mean 'makassar'?)" in problem


def test_missing_required_key_and_several_problems_at_once(tmp_path: Path) -> None:
    text = VALID.replace("    name: ANTARA\n", "").replace("timezone: Asia/Jakarta", "timezone: X")
    problems = problems_of(tmp_path, text)
    assert len(problems) == 2
    assert "defaults.timezone" in problems[0]  # sorted by line
    assert "sources[0].name: required key 'name' is missing" in problems[1]


def test_yaml_syntax_error_and_duplicate_keys_have_lines(tmp_path: Path) -> None:
    [problem] = problems_of(
        tmp_path, VALID.replace("  title: Berita Terkini\n", "  title: [x\n", 1)
    )
    assert "YAML error" in problem and problem.split(":")[1].isdigit()
    [problem] = problems_of(
        tmp_path,
        VALID.replace("  timezone: Asia/Jakarta\n", "  timezone: Asia/Jakarta\n  interval: 5m\n"),
    )
    assert ":7:3:" in problem and 'duplicate key "interval"' in problem


def test_local_paths_resolve_against_the_file_and_must_exist(tmp_path: Path) -> None:
    (tmp_path / "snap").mkdir()
    (tmp_path / "snap" / "a.xml").write_text("<rss/>")
    text = VALID.replace("https://www.antaranews.com/rss/terkini.xml", "snap/a.xml")
    settings = load_settings(write(tmp_path, text))
    assert settings.sources[0].url == (tmp_path / "snap" / "a.xml").resolve().as_uri()

    [problem] = problems_of(tmp_path, text.replace("snap/a.xml", "snap/missing.xml"))
    assert "sources[0].url: no such file" in problem


def test_missing_file_and_non_mapping(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="file not found"):
        load_settings(tmp_path / "nope.yaml")
    [problem] = problems_of(tmp_path, "- just\n- a list\n")
    assert "expected a mapping" in problem


def test_command_line_and_environment_override_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path, VALID + "storage:\n  database: sqlite:///db/x.db\n  output: public\n")
    settings = load_settings(path)
    assert settings.database_url == f"sqlite:///{(tmp_path / 'db' / 'x.db').resolve()}"
    assert settings.output_dir == (tmp_path / "public").resolve()
    monkeypatch.setenv("FEEDS_DB", "sqlite:////tmp/env.db")
    assert load_settings(path).database_url == "sqlite:////tmp/env.db"
    assert load_settings(path, database_url="sqlite:////tmp/cli.db").database_url.endswith("cli.db")
