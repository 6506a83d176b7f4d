"""Text normalization that keeps every position traceable to the original text.

A customer's message arrives as plain text or as HTML (Zendesk sends HTML bodies), often with the
earlier conversation quoted below it and a signature at the end. Only the customer's new words are
evidence, but every span we report must point into the text the caller gave us. ``prepare`` returns
the new words together with an offset map back to the original.
"""

from __future__ import annotations

import bisect
import codecs
import html
import itertools
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

__all__ = [
    "PreparedText",
    "decode_text",
    "looks_binary",
    "prepare",
    "prepared_if_changed",
    "sentence_numbers",
    "split_sentences",
    "strip_end",
    "stripped_end",
]


# UTF-32 first: its little-endian mark starts with UTF-16's.
_BYTE_ORDER_MARKS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Control characters that never occur in text (tab, line feed, form feed, carriage return and
# escape do); a NUL byte outside UTF-16 or UTF-32 is the surest sign of binary data.
_BINARY_BYTES = frozenset(range(0x09)) | {0x0B, 0x0E, 0x0F, *range(0x10, 0x1B), *range(0x1C, 0x20)}
_BINARY_SAMPLE = 8192


def looks_binary(data: bytes) -> bool:
    """True for bytes that are not text in any encoding :func:`decode_text` reads.

    Text with a byte-order mark is text; otherwise a NUL byte, or control characters making up
    more than a tenth of the first 8 KB, mark binary data (an image, an archive, a program).
    """
    if any(data.startswith(bom) for bom, _ in _BYTE_ORDER_MARKS):
        return False
    sample = data[:_BINARY_SAMPLE]
    if b"\0" in sample:
        return True
    controls = sum(1 for byte in sample if byte in _BINARY_BYTES)
    return controls * 10 > len(sample)


def decode_text(data: bytes | str) -> str:
    """Decode bytes as UTF-8 (with or without a BOM), UTF-16 or UTF-32 with a byte-order mark,
    falling back to Windows-1252, then Latin-1.

    Strings pass through with lone surrogates replaced, so later stages never meet text that
    cannot be encoded.
    """
    if isinstance(data, str):
        if data.isascii():
            return data
        try:
            data.encode("utf-8")
        except UnicodeEncodeError:
            return data.encode("utf-8", "replace").decode("utf-8")
        return data
    for bom, encoding in _BYTE_ORDER_MARKS:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(encoding)
            except UnicodeDecodeError:
                break  # a BOM and then something else: decoded below as the bytes it is
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


@dataclass(frozen=True, slots=True)
class _Piece:
    clean_start: int
    orig_start: int
    orig_end: int
    verbatim: bool


class _MapBuilder:
    """Collects the output text piece by piece, remembering where each piece came from."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.pieces: list[_Piece] = []
        self.length = 0

    def keep(self, source: str, start: int, end: int) -> None:
        if start >= end:
            return
        self.parts.append(source[start:end])
        self.pieces.append(_Piece(self.length, start, end, True))
        self.length += end - start

    def emit(self, replacement: str, start: int, end: int) -> None:
        if not replacement:
            return
        self.parts.append(replacement)
        self.pieces.append(_Piece(self.length, start, end, False))
        self.length += len(replacement)

    def build(self) -> tuple[str, _OffsetMap]:
        starts = tuple(piece.clean_start for piece in self.pieces)
        return "".join(self.parts), _OffsetMap(tuple(self.pieces), starts)


@dataclass(frozen=True, slots=True)
class _OffsetMap:
    pieces: tuple[_Piece, ...]
    starts: tuple[int, ...]

    def start(self, pos: int) -> int:
        piece = self._piece_at(pos)
        if piece is None:
            return 0
        if piece.verbatim:
            return min(piece.orig_start + pos - piece.clean_start, piece.orig_end)
        return piece.orig_start

    def end(self, pos: int) -> int:
        if pos <= 0:
            return self.start(0)
        piece = self._piece_at(pos - 1)
        if piece is None:
            return 0
        if piece.verbatim:
            return min(piece.orig_start + pos - piece.clean_start, piece.orig_end)
        return piece.orig_end

    def _piece_at(self, pos: int) -> _Piece | None:
        if not self.pieces:
            return None
        index = max(0, bisect.bisect_right(self.starts, pos) - 1)
        return self.pieces[index]


@dataclass(frozen=True, slots=True)
class PreparedText:
    """The customer's new words (``text``) and the way back to the ``original`` positions."""

    original: str
    text: str
    _maps: tuple[_OffsetMap, ...] = ()

    def span_in_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a ``[start, end)`` span of ``text`` to the matching span of ``original``."""
        for offset_map in reversed(self._maps):
            start, end = offset_map.start(start), offset_map.end(end)
        return start, end

    @property
    def is_verbatim(self) -> bool:
        """True when ``text`` is the original text unchanged."""
        return not self._maps


_HTML_HINT = re.compile(
    r"<(?:[a-zA-Z][a-zA-Z0-9]*\b[^<>]*|/[a-zA-Z][a-zA-Z0-9]*\s*)>|&(?:#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);"
)
# Both alternatives below stop where a scan from every "<" would otherwise run on to the end of
# the text: a comment never closed runs to the end (as browsers read it), and a tag's attributes
# end at the next "<". Unbounded, each unclosed "<!--" or "<a " rescans the rest: quadratic.
_HTML_TOKEN = re.compile(
    r"<!--(?:.*?-->|.*)"
    r"|<(?P<close>/?)(?P<tag>[a-zA-Z][a-zA-Z0-9]*)\b(?P<attrs>[^<>]*)>"
    r"|&(?P<entity>#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);",
    re.DOTALL,
)
_BLOCK_TAGS = frozenset(
    "br p div li ul ol tr table h1 h2 h3 h4 h5 h6 hr pre section article header footer".split()
)
_SKIPPED_TAGS = frozenset({"blockquote", "script", "style", "head"})
_QUOTE_CLASS = re.compile(r"class\s*=\s*[\"'][^\"']*(?:gmail_quote|zd-comment-quote|yahoo_quoted)")


def _strip_html(source: str) -> tuple[str, _OffsetMap]:
    out = _MapBuilder()
    skipping: list[str] = []
    cursor = 0
    for match in _HTML_TOKEN.finditer(source):
        if not skipping:
            out.keep(source, cursor, match.start())
        cursor = match.end()
        tag = (match.group("tag") or "").lower()
        if match.group("entity") is not None:
            if not skipping:
                out.emit(html.unescape(match.group(0)), match.start(), match.end())
            continue
        if not tag:
            continue  # a comment
        closing = match.group("close") == "/"
        if tag in _SKIPPED_TAGS or (not closing and _QUOTE_CLASS.search(match.group("attrs"))):
            if closing:
                if skipping and skipping[-1] == tag:
                    skipping.pop()
            elif not match.group("attrs").rstrip().endswith("/"):
                skipping.append(tag)
            continue
        if not skipping and tag in _BLOCK_TAGS:
            out.emit("\n", match.start(), match.end())
        elif skipping and tag == skipping[-1] and not closing:
            skipping.append(tag)  # nested element of the same kind inside a skipped block
        elif skipping and tag == skipping[-1] and closing:
            skipping.pop()
    if not skipping:
        out.keep(source, cursor, len(source))
    return out.build()


# Leading blanks are spaces and tabs only: "^\s*" would run on through every blank line below
# each line start, which is quadratic on a text of many blank lines.
_REPLY_HEADER = re.compile(
    r"^[ \t]*(?:On\b.{0,300}?\bwrote:\s*$"
    r"|-{2,}\s*(?:Original|Forwarded) Message\s*-{2,}"
    r"|_{8,}\s*$"
    r"|From:\s.+\n\s*(?:Sent|Date|To):\s)",
    re.MULTILINE | re.IGNORECASE,
)
_SIGNATURE_DELIMITER = re.compile(r"^(?:-- ?|--|__)\s*$|^Sent from my \w[\w ]{0,30}$", re.MULTILINE)
_VALEDICTION = re.compile(
    r"^[ \t]*(?:thanks|thank you|many thanks|thx|regards|best|best regards|kind regards|"
    r"warm regards|cheers|sincerely|yours sincerely|yours truly|respectfully)[ \t]*([,.!]?)[ \t]*$",
    re.MULTILINE | re.IGNORECASE,
)
_QUOTED_LINE = re.compile(r"^[ \t]*>.*$", re.MULTILINE)


_NAME_BLOCK_LINES = 5  # a sign-off is followed by at most this many lines ...
_NAME_BLOCK_WIDTH = 60  # ... of at most this many characters


def _signature_cut(source: str) -> int:
    """Where the signature (or a sign-off followed by a short name block) begins, or len(source)."""
    cut = len(source)
    delimiter = _SIGNATURE_DELIMITER.search(source)
    if delimiter:
        cut = delimiter.start()
    sign_offs = _VALEDICTION.finditer(source, 0, cut)
    first = next(sign_offs, None)
    if first is None:
        return cut
    # The lines are split once; each sign-off then looks at the filled lines after it, found by
    # bisection. Splitting what follows each sign-off again is quadratic on a text of thousands.
    block = source[:cut]
    lines = block.splitlines()
    line_starts = list(itertools.accumulate(map(len, block.splitlines(keepends=True)), initial=0))
    filled = [index for index, line in enumerate(lines) if line.strip()]
    for match in itertools.chain((first,), sign_offs):
        # a sign-off ends at its line's end (or at the cut): what follows starts a line after it
        after = bisect.bisect_right(filled, bisect.bisect_right(line_starts, match.end()) - 1)
        rest = filled[after : after + _NAME_BLOCK_LINES + 1]
        short_block = len(rest) <= _NAME_BLOCK_LINES and all(
            len(lines[index]) <= _NAME_BLOCK_WIDTH for index in rest
        )
        if short_block and (rest or match.group(1) == ","):
            return match.start()
    return cut


def _strip_quotes_and_signature(source: str) -> tuple[str, _OffsetMap] | None:
    header = _REPLY_HEADER.search(source)
    end = header.start() if header else len(source)
    end = min(end, _signature_cut(source[:end]))
    quoted = [m.span() for m in _QUOTED_LINE.finditer(source, 0, end)]
    if end == len(source) and not quoted:
        return None
    out = _MapBuilder()
    cursor = 0
    for q_start, q_end in quoted:
        out.keep(source, cursor, q_start)
        cursor = q_end
    out.keep(source, cursor, end)
    return out.build()


def prepare(text: str) -> PreparedText:
    """Strip HTML markup, quoted earlier messages and signatures, keeping an offset map."""
    return prepared_if_changed(text) or PreparedText(original=text, text=text)


def prepared_if_changed(text: str) -> PreparedText | None:
    """:func:`prepare`, or ``None`` when it would leave ``text`` as it is.

    For hot paths that mostly meet plain text: they use ``text`` itself then, and make no
    :class:`PreparedText`.
    """
    maps: list[_OffsetMap] = []
    current = text
    if ("<" in current or "&" in current) and _HTML_HINT.search(current):
        current, offset_map = _strip_html(current)
        maps.append(offset_map)
    if "\n" in current or ">" in current or "Sent from" in current:
        stripped = _strip_quotes_and_signature(current)
        if stripped is not None:
            current, offset_map = stripped
            maps.append(offset_map)
    return PreparedText(original=text, text=current, _maps=tuple(maps)) if maps else None


# A line break ends a sentence on its own: a blank line, a list item, or any break after a
# character. The same alternatives, in the same order, close :data:`_SENTENCE_END`.
_LINE_END = r"\n\s*\n|\n(?=\s*[-*•])|(?<=[^\s])\n"
_LINE_BREAK_END = re.compile(_LINE_END)
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"')\]]*\s+|" + _LINE_END)


_ABBREVIATION = re.compile(
    r"(?:\b(?:a\.m|p\.m|e\.g|i\.e|etc|mr|mrs|ms|dr|st|no|approx|vs|jan|feb|mar|apr|jun|jul|aug|"
    r"sep|sept|oct|nov|dec)\.)$",
    re.IGNORECASE,
)


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Split text into sentence spans ``(start, end)``, whitespace excluded.

    A period after a common abbreviation ("3 p.m. today", "e.g. the router") ends no sentence.
    """
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _sentence_ends(text, 0):
        _append_trimmed(text, start, match.start(), spans)
        start = match.end()
    _append_trimmed(text, start, len(text), spans)
    return spans


def sentence_numbers(text: str, positions: Sequence[int]) -> list[int]:
    """For each of the ascending ``positions``, a number that is the same for one sentence.

    The sentences are :func:`split_sentences`' own: two positions share a number when they fall
    in one. Only the text from the first position to the last is read, once, so comparing many
    positions costs no more than splitting the text. Every position must hold a character of a
    sentence (a word, an emoji, a mark): not whitespace, nor a closing quote or bracket just
    after a sentence's end, which belong to no sentence.
    """
    if not positions:
        return []
    numbers: list[int] = []
    number = 0
    ends = _sentence_ends(text, positions[0])
    end = next(ends, None)
    for position in positions:
        while end is not None and end.start() < position:
            number += 1
            end = next(ends, None)
        numbers.append(number)
    return numbers


def _sentence_ends(text: str, pos: int) -> Iterator[re.Match[str]]:
    """The matches of :data:`_SENTENCE_END` from ``pos`` that end a sentence, in order.

    A period after an abbreviation ends no sentence ("3 p.m. today"), but a line break in the
    blanks after it still does ("at 3 p.m.\n\nThanks" is two). Looking for that break inside
    the skipped blanks makes the ends the same wherever the search starts in a sentence, so
    :func:`sentence_numbers` agrees with :func:`split_sentences`.
    """
    while (match := _SENTENCE_END.search(text, pos)) is not None:
        pos = match.end()
        if _follows_abbreviation(text, match.start()):
            # Only the skipped blanks are searched (and one character more, for the list
            # item's lookahead): searching on to the next line break from every "p.m." of a
            # long line would read the rest of the line once per abbreviation.
            line_break = _LINE_BREAK_END.search(text, match.start(), match.end() + 1)
            if line_break is None:
                continue
            match = line_break
            pos = match.end()
        yield match


def _follows_abbreviation(text: str, end: int) -> bool:
    return (
        text[end - 1 : end] == "." and _ABBREVIATION.search(text, max(0, end - 8), end) is not None
    )


def _append_trimmed(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start < end:
        spans.append((start, end))


def strip_end(text: str, marks: str = "", *, words: tuple[str, ...] = ()) -> str:
    """``text`` without its trailing whitespace and ``marks``, and then one trailing word.

    ``words`` are lower-case words that are dropped, with the whitespace and marks around them,
    when one ends the text as a whole word ("we'll call you, and" -> "we'll call you"). This is
    what a pattern like ``[\\s,;]*(?:\\b(?:and|so)\\b)?[\\s,;]*$`` does, but in linear time: such a
    pattern, tried at every position of a long run of marks, takes minutes on a few thousand.
    """
    return text[: stripped_end(text, marks, words=words)]


def stripped_end(
    text: str, marks: str = "", *, words: tuple[str, ...] = (), end: int | None = None
) -> int:
    """Where :func:`strip_end` would cut ``text[:end]``, found without copying it."""
    end = _end_without(text, len(text) if end is None else end, marks)
    for word in words:
        start = end - len(word)
        if (
            start >= 0
            and text[start:end].lower() == word
            and not (start and (text[start - 1].isalnum() or text[start - 1] == "_"))
        ):
            return _end_without(text, start, marks)
    return end


def _end_without(text: str, end: int, marks: str) -> int:
    while end and (text[end - 1].isspace() or text[end - 1] in marks):
        end -= 1
    return end
