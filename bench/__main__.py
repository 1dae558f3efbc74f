"""`python -m bench [NAME ...]`: run each bench script in its own process."""

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(names: list[str]) -> int:
    scripts = sorted(p.stem for p in HERE.glob("*.py") if p.stem not in {"__init__", "__main__", "harness"})
    unknown = sorted(set(names) - set(scripts))
    if unknown:
        print(f"unknown bench {', '.join(unknown)}; available: {', '.join(scripts)}", file=sys.stderr)
        return 2
    failed = 0
    for name in names or scripts:
        print(f"== bench/{name}.py", flush=True)
        failed |= subprocess.call([sys.executable, "-m", f"bench.{name}"], cwd=HERE.parent)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
