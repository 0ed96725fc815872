"""CSS selectors from sources.yaml: "h2 a" for an element's text, "h2 a@href" for an attribute.

One small language shared by listing pages and article pages, so operators learn it once.
"""

from dataclasses import dataclass
from functools import lru_cache

import lxml.html
from cssselect import SelectorError
from lxml.cssselect import CSSSelector

from feeds.normalise.html import collapse_whitespace


@dataclass(frozen=True, slots=True)
class Selector:
    css: str
    attribute: str | None  # None: the element's visible text

    def __str__(self) -> str:
        return f"{self.css}@{self.attribute}" if self.attribute else self.css


def parse_selector(text: str) -> Selector:
    """Raises ValueError with a readable message for a selector lxml cannot compile."""
    css, _, attribute = text.strip().rpartition("@") if "@" in text else (text.strip(), "", "")
    css = css.strip()
    if not css and attribute:  # "@href" alone: an attribute of the element itself
        css = ":scope"
    compile_css(css)
    return Selector(css=css, attribute=attribute.strip() or None)


@lru_cache(maxsize=512)
def compile_css(css: str) -> CSSSelector | None:
    if css == ":scope":
        return None
    try:
        return CSSSelector(css, translator="html")
    except SelectorError as error:
        raise ValueError(f"invalid CSS selector {css!r}: {error}") from None


def select_all(root: lxml.html.HtmlElement, selector: Selector) -> list[lxml.html.HtmlElement]:
    compiled = compile_css(selector.css)
    return [root] if compiled is None else compiled(root)


def select_value(root: lxml.html.HtmlElement, selector: Selector) -> str | None:
    """The first match's attribute or text (whitespace collapsed); None when nothing matches."""
    for element in select_all(root, selector):
        attribute = selector.attribute
        value = element.get(attribute) if attribute else element.text_content()
        if value and value.strip():
            return collapse_whitespace(value)
    return None


def select_html(root: lxml.html.HtmlElement, selector: Selector) -> str | None:
    """The first match's inner HTML (for summaries and bodies)."""
    for element in select_all(root, selector):
        inner = (element.text or "") + "".join(
            lxml.html.tostring(child, encoding="unicode") for child in element
        )
        if inner.strip():
            return inner
    return None
