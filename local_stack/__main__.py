"""`python -m local_stack` (what `make run` runs): start the local stack, stop it on Ctrl-C or SIGTERM."""

from __future__ import annotations

import os
import signal
import sys
import threading
from pathlib import Path
from types import FrameType

from local_stack.dynamodb import LocalStackError
from local_stack.stack import DEFAULT_API_PORT, DEFAULT_DYNAMODB_PORT, ENV_FILE, ROOT, LocalStack, read_env_file


def _port(name: str, default: int) -> int:
    value = os.environ.get(name) or str(default)
    if not value.isdigit() or not 0 < int(value) < 65536:
        raise LocalStackError(f"{name}={value!r} is not a port number")
    return int(value)


def main() -> int:
    """Run until a signal; exit 0 after a clean stop, 1 when the stack could not start."""
    for key, value in read_env_file(Path(ROOT) / ENV_FILE).items():
        os.environ.setdefault(key, value)
    stopping = threading.Event()

    def request_stop(signum: int, frame: FrameType | None) -> None:
        stopping.set()

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    try:
        stack = LocalStack(
            api_port=_port("LOCAL_API_PORT", DEFAULT_API_PORT),
            dynamodb_port=_port("LOCAL_DYNAMODB_PORT", DEFAULT_DYNAMODB_PORT),
        )
        stack.start()
    except LocalStackError as error:
        print(f"local stack: {error}", file=sys.stderr)
        return 1
    try:
        while not stopping.wait(0.5):
            pass
    finally:
        print("stopping...", flush=True)
        stack.stop()
    print("local stack stopped", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
