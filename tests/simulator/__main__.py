"""``python -m tests.simulator [--base-port 8800]``: serve the six demo portals until Ctrl-C."""

from __future__ import annotations

import argparse
import time

from tests.simulator import Simulator


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.simulator", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--base-port", type=int, default=8800)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--articles", type=int, default=24, help="articles per portal")
    args = parser.parse_args(argv)
    sim = Simulator(args.host, args.base_port, args.seed, args.articles).start()
    for portal in sim.portals:
        print(f"{portal.id:16} {portal.name:10} {portal.base_url}/", flush=True)
    print(f"{len(sim.truth())} articles; Ctrl-C to stop", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        sim.stop()


if __name__ == "__main__":
    main()
