"""GET /api/v1/feeds/<name>.csv, .jsonl and .xlsx: flat, documented feeds for BI tools (Power BI, Kusto)
and Excel, scoped by the caller like every list, incremental by `updated_since` where a feed has a
change time; CSV and JSON Lines are streamed, a workbook is written whole and then sent."""

from __future__ import annotations

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.exceptions import NotAcceptable, ValidationError
from rest_framework.renderers import JSONRenderer
from rest_framework.utils.mediatypes import media_type_matches
from rest_framework.views import APIView

from config.api.schema import COMMON, Error
from readiness.api.keyset import updated_since_from
from reports import xlsx
from reports.feed_dictionary import FEEDS, JSON_TYPES, Feed
from reports.feed_encoding import csv_chunks, jsonl_chunks
from reports.feed_rows import ROWS

FORMATS = {"csv": ("text/csv", csv_chunks), "jsonl": ("application/jsonl", jsonl_chunks),
           "xlsx": (xlsx.MEDIA_TYPE, None)}


def accepts(header: str, media_type: str) -> bool:
    """Whether an Accept header allows `media_type` (RFC 9110 12.5.1): of the ranges that match it, the most
    specific decides, and a quality of 0 refuses. No header allows anything; a malformed quality is 0."""
    if not header.strip():
        return True
    best: tuple[int, float] | None = None
    for part in header.split(","):
        offered, *params = (piece.strip() for piece in part.split(";"))
        if not offered or not media_type_matches(media_type, offered):
            continue
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                quality = _quality(value.strip())
        specificity = 0 if offered == "*/*" else 1 if offered.endswith("/*") else 2
        if best is None or specificity > best[0]:
            best = (specificity, quality)
    return best is not None and best[1] > 0


def _quality(value: str) -> float:
    try:
        quality = float(value)
    except ValueError:
        return 0.0
    return quality if 0 <= quality <= 1 else 0.0


class FeedView(APIView):
    feed: Feed
    format: str

    def perform_content_negotiation(self, request, force=False):
        media_type = FORMATS[self.format][0]
        if not force and not accepts(request.META.get("HTTP_ACCEPT", ""), media_type):
            raise NotAcceptable(f"This feed is {media_type}; send Accept: {media_type} (or none).")
        return JSONRenderer(), "application/json"  # errors are JSON, as everywhere in the API

    def get(self, request):
        allowed = {"updated_since"} if self.feed.since_column else set()
        problems = {name: ["Unknown query parameter."] for name in sorted(set(request.query_params) - allowed)}
        if "updated_since" in problems:
            problems["updated_since"] = [f"The {self.feed.name} feed is always whole: it has no change time to "
                                         "compare."]
        problems.update({name: ["Give this parameter once."] for name in sorted(allowed)
                         if len(request.query_params.getlist(name)) > 1})
        if problems:
            raise ValidationError(problems)
        since = updated_since_from(request.query_params) if allowed else None
        media_type, encode = FORMATS[self.format]
        rows = ROWS[self.feed.name](request.user, since)
        if encode is None:  # a workbook is written whole (to a temporary file), then sent
            response = FileResponse(xlsx.workbook(self.feed, rows), content_type=media_type, as_attachment=True,
                                    filename=f"{self.feed.name}-{timezone.localdate()}.xlsx")
        else:
            response = StreamingHttpResponse(encode(self.feed, rows), content_type=f"{media_type}; charset=utf-8")
            response["Content-Disposition"] = f'inline; filename="{self.feed.name}.{self.format}"'
        response["Cache-Control"] = "no-store"
        return response


def dictionary_markdown(feed: Feed) -> str:
    rows = "\n".join(f"| `{c.name}` | {c.type}{' or empty' if c.nullable else ''} | {c.description} |"
                     for c in feed.columns)
    key = ", ".join(f"`{name}`" for name in feed.key)
    return f"{feed.description} A row is named by {key}.\n\n| column | type | meaning |\n|---|---|---|\n{rows}"


def row_schema(feed: Feed) -> dict:
    properties = {}
    for column in feed.columns:
        kind = {"type": JSON_TYPES[column.type], "description": column.description}
        if column.type in ("date", "datetime"):
            kind["format"] = "date" if column.type == "date" else "date-time"
        if column.nullable:
            kind["nullable"] = True
        properties[column.name] = kind
    return {"type": "object", "properties": properties, "required": feed.names, "additionalProperties": False}


ANSWERS = {"csv": "One line per row after a header of the column names.",
           "jsonl": "One object per row, one per line.",
           "xlsx": "A workbook with one sheet: typed cells, a frozen header, an autofilter; times in UTC."}


def feed_view(name: str, format: str) -> type[FeedView]:
    feed = FEEDS[name]
    media_type = FORMATS[format][0]
    sending = "Written whole, then sent." if format == "xlsx" else "Streamed."
    description = dictionary_markdown(feed) + (
        f"\n\n{sending} `updated_since` (ISO-8601 with a UTC offset, inclusive) gives the rows changed since; "
        f"rows come ordered by `{feed.since_column}`." if feed.since_column else f"\n\n{sending} Always whole.")
    body = {"csv": OpenApiTypes.STR, "jsonl": row_schema(feed), "xlsx": OpenApiTypes.BINARY}[format]
    parameters = [OpenApiParameter("updated_since", OpenApiTypes.DATETIME)] if feed.since_column else []
    responses = {(200, media_type): OpenApiResponse(body, description=ANSWERS[format]),
                 400: OpenApiResponse(Error, description="Unknown or malformed query parameter."), **COMMON,
                 406: OpenApiResponse(Error, description=f"Accept excludes {media_type}.")}

    @extend_schema(operation_id=f"feed_{name}_{format}", summary=f"{name} feed ({format})", description=description,
                   parameters=parameters, responses=responses, tags=["feeds"])
    def get(self, request):  # its own function: the schema decorator marks the function it is given
        return FeedView.get(self, request)

    return type(f"{name.title()}{format.title()}Feed", (FeedView,), {"feed": feed, "format": format, "get": get})
