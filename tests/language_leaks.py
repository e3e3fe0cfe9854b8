"""Text of the other language on a rendered page, outside names, quotes and codes.

A Chinese page may not show English words, an English page may not show Chinese
characters, except inside elements that say they hold something else: an element with
its own ``lang`` (a company's name, a quoted reason, the other language's switch), or
one of the classes ``name``, ``code``, ``quote``, ``hash``, or ``translate="no"``, or
``<code>``, ``<script>``, ``<style>``. Latin acronyms (PDF, CSV, API …) and paths
(/api/v1/check/) are words of Chinese pages too.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]")
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
PATH = re.compile(r"[\w.:-]*/[\w./:?=&%-]*")
ACRONYMS = {"Atom", "CreditSite"}  # and any word in capitals: PDF, CSV, API, SHA, JPEG …
EXEMPT_CLASSES = {"name", "code", "quote", "hash"}
EXEMPT_TAGS = {"code", "script", "style", "kbd", "samp"}
VOID = {"br", "img", "input", "meta", "link", "hr", "source", "wbr", "col", "area", "base"}


class _Leaks(HTMLParser):
    def __init__(self, language: str) -> None:
        super().__init__(convert_charrefs=True)
        self.english = language.startswith("en")
        self.stack: list[bool] = []  # exempt?
        self.in_body = False
        self.in_title = False
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "body":
            self.in_body = True
        if tag == "title":
            self.in_title = True
        if tag in VOID:
            return
        values = dict(attrs)
        lang = (values.get("lang") or "").lower()
        classes = set((values.get("class") or "").split())
        exempt = (
            tag in EXEMPT_TAGS
            or bool(classes & EXEMPT_CLASSES)
            or values.get("translate") == "no"
            or (tag != "html" and bool(lang) and lang.startswith("en") != self.english)
        )
        self.stack.append(exempt or (bool(self.stack) and self.stack[-1]))

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self.in_title = False
        if tag in VOID:
            return
        if self.stack:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if not (self.in_body or self.in_title) or (self.stack and self.stack[-1]):
            return
        text = data.strip()
        if not text:
            return
        if self.english:
            if HAN.search(text):
                self.found.append(text)
        else:
            # Paths and addresses (/api/v1/check/) are code, not words.
            words = [
                w
                for w in LATIN_WORD.findall(PATH.sub(" ", text))
                if w not in ACRONYMS and not w.isupper()
            ]
            if words:
                self.found.append(text)


def other_language_text(html: str, *, language: str) -> list[str]:
    """The text runs of ``html`` (a page in ``language``) written in the other language."""
    parser = _Leaks(language)
    parser.feed(html)
    return parser.found
