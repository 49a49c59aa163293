import random, sys
from pathlib import Path
from tests.helpers import running_simulator
from tests.faults import kill_and_resume
with running_simulator(articles_per_portal=150) as sim:
    for seed in range(int(sys.argv[2])):
        root = Path(sys.argv[1]) / f"s{seed}"
        case = kill_and_resume(sim, "demo_county", root, 5, True, random.Random(seed), "double_sigint", 2)
        print(case.line(), flush=True)
        if not case.survived:
            break
