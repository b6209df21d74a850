"""PostgreSQL outages under load: what intake answered, what was lost, how fast it recovered.

    python -m bench.outage                 # 10, 30 and 60 s outages
    python -m bench.outage --seconds 10

Each run starts a private PostgreSQL server (initdb + pg_ctl), the real `watchkeeper serve`
on it with one person on call (paged by email through a local SMTP server), and sends one
new Alertmanager alert every 0.1 s. The database is stopped for the given time, then
started again; an escalation's second level falls due in the middle of the outage.
Printed per outage: requests answered while it was down and how (503 with Retry-After,
or anything else), accepted events missing from the database afterwards, seconds from
the restart to the next accepted event, until every alert accepted before it had paged,
and until the page that fell due during the outage went out.
"""

from __future__ import annotations

import argparse
import tempfile
from collections import Counter
from pathlib import Path

from tests.e2e.outage import run_outage


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, action="append", help="outage length (repeat)")
    args = parser.parse_args()
    lengths = args.seconds or [10.0, 30.0, 60.0]
    print(
        "| outage | sent | answered while down | 503 with Retry-After | other | accepted "
        "| lost | first accept after restart | accepted alerts paged after restart "
        "| page due during the outage, sent after restart |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for seconds in lengths:
        with tempfile.TemporaryDirectory() as root:
            o = run_outage(Path(root), seconds=seconds)
        during = o.during()
        kinds = Counter(a.status for a in during)
        retry = sum(1 for a in during if a.status == 503 and a.retry_after)
        lost = len(o.accepted - o.stored)
        other = {s: n for s, n in kinds.items() if s != 503}
        print(
            f"| {seconds:.0f} s | {len(o.answers)} | {len(during)} | {retry} | {other or 0} "
            f"| {len(o.accepted)} | {lost} | {o.first_accept_after:.2f} s "
            f"| {o.pages_caught_up:.2f} s | {o.due_page_after_restart:.2f} s |"
        )


if __name__ == "__main__":
    main()
