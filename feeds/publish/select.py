"""Which stored articles go into an output stream, in which order."""

import re
from collections.abc import Iterable

from feeds.config import Output, Source
from feeds.config.model import Match
from feeds.store import StoredArticle


def select_articles(
    articles: Iterable[StoredArticle], output: Output, sources: list[Source], limit: int
) -> list[StoredArticle]:
    """The first `limit` matching articles of `articles`, which come newest first."""
    categories_of_source = {source.id: source.categories for source in sources}
    chosen: list[StoredArticle] = []
    for article in articles:
        extra = [
            c for source_id in article.source_ids for c in categories_of_source.get(source_id, [])
        ]
        if matches_include(article, output.include, extra) and not matches_any(
            article, output.exclude, extra
        ):
            chosen.append(article)
            if len(chosen) >= limit:
                break
    return chosen


def matches_include(article: StoredArticle, match: Match, source_categories: list[str]) -> bool:
    """Every kind of criterion given must hold; within a kind, any listed value will do."""
    if match.sources and not set(match.sources) & set(article.source_ids):
        return False
    if match.categories and not in_categories(article, match.categories, source_categories):
        return False
    return not match.keywords or has_keyword(article, match.keywords)


def matches_any(article: StoredArticle, match: Match, source_categories: list[str]) -> bool:
    """Exclusion: any one criterion that holds is enough to leave the article out."""
    return (
        bool(set(match.sources) & set(article.source_ids))
        or in_categories(article, match.categories, source_categories)
        or has_keyword(article, match.keywords)
    )


def in_categories(article: StoredArticle, wanted: list[str], source_categories: list[str]) -> bool:
    if not wanted:
        return False
    have = {c.casefold() for c in [*article.row.categories, *source_categories]}
    return any(category.casefold() in have for category in wanted)


def has_keyword(article: StoredArticle, keywords: list[str]) -> bool:
    if not keywords:
        return False
    text = f"{article.row.title}\n{article.row.summary}"
    return any(keyword_pattern(keyword).search(text) for keyword in keywords)


_patterns: dict[str, re.Pattern[str]] = {}


def keyword_pattern(keyword: str) -> re.Pattern[str]:
    """Whole words, any case: "banjir" matches "Banjir rob" but not "kebanjiran"."""
    if keyword not in _patterns:
        _patterns[keyword] = re.compile(rf"(?<!\w){re.escape(keyword)}(?!\w)", re.IGNORECASE)
    return _patterns[keyword]
