"""Reading a document that `extract` and `sources add` take: at most MAX_DOCUMENT_BYTES of a
regular UTF-8 file, HTML reduced to its text. The I/O of `extract`; finding figures is pure
(engine.py, core/extract/candidates.py).
"""

from __future__ import annotations

import html
import re
from functools import lru_cache
from pathlib import Path
from typing import List

from ..errors import DataError, Problem
from ..files import ReadError, decode_utf8, safe_read  # one safe reader for every file cityai opens

MAX_DOCUMENT_BYTES = 4 * 1024 * 1024
_BLOCKS = {"p", "br", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "blockquote"}


_MARKUP = re.compile(r"<[a-zA-Z/!?]")  # where a construct can start; any other `<` is text (`a < b`, `<3`)
_START_TAG = re.compile(
    r"""<([a-zA-Z][^\t\n\r\f />\x00]*)        # the name
    (?: [^>=/]+                                # then attributes: any characters but these three,
      | /(?!>)                                 # a slash that does not close the tag,
      | =+\s*(?:"[^"]*"?|'[^']*'?|[^\s>]*)     # or a value, where a quoted `>` does not end the tag
    )*
    (/?)(?:>|\Z)                               # a tag or quote left open runs to the end""",
    re.X,
)  # the branches start with different characters and stop only at `>` or the end: it cannot fail
_END_TAG = re.compile(r"</\s*([a-zA-Z][^\t\n\r\f />\x00]*)")
_MARKED_SECTION = re.compile(r"<!\[(?:cdata|temp|ignore|include|rcdata)(?![-_.a-zA-Z0-9])", re.I)
_GREATER_THAN = re.compile(">")
_COMMENT_END = re.compile(r"--\s*!?>")  # --> and, as browsers read it, --!>
_MARKED_SECTION_END = re.compile(r"]\s*]\s*>")
# A script or style ends at its end tag: </script followed by a blank, / or > (</script foo>,
# </script/>), up to the next > (found apart from the pattern, so that no search rescans).
_RAW_TEXT_END = {name: re.compile(rf"</\s*{name}(?=[\s/>])", re.I) for name in ("script", "style")}


# A numeric character reference with more digits than any code point needs (1114111: 7 digits;
# leading zeros allowed): html.unescape converts its digits with int(), which raises ValueError
# past 4,300 digits (Python's limit on str -> int), and no real page has one.
_LONG_REFERENCE = re.compile(r"&#(?:[xX][0-9a-fA-F]{33,}|[0-9]{33,})")


def unescape(text: str) -> str:
    """html.unescape, except that a numeric reference of more than 32 digits is left as text."""
    if "&#" not in text or not _LONG_REFERENCE.search(text):
        return html.unescape(text)
    kept, position = [], 0
    for found in _LONG_REFERENCE.finditer(text):
        kept += [html.unescape(text[position : found.start()]), found.group(0)]
        position = found.end()
    return "".join(kept) + html.unescape(text[position:])


# Text a browser never shows: a hostile page could hide a figure there and have it extracted with a
# "verbatim quote" (<div hidden>, style="display:none", <template>). Void elements hold no text.
_ATTRIBUTE = re.compile(r"""([^\s"'>/=]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s>]*))?""")
_MAYBE_HIDDEN = re.compile(r"hidden|none", re.I)
_INVISIBLE_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


def _hidden(name: str, tag: str) -> bool:
    if name == "template":
        return True
    if name in _VOID or not _MAYBE_HIDDEN.search(tag):  # most tags: one search
        return False
    for found in _ATTRIBUTE.finditer(tag, 1 + len(name)):
        attribute, value = found.group(1).lower(), (found.group(2) or "").strip("\"'")
        if attribute == "hidden" or (attribute == "style" and _INVISIBLE_STYLE.search(value)):
            return True
    return False


@lru_cache(maxsize=64)
def _same_name_tags(name: str) -> "re.Pattern[str]":
    return re.compile(rf"<(/\s*)?{re.escape(name)}(?=[\s/>])", re.I)


def _past_element(markup: str, name: str, position: int) -> int:
    """Past the end tag closing the element `name` opened just before `position` (elements of the
    same name nest), or the end of the text when none does: one scan of what is skipped."""
    depth = 1
    for found in _same_name_tags(name).finditer(markup, position):
        depth += -1 if found.group(1) else 1
        if depth == 0:
            close = markup.find(">", found.end())
            return close + 1 if close >= 0 else len(markup)
    return len(markup)


def html_to_text(markup: str) -> str:
    """The text of an HTML page, a line per block element; comments, scripts, styles and hidden
    elements dropped.

    Not html.parser.HTMLParser: on Python 3.11 it raises AssertionError on markup such as `<![ x`
    (a marked section it cannot name), and it is quadratic on a construct left open, rescanning
    from every `<!--`, `<a `, `</` or `<?` to the end of the text for a terminator (320 KB of
    `<!--` took 57 s). Here each construct is matched where it starts and ends at its terminator,
    or at the end of the text when there is none (as browsers read it), so no character is
    scanned more than a few times and the time is linear in the length of the page.
    """
    parts: List[str] = []
    end, position = len(markup), 0

    def past(terminator: re.Pattern[str], start: int) -> int:
        found = terminator.search(markup, start)
        return found.end() if found else end

    while position < end:
        found = _MARKUP.search(markup, position)
        start = found.start() if found else end
        if start > position:
            parts.append(unescape(markup[position:start]))
        if not found:
            break
        second = markup[start + 1]
        if second == "/":  # </p>, </p class=x>; </>, </ 1> and the like are dropped
            end_tag = _END_TAG.match(markup, start)
            position = past(_GREATER_THAN, start + 2)
            if end_tag and end_tag.group(1).lower() in _BLOCKS:
                parts.append("\n")
        elif second == "!" and markup.startswith(("<!-->", "<!--->"), start):  # empty, as browsers read them
            position = markup.index(">", start) + 1
        elif second == "!" and markup.startswith("<!--", start):
            position = past(_COMMENT_END, start + 4)
        elif second == "!" and _MARKED_SECTION.match(markup, start):  # <![CDATA[ ... ]]>
            position = past(_MARKED_SECTION_END, start + 3)
        elif second in "!?":  # <!doctype html>, <![if ...]>, <?xml ...?>
            position = past(_GREATER_THAN, start + 2)
        else:
            start_tag = _START_TAG.match(markup, start)
            assert start_tag is not None  # the pattern cannot fail on `<` and a letter
            name, self_closing, position = start_tag.group(1).lower(), start_tag.group(2), start_tag.end()
            if not self_closing and _hidden(name, start_tag.group(0)):
                position = _past_element(markup, name, position)  # text a browser never shows
            elif name in _BLOCKS:
                parts.append("\n\n" if self_closing else "\n")  # <br/>: a start and an end tag
            elif name in _RAW_TEXT_END and not self_closing:
                position = past(_RAW_TEXT_END[name], position)  # the script's text dropped
                position = past(_GREATER_THAN, position) if position < end else end  # and its end tag
    return re.sub(r"\n\s*\n+", "\n\n", "".join(parts)).strip() + "\n"


def read_document(path: Path) -> str:
    """A document's text: at most MAX_DOCUMENT_BYTES of a regular UTF-8 file; HTML stripped."""
    try:
        text = decode_utf8(safe_read(path, MAX_DOCUMENT_BYTES, "a document"))
    except ReadError as error:
        raise DataError([Problem(str(path), str(error))]) from None
    if path.suffix.lower() in (".html", ".htm") or re.match(r"\s*<(!doctype|html)", text, re.I):
        text = html_to_text(text)
    return text
