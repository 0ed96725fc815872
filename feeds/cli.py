"""The `feeds` command: run, check, status; worker and scheduler for many hosts.

Exit codes (DESIGN.md): 0 feeds written (source failures are reported, not fatal); 1 some
sources failed and --strict was given; 2 bad configuration or output not writable; 3 another
run held the state lock for longer than --wait.
"""

import argparse
import gc
import json
import os
import sys
from collections.abc import Sequence
from datetime import UTC, datetime

from feeds import __version__

EXIT_OK, EXIT_SOURCES_FAILED, EXIT_CONFIG, EXIT_LOCKED = 0, 1, 2, 3


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return EXIT_CONFIG
    from feeds import logs

    logs.configure(args.log_format)
    return args.handler(args)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="feeds",
        description="Collect news from the sources in sources.yaml and publish RSS/Atom streams.",
    )
    parser.add_argument("--version", action="version", version=f"feeds {__version__}")
    parser.add_argument(
        "--log-format",
        choices=["text", "json"],
        default="text",
        help="log lines on stderr as text (default) or JSON",
    )
    # --log-format is accepted after the command too ("feeds run --log-format json").
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--log-format", choices=["text", "json"], default=argparse.SUPPRESS,
                        help="log lines on stderr as text (default) or JSON")  # fmt: skip
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    def sources_option(command: argparse.ArgumentParser) -> None:
        command.add_argument(
            "--sources",
            default=os.environ.get("FEEDS_SOURCES", "sources.yaml"),
            metavar="FILE",
            help="configuration file (default: $FEEDS_SOURCES or ./sources.yaml)",
        )

    run = commands.add_parser(
        "run", parents=[common], help="fetch every enabled source once, then publish"
    )
    sources_option(run)
    run.add_argument("--output", metavar="DIR", help="output folder (default: from the file)")
    run.add_argument("--db", metavar="URL", help="database URL (default: $FEEDS_DB, the file)")
    run.add_argument("--only", nargs="+", metavar="ID", help="fetch only these source ids")
    run.add_argument("--strict", action="store_true", help="exit 1 if any source failed")
    run.add_argument(
        "--wait",
        type=float,
        default=120.0,
        metavar="SECONDS",
        help="how long to wait for a run already in progress (default 120)",
    )
    run.set_defaults(handler=command_run)

    check = commands.add_parser(
        "check", parents=[common], help="validate sources.yaml and summarise it"
    )
    sources_option(check)
    check.set_defaults(handler=command_check)

    serve = commands.add_parser(
        "serve", parents=[common], help="run the scheduler and the HTTP server"
    )
    sources_option(serve)
    serve.add_argument("--host", help="address to listen on (default: serve.host, 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port (default: serve.port, 8080)")
    serve.add_argument("--output", metavar="DIR", help="output folder (default: from the file)")
    serve.add_argument("--db", metavar="URL", help="database URL (default: $FEEDS_DB, the file)")
    serve.set_defaults(handler=command_serve)

    discover = commands.add_parser(
        "discover", parents=[common], help="find the feeds (or sitemaps) of a site"
    )
    sources_option(discover)  # only for the User-Agent's contact link, when the file exists
    discover.add_argument("url", metavar="URL", help="a site's home page or any of its pages")
    discover.add_argument("--timeout", type=float, default=20.0, metavar="SECONDS")
    discover.set_defaults(handler=command_discover)

    worker = commands.add_parser(
        "worker", parents=[common], help="take fetch jobs from the PostgreSQL queue"
    )
    sources_option(worker)
    worker.add_argument(
        "--db", metavar="URL", help="postgresql+psycopg:// URL (default: $FEEDS_DB, the file)"
    )
    worker.add_argument("--output", metavar="DIR", help="output folder, with --publish")
    worker.add_argument("--concurrency", type=int, default=8, metavar="N",
                        help="fetch jobs run at once (default 8)")  # fmt: skip
    worker.add_argument("--publish", action="store_true",
                        help="take publish jobs too (this host writes output/)")  # fmt: skip
    worker.add_argument("--until-empty", action="store_true",
                        help="exit once no job is waiting or running (cron, tests)")  # fmt: skip
    worker.set_defaults(handler=command_worker)

    scheduler = commands.add_parser(
        "scheduler", parents=[common], help="queue due sources, retry stalled jobs, publish"
    )
    sources_option(scheduler)
    scheduler.add_argument(
        "--db", metavar="URL", help="postgresql+psycopg:// URL (default: $FEEDS_DB, the file)"
    )
    scheduler.add_argument("--output", metavar="DIR", help="output folder (default: from the file)")
    scheduler.add_argument("--once", action="store_true",
                           help="queue every enabled source once and exit")  # fmt: skip
    scheduler.add_argument("--no-publish", action="store_true",
                           help="leave publish jobs to a `feeds worker --publish`")  # fmt: skip
    scheduler.set_defaults(handler=command_scheduler)

    status = commands.add_parser("status", parents=[common], help="health of every source")
    sources_option(status)
    status.add_argument("--db", metavar="URL", help="database URL (default: $FEEDS_DB, the file)")
    status.add_argument("--json", action="store_true", help="print JSON instead of a table")
    status.set_defaults(handler=command_status)

    db = commands.add_parser("db", help="the state database's schema: upgrade, current")
    db_commands = db.add_subparsers(dest="db_command", metavar="DB_COMMAND", required=True)
    for name, handler, text in (
        ("upgrade", command_db_upgrade, "migrate the database to this version's schema"),
        ("current", command_db_current, "show the database's schema revision and the head"),
    ):
        db_command = db_commands.add_parser(name, parents=[common], help=text)
        sources_option(db_command)
        db_command.add_argument("--db", metavar="URL",
                                help="database URL (default: $FEEDS_DB, the file)")  # fmt: skip
        db_command.set_defaults(handler=handler)
    return parser


def load(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from feeds.config import ConfigError, load_settings

    try:
        return load_settings(
            args.sources,
            database_url=getattr(args, "db", None),
            output_dir=getattr(args, "output", None),
        )
    except ConfigError as error:
        print(error.describe(), file=sys.stderr)
        print(f"{args.sources}: configuration not valid; nothing was changed.", file=sys.stderr)
        return None


def command_run(args: argparse.Namespace) -> int:
    settings = load(args)
    if settings is None:
        return EXIT_CONFIG
    if args.only:
        unknown = [source_id for source_id in args.only if settings.source(source_id) is None]
        if unknown:
            print(f"unknown source id(s): {', '.join(unknown)}", file=sys.stderr)
            return EXIT_CONFIG

    from feeds.pipeline import SourceReport, run_once
    from feeds.publish import OutputError
    from feeds.runlock import LockTimeout, RunLock
    from feeds.store import Store
    from feeds.store.store import SchemaError

    # What start-up made (modules, settings) lives as long as the run: frozen, it is no longer
    # walked by every full garbage collection (~50 ms each, measured while publishing).
    gc.freeze()
    width = max((len(source.id) for source in settings.sources), default=10)
    progress = Progress(len(settings.enabled_sources(args.only)))

    def print_source(report: SourceReport) -> None:
        progress.advance(f"{report.source_id:<{width}}  {describe(report)}")

    try:
        with RunLock(settings.database_url, wait_seconds=args.wait), progress:
            store = Store(settings.database_url)
            try:
                report = run_once(settings, store, only=args.only, on_source_done=print_source)
            finally:
                store.close()
    except LockTimeout as error:
        print(str(error), file=sys.stderr)
        return EXIT_LOCKED
    except OutputError as error:
        print(f"error: {error}; published files were left as they were.", file=sys.stderr)
        return EXIT_CONFIG
    except SchemaError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_CONFIG

    print(summary(report, settings.output_dir))
    if args.strict and report.failures:
        return EXIT_SOURCES_FAILED
    return EXIT_OK


class Progress:
    """A progress bar on a terminal; plain lines in cron, pipes and logs (no TTY)."""

    def __init__(self, total: int):
        self.total = total
        self._bar = None

    def __enter__(self) -> "Progress":
        if sys.stdout.isatty():
            from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn
            from rich.progress import Progress as Bar

            self._bar = Bar(TextColumn("fetching"), BarColumn(), MofNCompleteColumn(),
                            TimeElapsedColumn(), transient=True)  # fmt: skip
            self._bar.start()
            self._task = self._bar.add_task("sources", total=self.total)
        return self

    def advance(self, line: str) -> None:
        if self._bar is None:
            print(line, flush=True)
        else:
            self._bar.console.print(line, highlight=False, markup=False)
            self._bar.advance(self._task)

    def __exit__(self, *exc_info: object) -> None:
        if self._bar is not None:
            self._bar.stop()


def describe(report) -> str:  # type: ignore[no-untyped-def]
    if report.outcome == "failed":
        return f"failed: {report.error}"
    text = report.outcome
    if report.outcome == "ok":
        counts = report.counts
        parts = [f"{counts.new} new", f"{counts.updated} updated", f"{counts.unchanged} unchanged"]
        text = ", ".join(parts)
    if report.warnings:
        text += f" ({len(report.warnings)} warning{'s' if len(report.warnings) > 1 else ''})"
    if report.moved_to:
        text += f"; moved permanently to {report.moved_to}"
    return f"{text}  [{report.seconds:.1f} s]"


def summary(report, output_dir) -> str:  # type: ignore[no-untyped-def]
    ok = len(report.sources) - len(report.failures)
    new = sum(source.counts.new for source in report.sources)
    updated = sum(source.counts.updated for source in report.sources)
    written = sum(len(output.written) for output in report.outputs)
    unchanged = sum(len(output.unchanged) for output in report.outputs)
    streams = ", ".join(f"{output.slug} ({output.items} items)" for output in report.outputs)
    return (
        f"total: {len(report.sources)} sources, {ok} ok, {len(report.failures)} failed; "
        f"{new} new, {updated} updated articles\n"
        f"published to {output_dir}: {streams}; {written} files written, {unchanged} unchanged"
    )


def command_check(args: argparse.Namespace) -> int:
    settings = load(args)
    if settings is None:
        return EXIT_CONFIG
    config = settings.config
    print(f"{args.sources}: valid")
    print(
        f"stream: {config.stream.title} <{config.stream.link}>, language {config.stream.language}"
    )
    print(f"database: {settings.database_url}")
    print(f"output: {settings.output_dir}")
    enabled = len(settings.enabled_sources())
    print(f"sources: {len(config.sources)} ({enabled} enabled)")
    for source in config.sources:
        interval = source.interval or config.defaults.interval
        flags = "" if source.enabled else " [disabled]"
        extra = f", categories: {', '.join(source.categories)}" if source.categories else ""
        print(
            f"  {source.id}: {source.kind} {source.url} every {interval}, "
            f"{settings.timezone_for(source)}{extra}{flags}"
        )
    print(f"outputs: {len(config.outputs)}")
    for output in config.outputs:
        limit = output.limit or config.defaults.limit
        print(
            f"  {output.slug}: {output.title!r}, {limit} items -> "
            f"{output.slug}.rss, {output.slug}.atom"
        )
    return EXIT_OK


def command_serve(args: argparse.Namespace) -> int:
    settings = load(args)
    if settings is None:
        return EXIT_CONFIG
    from feeds.serve.run import run_service
    from feeds.store.store import SchemaError

    serve = settings.config.serve
    try:
        run_service(settings, host=args.host or serve.host, port=args.port or serve.port)
    except SchemaError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_CONFIG
    except OSError as error:
        print(f"error: cannot serve: {error}", file=sys.stderr)
        return EXIT_CONFIG
    return EXIT_OK


def command_worker(args: argparse.Namespace) -> int:
    return run_queue_command(args, "worker")


def command_scheduler(args: argparse.Namespace) -> int:
    return run_queue_command(args, "scheduler")


def run_queue_command(args: argparse.Namespace, command: str) -> int:
    """`feeds worker` / `feeds scheduler`: PostgreSQL only; procrastinate is imported here,
    never on the single-host path."""
    settings = load(args)
    if settings is None:
        return EXIT_CONFIG
    from feeds.queue.app import NOT_POSTGRES, is_postgres

    if not is_postgres(settings.database_url):
        print(NOT_POSTGRES.format(command=command), file=sys.stderr)
        return EXIT_CONFIG
    import asyncio

    from procrastinate.exceptions import ConnectorException
    from psycopg import Error as PsycopgError
    from sqlalchemy.exc import SQLAlchemyError

    from feeds.queue.app import QueueError, WorkerContext, shown_url
    from feeds.store.store import SchemaError

    runtime = WorkerContext(settings.file, database_url=args.db, output_dir=args.output)
    runtime.seed(settings)  # read once: a large sources.yaml takes a while to parse
    try:
        if command == "worker":
            from feeds.queue.worker import work

            asyncio.run(work(settings, runtime, concurrency=max(1, args.concurrency),
                             publish=args.publish, until_empty=args.until_empty))  # fmt: skip
        elif args.once:
            from feeds.queue.scheduler import enqueue_all

            queued, skipped = asyncio.run(enqueue_all(settings))
            print(f"queued {queued} source(s); {skipped} already queued or being fetched")
        else:
            from feeds.queue.scheduler import run_scheduler

            asyncio.run(run_scheduler(settings, runtime, publish=not args.no_publish))
    except (QueueError, SchemaError) as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_CONFIG
    except (ConnectorException, PsycopgError, SQLAlchemyError, OSError) as error:
        cause = error.__cause__ or error
        print(f"error: the database {shown_url(settings.database_url)}: {cause}", file=sys.stderr)
        return EXIT_CONFIG
    return EXIT_OK


def command_discover(args: argparse.Namespace) -> int:
    import asyncio

    from feeds.discovery import discover, suggested_entry
    from feeds.fetch import Fetcher, FetchError, user_agent
    from feeds.fetch.fetcher import Limits
    from feeds.fetch.guard import parse_networks

    async def find():  # type: ignore[no-untyped-def]
        settings = optional_settings(args.sources)
        limits = Limits(
            read_timeout=args.timeout,
            total_timeout=args.timeout * 2,
            host_delay=0,
            allow_private=bool(settings and settings.config.fetch.allow_private),
            allowed_networks=parse_networks(
                settings.config.fetch.allow_networks if settings else []
            ),
        )
        contact = settings.config.stream.link if settings else None
        async with Fetcher(limits, user_agent=user_agent(contact)) as fetcher:
            return await discover(fetcher, args.url)

    try:
        found = asyncio.run(find())
    except FetchError as error:
        print(f"{args.url}: cannot fetch: {error}", file=sys.stderr)
        return EXIT_SOURCES_FAILED
    if not found:
        print(
            f'{args.url}: no feed found. The page announces none (<link rel="alternate">), '
            "no common feed path answered with a feed, and robots.txt lists no sitemap.\n"
            "Read the page itself with kind: html and select (see README, sources.yaml)."
        )
        return EXIT_SOURCES_FAILED
    for item in found:
        title = f"  {item.title!r}" if item.title else ""
        print(f"{item.kind:<8} {item.url}  {item.items} items  (from {item.how}){title}")
    print("\nsources.yaml entry:")
    print(suggested_entry(found[0], args.url), end="")
    return EXIT_OK


def optional_settings(sources: str):  # type: ignore[no-untyped-def]
    """The configuration if the file is there and valid (discover works without one)."""
    from feeds.config import ConfigError, load_settings

    try:
        return load_settings(sources)
    except ConfigError:
        return None


def command_status(args: argparse.Namespace) -> int:
    settings = load(args)
    if settings is None:
        return EXIT_CONFIG
    from feeds.store import Store
    from feeds.store.store import SchemaError

    try:
        store = Store(settings.database_url)
    except SchemaError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_CONFIG
    try:
        rows = {row.id: row for row in store.sources()}
        counts = store.article_counts()
    finally:
        store.close()

    entries = []
    for source in settings.sources:
        row = rows.get(source.id)
        entries.append(
            {
                "id": source.id,
                "name": source.name,
                "url": source.url,
                "enabled": source.enabled,
                "last_fetch": iso(row.last_fetch_at) if row else None,
                "last_success": iso(row.last_success_at) if row else None,
                "last_status": row.last_status if row else None,
                "last_error": row.last_error if row else None,
                "last_error_at": iso(row.last_error_at) if row else None,
                "consecutive_failures": row.consecutive_failures if row else 0,
                "warnings": row.warnings if row else [],
                "moved_to": row.moved_to if row else None,
                "articles": counts.get(source.id, 0),
            }
        )
    if args.json:
        print(json.dumps({"sources": entries}, indent=2, ensure_ascii=False))
        return EXIT_OK
    print_status_table(entries)
    return EXIT_OK


def iso(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat(timespec="seconds") if value else None


def print_status_table(entries: list[dict]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title="Sources", title_justify="left")
    for column in ("source", "last success", "failures", "articles", "last error"):
        table.add_column(column, overflow="fold")
    now = datetime.now(UTC)
    for entry in entries:
        failures = entry["consecutive_failures"]
        name = entry["id"] + ("" if entry["enabled"] else " (disabled)")
        error = entry["last_error"] or ""
        if error and entry["last_error_at"]:
            error = f"{ago(entry['last_error_at'], now)}: {error}"
        table.add_row(
            name,
            ago(entry["last_success"], now) if entry["last_success"] else "never",
            f"[red]{failures}[/red]" if failures else "0",
            str(entry["articles"]),
            error,
        )
    Console().print(table)


def ago(timestamp: str, now: datetime) -> str:
    seconds = int((now - datetime.fromisoformat(timestamp)).total_seconds())
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{seconds // size}{unit} ago"
    return f"{max(seconds, 0)}s ago"


def database_url(args: argparse.Namespace) -> str | None:
    """--db, else $FEEDS_DB, else the file's storage.database, as for `feeds run`; the file is
    only read (and must be valid) when it is the one that says."""
    if args.db or os.environ.get("FEEDS_DB"):
        return args.db or os.environ["FEEDS_DB"]
    settings = load(args)
    return settings.database_url if settings else None


def command_db_upgrade(args: argparse.Namespace) -> int:
    url = database_url(args)
    if url is None:
        return EXIT_CONFIG
    from sqlalchemy.exc import OperationalError

    from feeds.store.migrate import upgrade
    from feeds.store.version import EMPTY, UNVERSIONED, SchemaError

    try:
        result = upgrade(url)
    except (SchemaError, OperationalError) as error:
        print(f"error: {str(error).splitlines()[0]}", file=sys.stderr)
        return EXIT_CONFIG
    print(f"database: {result.database}")
    for note in result.notes:
        print(note)
    if result.before == result.after:
        print(f"up to date: revision {result.after}")
    else:
        before = {EMPTY: "empty", UNVERSIONED: "0001"}.get(result.before, result.before)
        print(f"upgraded: {before} -> {result.after}")
    if result.queue:
        print("job queue tables: ready")
    return EXIT_OK


def command_db_current(args: argparse.Namespace) -> int:
    """Exit 0 when the database is at the head revision, 1 when it needs `feeds db upgrade`."""
    url = database_url(args)
    if url is None:
        return EXIT_CONFIG
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import OperationalError

    from feeds.store.migrate import current
    from feeds.store.version import EMPTY, UNVERSIONED

    try:
        state, head = current(url)
    except OperationalError as error:
        print(f"error: {str(error).splitlines()[0]}", file=sys.stderr)
        return EXIT_CONFIG
    shown = make_url(url).render_as_string(hide_password=True)
    described = {EMPTY: "none (no feeds tables yet)",
                 UNVERSIONED: "none (tables from before migrations)"}  # fmt: skip
    print(f"database: {shown}")
    print(f"current:  {described.get(state, state)}")
    if state == head:
        print(f"head:     {head} (up to date)")
        return EXIT_OK
    if state == EMPTY and make_url(url).get_backend_name() == "sqlite":
        print(f"head:     {head} (the first feeds run creates it, or: feeds db upgrade)")
    else:
        print(f"head:     {head} (run: feeds db upgrade --db {shown})")
    return EXIT_SOURCES_FAILED
