"""Reads template.yaml for the local stack: its tables, HTTP routes, schedules and function environments.

Everything the local stack serves comes from the template, so the two cannot drift apart: a new route,
table, index or environment variable in template.yaml is picked up without touching this package.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

LOCAL_STACK_NAME = "slaops-local"
LOCAL_ACCOUNT = "123456789012"
FUNCTION_TYPE = "AWS::Serverless::Function"
TABLE_TYPE = "AWS::DynamoDB::Table"
LAYER_TYPE = "AWS::Serverless::LayerVersion"
LAYER_MOUNT = "/opt/"
LOCAL_CONFIG_ENV = "LOCAL_CONFIG_DIR"  # a directory to mount as the config/ layer instead (tests)


class TemplateError(ValueError):
    """The template uses something the local stack cannot reproduce."""


class _CfnLoader(yaml.SafeLoader):
    """YAML loader that turns CloudFormation short tags (!Ref, !Sub, !GetAtt...) into their long form."""


def _cfn_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> dict[str, Any]:
    name = "Ref" if suffix == "Ref" else f"Fn::{suffix}"
    value: Any
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
        if suffix == "GetAtt":
            value = str(value).split(".", 1)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    elif isinstance(node, yaml.MappingNode):
        value = loader.construct_mapping(node, deep=True)
    else:
        raise TemplateError(f"cannot read !{suffix} {node!r}")
    return {name: value}


_CfnLoader.add_multi_constructor("!", _cfn_tag)


@dataclass(frozen=True)
class Route:
    """One HttpApi event: `method path` served by a function."""

    method: str
    path: str
    function: str

    @property
    def route_key(self) -> str:
        return f"{self.method} {self.path}"


@dataclass(frozen=True)
class Schedule:
    """One ScheduleV2 event: the expression and the Input string the function receives."""

    function: str
    event_name: str
    expression: str
    input: str


@dataclass(frozen=True)
class FunctionSpec:
    """A function as the template declares it, with Globals applied."""

    logical_id: str
    name: str
    code_uri: str
    handler: str
    environment: Mapping[str, Any]
    memory_mb: int
    timeout_s: float  # seconds; whole in the template, a fraction in unit tests

    @property
    def module(self) -> str:
        """The importable module of the handler: functions/slack/ + app.handler -> functions.slack.app."""
        package = ".".join(part for part in Path(self.code_uri).parts if part not in ("", "."))
        return f"{package}.{self.handler.rsplit('.', 1)[0]}"

    @property
    def attribute(self) -> str:
        return self.handler.rsplit(".", 1)[1]


@dataclass
class Template:
    """The parts of template.yaml the local stack reproduces."""

    path: Path
    resources: Mapping[str, Any]
    parameters: Mapping[str, Any]
    globals: Mapping[str, Any]
    functions: dict[str, FunctionSpec] = field(default_factory=dict)
    routes: list[Route] = field(default_factory=list)
    schedules: list[Schedule] = field(default_factory=list)

    def tables(self) -> dict[str, Mapping[str, Any]]:
        """Every AWS::DynamoDB::Table's Properties, by logical id."""
        return {
            logical_id: resource.get("Properties", {})
            for logical_id, resource in self.resources.items()
            if resource.get("Type") == TABLE_TYPE
        }

    def built_layers(self) -> list[Path]:
        """Source folders of layers built by `sam build` (their code lands in /opt/python, on sys.path)."""
        return [
            self.path.parent / resource["Properties"]["ContentUri"]
            for resource in self.resources.values()
            if resource.get("Type") == LAYER_TYPE and "BuildMethod" in resource.get("Metadata", {})
        ]

    def plain_layers(self) -> list[Path]:
        """Layers built by copying their ContentUri as is (no Metadata build): mounted under /opt. The one built
        from config/ (the contracts file and the deployment's own policies) is LOCAL_CONFIG_DIR when that is set,
        so a test stack can run on a copy of config/."""
        config = os.environ.get(LOCAL_CONFIG_ENV)
        layers = [
            self.path.parent / resource["Properties"]["ContentUri"]
            for resource in self.resources.values()
            if resource.get("Type") == LAYER_TYPE and "BuildMethod" not in resource.get("Metadata", {})
        ]
        default = (self.path.parent / "config").resolve()
        return [Path(config) if config and layer.resolve() == default else layer for layer in layers]


def load_template(path: Path) -> Template:
    """Parse template.yaml and collect its functions, HttpApi routes and ScheduleV2 schedules."""
    with path.open(encoding="utf-8") as handle:
        raw = yaml.load(handle, Loader=_CfnLoader)  # noqa: S506 - a SafeLoader subclass
    template = Template(
        path=path,
        resources=raw.get("Resources", {}),
        parameters=raw.get("Parameters", {}),
        globals=raw.get("Globals", {}).get("Function", {}),
    )
    for logical_id, resource in template.resources.items():
        if resource.get("Type") != FUNCTION_TYPE:
            continue
        spec = _function_spec(template, logical_id, resource.get("Properties", {}))
        template.functions[logical_id] = spec
        for event_name, event in resource["Properties"].get("Events", {}).items():
            properties = event.get("Properties", {})
            if event.get("Type") == "HttpApi":
                template.routes.append(Route(properties["Method"].upper(), properties["Path"], logical_id))
            elif event.get("Type") == "ScheduleV2":
                template.schedules.append(
                    Schedule(logical_id, event_name, properties["ScheduleExpression"], properties.get("Input", "{}"))
                )
    return template


def _function_spec(template: Template, logical_id: str, properties: Mapping[str, Any]) -> FunctionSpec:
    merged = {**template.globals, **properties}
    environment = {
        **template.globals.get("Environment", {}).get("Variables", {}),
        **properties.get("Environment", {}).get("Variables", {}),
    }
    name = merged.get("FunctionName", logical_id)
    return FunctionSpec(
        logical_id=logical_id,
        name=name if isinstance(name, str) else resolve_sub(template, name),
        code_uri=merged["CodeUri"],
        handler=merged["Handler"],
        environment=environment,
        memory_mb=int(merged.get("MemorySize", 128)),
        timeout_s=int(merged.get("Timeout", 3)),
    )


def resolve_sub(template: Template, value: Mapping[str, Any]) -> str:
    """A `!Sub` of pseudo parameters and template parameters, with local values."""
    text = value.get("Fn::Sub")
    if not isinstance(text, str):
        raise TemplateError(f"cannot resolve {value!r} locally")
    for name, replacement in pseudo_parameters().items():
        text = text.replace(f"${{{name}}}", replacement)
    for name, parameter in template.parameters.items():
        text = text.replace(f"${{{name}}}", str(parameter.get("Default", "")))
    return text


def pseudo_parameters() -> dict[str, str]:
    return {
        "AWS::StackName": LOCAL_STACK_NAME,
        "AWS::Region": "us-east-1",
        "AWS::AccountId": LOCAL_ACCOUNT,
        "AWS::Partition": "aws",
        "AWS::URLSuffix": "amazonaws.com",
    }


def resolve_environment(template: Template, spec: FunctionSpec, table_names: Mapping[str, str]) -> dict[str, str]:
    """A function's environment with local values: table Refs become local table names, parameter Refs
    their defaults, and /opt paths of plain layers the files in the repository they are built from."""
    resolved: dict[str, str] = {}
    for key, value in spec.environment.items():
        if isinstance(value, Mapping) and "Ref" in value:
            ref = value["Ref"]
            if ref in table_names:
                resolved[key] = table_names[ref]
            elif ref in template.parameters:
                resolved[key] = str(template.parameters[ref].get("Default", ""))
            else:
                raise TemplateError(f"{spec.logical_id}: cannot resolve !Ref {ref} for {key} locally")
        elif isinstance(value, Mapping):
            resolved[key] = resolve_sub(template, value)
        else:
            resolved[key] = _local_path(template, str(value))
    return resolved


def _local_path(template: Template, value: str) -> str:
    if not value.startswith(LAYER_MOUNT):
        return value
    relative = value[len(LAYER_MOUNT) :]
    for layer in template.plain_layers():
        candidate = layer / relative
        if candidate.exists():
            return str(candidate)
    return value
