"""What `feeds run` imports when nothing changed: it runs from cron every few minutes and most
runs are quiet (every source answers 304 Not Modified), so start-up cost is most of their time.
Parsing, crawling and pretty printing are imported only by the runs that need them."""

import os
import subprocess
import sys

from tests.conftest import REPO, Workspace, serve_fixture

# Run in a subprocess, so this test's own imports do not count: the CLI as cron runs it, then
# the modules it imported among those a quiet run has no use for.
IMPORT_PROBE = """
import sys
from feeds.cli import main
code = main(sys.argv[1:])
unneeded = {
    "feeds.crawl", "feeds.discovery", "feeds.digest", "feeds.extract.listing",
    "feeds.extract.sitemap", "feeds.extract.page", "feeds.extract.selectors",
    "feeds.extract.decode", "cssselect", "lxml.cssselect", "trafilatura", "feedparser",
    "dateparser", "rich",
}
print(sorted(m for m in sys.modules if m in unneeded or m.split('.')[0] in unneeded))
sys.exit(code)
"""


def test_a_quiet_run_imports_no_parser_crawler_or_rich(server, workspace: Workspace, feeds) -> None:
    feed = serve_fixture(server, "rss20.xml")
    workspace.write_config([{"id": "rss", "name": "RSS", "url": feed}])
    assert feeds("run").code == 0  # the cold run: the feed is parsed and stored

    env = {**os.environ, "PYTHONPATH": str(REPO)}
    env.pop("FEEDS_DB", None)
    argv = ["run", "--sources", str(workspace.config), "--db", f"sqlite:///{workspace.database}",
            "--output", str(workspace.output)]  # fmt: skip
    done = subprocess.run([sys.executable, "-c", IMPORT_PROBE, *argv], capture_output=True,
                          text=True, timeout=120, cwd=workspace.root, env=env)  # fmt: skip
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("rss") and "not modified" in lines[0]  # a quiet run it was
    assert lines[-2].startswith("published to ")
    assert lines[-1] == "[]"
