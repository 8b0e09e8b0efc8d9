"""``healthpulse search`` and ``healthpulse reindex``: the search index from the command line."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, date, datetime, time, timedelta

from healthpulse.cli.common import (
    EXIT_OK,
    CliError,
    CliUnavailable,
    add_config_args,
    open_container,
    progress,
    require_index,
)
from healthpulse.indexes.base import IndexUnavailable
from healthpulse.indexes.common import BadCursor
from healthpulse.indexes.highlight import strip_highlight
from healthpulse.indexes.hybrid import SEARCH_MODES
from healthpulse.indexes.query import FACET_FIELDS, HIGHLIGHT_END, HIGHLIGHT_START, SearchQuery, SearchResult

DEFAULT_FACETS = ["language", "channel", "topics", "department", "sentiment"]


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("search", help="full-text search with filters and facets over the search index")
    add_config_args(p)
    p.add_argument("query", nargs="?", default=None, metavar="QUERY", help="words to find (all must match; any language)")
    p.add_argument("--lang", action="append", default=[], metavar="LANG", help="language filter (repeat or comma-separate)")
    p.add_argument("--topic", action="append", default=[], metavar="TOPIC", help="topic id filter")
    p.add_argument("--department", action="append", default=[], metavar="ID", help="department id filter")
    p.add_argument("--channel", action="append", default=[], metavar="CHANNEL", help="channel filter (news, text_appeal, …)")
    p.add_argument("--sentiment", action="append", default=[], metavar="LABEL", help="negative / neutral / positive")
    p.add_argument("--incident", action="store_true", default=None, help="only incidents")
    p.add_argument("--from", dest="date_from", metavar="DATE", help="published on or after (YYYY-MM-DD or ISO time, UTC)")
    p.add_argument("--to", dest="date_to", metavar="DATE", help="published up to and including DATE (an ISO time: before it)")
    p.add_argument("--sort", choices=["relevance", "date_desc", "date_asc", "reach_desc"],
                   help="default: relevance with QUERY, else newest first; reach_desc: widest reach (social posts) first")
    p.add_argument("--min-reach", type=int, default=None, metavar="N",
                   help="only documents whose reach_total (views, else interactions) is at least N")
    p.add_argument("--size", type=int, default=20, metavar="N", help="hits per page (0-1000, default 20)")
    p.add_argument("--cursor", metavar="TOKEN", help="next_cursor of the previous page")
    p.add_argument("--facet", action="append", default=[], metavar="FIELD",
                   help=f"facet fields (default: {', '.join(DEFAULT_FACETS)}; any of {', '.join(FACET_FIELDS)})")
    p.add_argument("--mode", choices=list(SEARCH_MODES), default="hybrid",
                   help="text: the words, in their language; semantic: vector neighbours; hybrid (default): both plus "
                        "the places and topics QUERY names, fused by rank - finds documents in all five languages")
    p.add_argument("--format", choices=["table", "json"], default="table")
    p.set_defaults(func=cmd_search)

    p = sub.add_parser("reindex", help="rebuild the search index from the database (new index, atomic switch)")
    add_config_args(p)
    p.set_defaults(func=cmd_reindex)


def _split(values: list[str]) -> list[str]:
    return [v.strip() for item in values for v in item.split(",") if v.strip()]


def _parse_date(value: str | None, *, end: bool) -> datetime | None:
    if value is None:
        return None
    try:
        if len(value) == 10:
            day = date.fromisoformat(value)
            start = datetime.combine(day, time(), tzinfo=UTC)
            return start + timedelta(days=1) if end else start
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise CliError(f"invalid date {value!r}: use YYYY-MM-DD or an ISO 8601 time") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def build_query(args: argparse.Namespace) -> SearchQuery:
    facets = _split(args.facet) or DEFAULT_FACETS
    unknown = [f for f in facets if f not in FACET_FIELDS]
    if unknown:
        raise CliError(f"unknown facet field(s): {', '.join(unknown)} (choose from {', '.join(FACET_FIELDS)})")
    if not 0 <= args.size <= 1000:
        raise CliError("--size must be between 0 and 1000")
    if args.min_reach is not None and args.min_reach < 0:
        raise CliError("--min-reach must be 0 or more")
    date_from = _parse_date(args.date_from, end=False)
    date_to = _parse_date(args.date_to, end=True)
    if date_from and date_to and date_from >= date_to:
        raise CliError("--from must be before --to")
    return SearchQuery(
        text=args.query or None,
        languages=_split(args.lang),
        topics=_split(args.topic),
        departments=_split(args.department),
        channels=_split(args.channel),
        sentiments=_split(args.sentiment),
        incident=args.incident,
        min_reach=args.min_reach,
        date_from=date_from,
        date_to=date_to,
        sort=args.sort,
        size=args.size,
        cursor=args.cursor,
        facets=facets,  # type: ignore[arg-type]
        highlight=True,
    )


def result_json(result: SearchResult) -> dict:
    return {
        "total": result.total,
        "total_relation": result.total_relation,
        "hits": [
            {
                "id": h.id,
                "title": h.title,
                "snippet": strip_highlight(h.snippet),
                "highlights": highlighted_words(h.snippet),
                "language": h.language,
                "channel": h.channel,
                "published_at": h.published_at.isoformat(),
                "department": h.department,
                "topics": h.topics,
                "sentiment": h.sentiment,
                "incident": h.incident,
                "severity": h.severity,
                "url": h.url,
                "reach": h.reach.model_dump() if h.reach else None,
                "reach_total": h.reach_total,
                "score": h.score,
            }
            for h in result.hits
        ],
        "facets": {f: [{"key": b.key, "count": b.count} for b in buckets] for f, buckets in result.facets.items()},
        "next_cursor": result.next_cursor,
    }


def highlighted_words(snippet: str) -> list[str]:
    """The words of a snippet that matched the query (between the highlight markers), for JSON readers."""
    return [part.split(HIGHLIGHT_END, 1)[0] for part in snippet.split(HIGHLIGHT_START)[1:]]


def print_table(result: SearchResult, out=None) -> None:  # type: ignore[no-untyped-def]
    out = out or sys.stdout
    bold = (lambda s: s.replace(HIGHLIGHT_START, "\x1b[1m").replace(HIGHLIGHT_END, "\x1b[0m")) if out.isatty() else (
        lambda s: s.replace(HIGHLIGHT_START, "[").replace(HIGHLIGHT_END, "]")
    )
    print(f"{'at least ' if result.total_relation == 'gte' else ''}{result.total} documents", file=out)
    for h in result.hits:
        meta = " ".join(x for x in (h.published_at.date().isoformat(), h.language, h.channel, h.department or "-") if x)
        print(f"\n{h.id}  {meta}", file=out)
        if h.title:
            print(f"  {h.title}", file=out)
        print(f"  {bold(h.snippet)}", file=out)
    for field, buckets in result.facets.items():
        if buckets:
            print(f"\n{field}: " + ", ".join(f"{b.key} ({b.count})" for b in buckets), file=out)
    if result.next_cursor:
        print(f"\nmore: --cursor {result.next_cursor}", file=out)


def cmd_search(args: argparse.Namespace) -> int:
    query = build_query(args)
    container = open_container(args)
    try:
        try:
            index = require_index(container)
            if args.mode == "text" or not query.text:
                result = index.search(query)
            else:
                result = container.query_reader.search(index, query, args.mode)
        except BadCursor as exc:
            raise CliError(str(exc)) from None
        except IndexUnavailable as exc:
            raise CliUnavailable(f"search index unavailable: {exc}") from None
    finally:
        container.close()
    if args.format == "json":
        print(json.dumps({**result_json(result), "mode": args.mode}, ensure_ascii=False))
    else:
        print_table(result)
    return EXIT_OK


def cmd_reindex(args: argparse.Namespace) -> int:
    container = open_container(args)
    try:
        total = container.pipeline.count_documents()
        try:
            # Progress bar over the documents the pipeline streams from the database into the new index.
            count = container.pipeline.reindex(watch=lambda docs: progress(docs, total=total, desc="reindex"))
        except IndexUnavailable as exc:
            raise CliUnavailable(f"search index unavailable, nothing changed: {exc}") from None
    finally:
        container.close()
    print(f"reindexed {count} documents into {require_index(container).name}", file=sys.stderr)
    return EXIT_OK
