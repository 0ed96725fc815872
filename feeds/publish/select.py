"""Which stored articles go into an output stream, in which order."""

import re
from collections.abc import Iterable
from dataclasses import dataclass

from feeds.config import Output, Source
from feeds.config.model import Match
from feeds.store import StoredArticle


@dataclass(frozen=True, slots=True)
class Criteria:
    """A Match as the per-article tests use it: sets, casefolded categories and compiled
    keywords, made once an output instead of once for each of the ~1,000 articles read."""

    sources: frozenset[str]
    categories: frozenset[str]
    keywords: tuple[re.Pattern[str], ...]

    @classmethod
    def of(cls, match: Match) -> "Criteria":
        return cls(
            sources=frozenset(match.sources),
            categories=frozenset(category.casefold() for category in match.categories),
            keywords=tuple(keyword_pattern(keyword) for keyword in match.keywords),
        )


def select_articles(
    articles: Iterable[StoredArticle], output: Output, sources: list[Source], limit: int
) -> list[StoredArticle]:
    """The first `limit` matching articles of `articles`, which come newest first."""
    include, exclude = Criteria.of(output.include), Criteria.of(output.exclude)
    # A source's categories count as its articles' own, but only a category criterion reads them.
    by_category = bool(include.categories or exclude.categories)
    categories_of_source = {source.id: source.categories for source in sources}
    chosen: list[StoredArticle] = []
    for article in articles:
        extra = source_categories(article, categories_of_source) if by_category else []
        if matches_include(article, include, extra) and not matches_any(article, exclude, extra):
            chosen.append(article)
            if len(chosen) >= limit:
                break
    return chosen


def source_categories(
    article: StoredArticle, categories_of_source: dict[str, list[str]]
) -> list[str]:
    return [c for source_id in article.source_ids for c in categories_of_source.get(source_id, [])]


def matches_include(article: StoredArticle, match: Criteria, source_categories: list[str]) -> bool:
    """Every kind of criterion given must hold; within a kind, any listed value will do."""
    if match.sources and match.sources.isdisjoint(article.source_ids):
        return False
    if match.categories and not in_categories(article, match.categories, source_categories):
        return False
    return not match.keywords or has_keyword(article, match.keywords)


def matches_any(article: StoredArticle, match: Criteria, source_categories: list[str]) -> bool:
    """Exclusion: any one criterion that holds is enough to leave the article out."""
    return (
        not match.sources.isdisjoint(article.source_ids)
        or in_categories(article, match.categories, source_categories)
        or has_keyword(article, match.keywords)
    )


def in_categories(
    article: StoredArticle, wanted: frozenset[str], source_categories: list[str]
) -> bool:
    """`wanted` casefolded; any one of them among the article's or its sources' categories."""
    if not wanted:
        return False
    return any(c.casefold() in wanted for c in [*article.row.categories, *source_categories])


def has_keyword(article: StoredArticle, keywords: tuple[re.Pattern[str], ...]) -> bool:
    if not keywords:
        return False
    text = f"{article.row.title}\n{article.row.summary}"
    return any(pattern.search(text) for pattern in keywords)


def keyword_pattern(keyword: str) -> re.Pattern[str]:
    """Whole words, any case: "banjir" matches "Banjir rob" but not "kebanjiran"."""
    return re.compile(rf"(?<!\w){re.escape(keyword)}(?!\w)", re.IGNORECASE)
