"""The commands about the knowledge base itself: sources (and sources add), metrics, types, cite,
extract, schema, validate and export.

(No `from __future__ import annotations`: see cli/__init__.py.)
"""

from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from ..core.errors import EXIT_DATA, UsageError
from .context import Environment
from .params import App
from .shell import (
    DataOption,
    Format,
    FormatOption,
    Lang,
    LangOption,
    WithOption,
    app,
    completion,
    emit,
    format_flag,
    handle_errors,
    load,
    output_options,
    parse_date,
    path_of,
    refuse_base_files,
    table_flag,
    write,
    write_pieces,
)

if TYPE_CHECKING:  # pragma: no cover
    from ..core.base.reading import Loaded
    from ..core.figures.dates import PartialDate
    from ..core.query.common import Result

sources_app = App(
    help="The source documents, with how many facts, policies and programmes cite each.\n\n"
    "Example: cityai sources --format json"
)
app.add_typer(sources_app, name="sources")


@sources_app.callback(invoke_without_command=True)
@output_options
@handle_errors
def sources_command(
    env: Environment,
    ctx: typer.Context,
    format: FormatOption = None,
    lang: LangOption = Lang.zh,
    data: DataOption = None,
    with_: WithOption = None,
) -> None:
    """The source documents, with how many facts, policies and programmes cite each.

    Example: cityai sources --format json
    """
    if ctx.invoked_subcommand is not None:
        return
    # lazy: only the command that runs imports what it uses (start-up)
    from ..core.query.listings import list_sources

    loaded = load(env, data, with_)
    emit(env, loaded, list_sources(loaded.base), format, lang)


@sources_app.command("add")
@handle_errors
def sources_add_command(
    env: Environment,
    file: Annotated[
        Path, typer.Argument(metavar="FILE", parser=path_of("FILE"), help="The document: UTF-8 text, Markdown or HTML.")
    ],
    id: Annotated[str, typer.Option("--id", metavar="ID", help="The new source's id, e.g. xinhua-2025-06.")],  # noqa: A002
    title: Annotated[str, typer.Option(metavar="TITLE", help="The document's title.")],
    publisher: Annotated[str, typer.Option(metavar="NAME", help="Who published it.")],
    published: Annotated[str, typer.Option(metavar="DATE", help="When: 2025, 2025-06 or 2025-06-18.")],
    url: Annotated[Optional[str], typer.Option(metavar="URL", help="Where it was published.")] = None,
    data: DataOption = None,
    with_: WithOption = None,
) -> None:
    (
        """Copy a document into your base's seeds/ and record it with its SHA-256.

    Example: cityai sources add article.txt --id xinhua-2025-06 --title 标题 --publisher 新华社 """
        """--published 2025-06-18 --data my.toml
    """
    )
    # lazy: only the command that runs imports what it uses (start-up)
    from ..core.base.sources import add_source
    from ..view.messages import NEW_BASE_COMMENT

    chosen = data or env.data or (with_[0] if with_ else (env.layers[0] if env.layers else None))
    if chosen is None:
        raise UsageError(
            "sources add writes into your own knowledge base: give --with FILE or --data FILE "
            "(the bundled one is read-only)"
        )
    entry = add_source(chosen, file, id, title, publisher, published, url, NEW_BASE_COMMENT)
    write(env, entry.lstrip("\n"))


@app.command("metrics")
@output_options
@handle_errors
def metrics_command(
    env: Environment,
    format: FormatOption = None,
    lang: LangOption = Lang.zh,
    data: DataOption = None,
    with_: WithOption = None,
) -> None:
    """Every metric: key, Chinese and English names, unit, and how many places have it.

    Example: cityai metrics --lang en
    """
    # lazy: only the command that runs imports what it uses (start-up)
    from ..core.query.listings import list_metrics

    loaded = load(env, data, with_)
    emit(env, loaded, list_metrics(loaded.base), format, lang)


@app.command("types")
@output_options
@handle_errors
def types_command(
    env: Environment,
    format: FormatOption = None,
    lang: LangOption = Lang.zh,
    data: DataOption = None,
    with_: WithOption = None,
) -> None:
    """Subsidy types with their English and pinyin names and category (voucher, subsidy, prize, fund).

    Example: cityai types
    """
    # lazy: only the command that runs imports what it uses (start-up)
    from ..core.query.listings import list_types

    loaded = load(env, data, with_)
    emit(env, loaded, list_types(loaded.base), format, lang)


@app.command("cite")
@output_options
@handle_errors
def cite_command(
    env: Environment,
    name: Annotated[
        str,
        typer.Argument(
            metavar="PLACE|PROGRAMME",
            help="A place (with a metric), or a programme's name.",
            autocompletion=completion("place"),
        ),
    ],
    metric: Annotated[
        Optional[str],
        typer.Argument(metavar="[METRIC]", help="The metric of the place's fact.", autocompletion=completion("metric")),
    ] = None,
    format: FormatOption = None,
    lang: LangOption = Lang.zh,
    data: DataOption = None,
    with_: WithOption = None,
) -> None:
    """The evidence: each citation's source and the paragraph around its quote, marked [[like this]].

    Example: cityai cite 深圳 ai_enterprises
    """
    # lazy: only the command that runs imports what it uses (start-up)
    from ..core.name_index import metric_index, place_index
    from ..core.query.cite import cite_fact, cite_programme

    loaded = load(env, data, with_)
    read = loaded.seed_text
    if metric is None:
        emit(env, loaded, cite_programme(loaded.base, name, read), format, lang)
        return
    place = place_index(loaded.base).resolve(name)
    emit(env, loaded, cite_fact(loaded.base, place, metric_index(loaded.base).resolve(metric), read), format, lang)


class ExtractFormat(str, Enum):
    table = "table"
    csv = "csv"
    json = "json"
    markdown = "markdown"
    toml = "toml"


DocumentArgument = Annotated[
    Path, typer.Argument(metavar="FILE", parser=path_of("FILE"), help="A document: UTF-8 text, Markdown or HTML.")
]
PublishedOption = Annotated[
    Optional[str],
    typer.Option(
        metavar="DATE", help="When the document was published (dates 目前/现 and resolves 去年), e.g. 2025-03-17."
    ),
]
SourceIdOption = Annotated[
    Optional[str], typer.Option(metavar="ID", help="Source id for --format toml (default: from the file name).")
]
NewOnlyOption = Annotated[bool, typer.Option("--new-only", help="Hide candidates the knowledge base already holds.")]
ExtractFormatOption = Annotated[
    Optional[ExtractFormat],
    typer.Option(
        "--format",
        "-f",
        case_sensitive=False,
        metavar="FORMAT",
        help="table, csv, json, markdown, or toml: entries to paste into a base.",
    ),
]


@app.command("extract")
@handle_errors
def extract_command(
    env: Environment,
    file: DocumentArgument,
    published: PublishedOption = None,
    source: SourceIdOption = None,
    new_only: NewOnlyOption = False,
    table: Annotated[Optional[str], table_flag(["candidates", "programmes", "policies"])] = None,
    format: ExtractFormatOption = None,
    lang: LangOption = Lang.zh,
    data: DataOption = None,
    with_: WithOption = None,
) -> None:
    """Candidate facts, programmes and policy documents in a new document, each with a verbatim quote.

    Example: cityai extract article.txt --published 2025-03-17 --format toml > new.toml
    """
    # lazy: only the command that runs imports what it uses (start-up)
    from ..core.base.sources import check_source_id
    from ..core.extract.candidates import extract_candidates
    from ..core.extract.document import read_document

    if source is not None:
        check_source_id(source, "source")
    if table is not None and format == ExtractFormat.toml:
        raise UsageError("--table chooses one table; --format toml writes every candidate as entries to paste")
    loaded = load(env, data, with_)
    when = parse_date(published, "--published")
    text = read_document(file)
    result = extract_candidates(loaded.base, text, when, new_only)
    if format != ExtractFormat.toml:
        emit(env, loaded, result, Format(format.value) if format else None, lang, table=table)
        return
    write(env, _candidates_toml(loaded, result, source, file, when))


def _candidates_toml(
    loaded: "Loaded", result: "Result", source: Optional[str], file: Path, when: Optional["PartialDate"]
) -> str:
    """The candidates as entries to paste into a base, after the new source's entry when the base
    does not hold it yet (what `sources add --id ID` would record)."""
    # lazy: only the command that runs imports what it uses (start-up)
    from ..core.extract.candidates import source_id_for
    from ..core.extract.toml_out import document_toml
    from ..core.text import toml_key, toml_string

    source_id = source or source_id_for(file)[:100]
    head = ""
    if source_id not in loaded.base.sources:
        head = (
            f"# confirm: the new source (copy the document into seeds/ with `cityai sources add`)\n"
            f"[sources.{toml_key(source_id)}]\nfile = {toml_string(source_id + '.txt')}\n"
            f'publisher = "CHOOSE"\ntitle = "CHOOSE"\npublished = {toml_string(str(when or "CHOOSE"))}\n\n'
        )
    scopes = {key: metric.scopes[0].key for key, metric in loaded.base.metrics.items()}
    found = (result.rows, result.meta["programmes"], result.meta["policies"])
    facts, programmes, policies = ([row["_candidate"] for row in rows] for rows in found)
    return head + document_toml(facts, programmes, policies, source_id, scopes, loaded.base.places)


@app.command("schema")
@handle_errors
def schema_command(env: Environment) -> None:
    """The JSON Schema of a knowledge-base file, for TOML editors (data/cities.schema.json).

    Example: cityai schema > cities.schema.json
    """
    # lazy: only the command that runs imports what it uses (start-up)
    import json

    # lazy: only the command that runs imports what it uses (start-up)
    from ..core.base.load import import_models

    write(env, json.dumps(import_models().json_schema(), ensure_ascii=False, indent=2) + "\n")


@app.command("validate")
@handle_errors
def validate_command(
    env: Environment,
    path: Annotated[
        Optional[Path],
        typer.Argument(
            metavar="[FILE]",
            parser=path_of("FILE"),
            help="Knowledge base to check (default: --data or the bundled one).",
        ),
    ] = None,
    format: Annotated[
        Optional[Format],
        format_flag(
            "csv, json or markdown. Default (and table): a line per problem (FILE:LINE: problem), "
            "as linters print, on a terminal and piped alike."
        ),
    ] = None,
    data: DataOption = None,
    with_: WithOption = None,
) -> None:
    """Lint a knowledge base: schema, references, names, and every quote against its source.

    Example: cityai validate data/cities.toml
    """
    # lazy: only the command that runs imports what it uses (start-up)
    from ..core.base.paths import layer_paths
    from ..core.base.validate import validate

    report, summary, ok = validate(path or data or env.data, tuple(layer_paths(with_ or env.layers)))
    if format is None or format == Format.table:
        for row in report.tables[0].rows:
            typer.echo(row["problem"], file=env.stdout)
    else:
        # lazy: only the command that runs imports what it uses (start-up)
        from ..render import Options, chunks, joined

        write_pieces(env, joined(chunks(report, format.value, Options())))
    typer.echo(summary, file=env.stdout if format in (None, Format.table) else env.stderr)
    if not ok:
        raise typer.Exit(EXIT_DATA)


@app.command("export")
@handle_errors
def export_command(
    env: Environment,
    sqlite: Annotated[
        Path,
        typer.Option(
            "--sqlite",
            metavar="FILE",
            parser=path_of("--sqlite"),
            help="SQLite file to write (for Datasette, DuckDB, pandas).",
        ),
    ],
    force: Annotated[bool, typer.Option("--force", help="Overwrite FILE if it exists.")] = False,
    data: DataOption = None,
    with_: WithOption = None,
) -> None:
    """Write the whole knowledge base as one typed SQLite file (numbers as numbers, ISO dates with
    their precision, views latest_facts and programme_terms) and FILE.metadata.json for Datasette.

    Example: cityai export --sqlite cityai.sqlite3
    """
    # lazy: only the command that runs imports what it uses (start-up)
    from ..core.base.paths import data_files, default_data_path
    from ..core.cache.export import metadata_path
    from ..core.cache.store import export
    from ..core.text import one_line

    chosen = data or env.data
    loaded = load(env, data, with_)
    refuse_base_files(loaded, [sqlite, metadata_path(sqlite)], "export")
    export(loaded.base, sqlite, data_files(default_data_path(str(chosen) if chosen else None)), force)
    env.say(f"wrote {one_line(str(sqlite))}")
