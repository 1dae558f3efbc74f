"""Ready-to-paste recipes for BI tools, written from the data dictionary so they cannot drift from it:
a Power Query (M) script for Power BI's Web connector, and the Kusto (Azure Data Explorer) table,
CSV mapping and ingest commands."""

from __future__ import annotations

import json

from reports.feed_dictionary import BOOLEAN, DATE, DATETIME, DECIMAL, INTEGER, Feed

POWER_QUERY_TYPES = {INTEGER: "Int64.Type", DECIMAL: "type number", DATE: "type date", DATETIME: "type datetimezone",
                     BOOLEAN: "type logical"}
KUSTO_TYPES = {INTEGER: "long", DECIMAL: "decimal", DATE: "datetime", DATETIME: "datetime", BOOLEAN: "bool"}


def table_name(feed: Feed) -> str:
    return "Portal" + feed.name.title()


def power_query(feed: Feed, base_url: str) -> str:
    """M for Power BI: the key is sent in the Authorization header (store it as a parameter named ApiKey;
    Web.Contents with Headers needs anonymous credentials for the URL)."""
    types = ", ".join(f'{{"{column.name}", {POWER_QUERY_TYPES.get(column.type, "type text")}}}'
                      for column in feed.columns)
    return (
        "let\n"
        f'    Source = Csv.Document(Web.Contents("{base_url.rstrip("/")}/api/v1/feeds/{feed.name}.csv", '
        '[Headers = [Authorization = "Api-Key " & ApiKey]]),\n'
        f"        [Delimiter = \",\", Columns = {len(feed.columns)}, Encoding = 65001, QuoteStyle = QuoteStyle.Csv]),\n"
        "    Promoted = Table.PromoteHeaders(Source, [PromoteAllScalars = true]),\n"
        f"    Typed = Table.TransformColumnTypes(Promoted, {{{types}}}, \"en-US\")\n"
        "in\n"
        "    Typed\n"
    )


def kusto_commands(feed: Feed) -> str:
    """The table, a CSV mapping by position, and the ingest of a downloaded feed file (Kusto cannot send
    the key header itself: fetch with curl, upload to a storage container, ingest from its SAS URL)."""
    table = table_name(feed)
    columns = ", ".join(f"['{column.name}']:{KUSTO_TYPES.get(column.type, 'string')}" for column in feed.columns)
    mapping = json.dumps([{"column": column.name, "Properties": {"Ordinal": str(position)}}
                          for position, column in enumerate(feed.columns)], separators=(",", ":"))
    return (
        f".create-merge table {table} ({columns})\n\n"
        f".create-or-alter table {table} ingestion csv mapping \"{table}Csv\" '{mapping}'\n\n"
        f".ingest into table {table} (h'https://<account>.blob.core.windows.net/<container>/{feed.name}.csv?<SAS>')\n"
        f"    with (format = 'csv', ingestionMappingReference = '{table}Csv', ignoreFirstRecord = true)\n"
    )
