"""Run every benchmark script in this folder, one after another, in a fresh interpreter each."""

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent

if __name__ == "__main__":
    failed = 0
    for script in sorted(HERE.glob("bench_*.py")):
        print(f"== {script.name}", flush=True)
        failed |= subprocess.run([sys.executable, str(script), *sys.argv[1:]], check=False).returncode
    sys.exit(1 if failed else 0)
