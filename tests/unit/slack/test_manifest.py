"""slack/manifest.yaml: one route for everything, and exactly the bot scopes the code's Slack calls need."""

from __future__ import annotations

import re
from typing import Any

import yaml

from local_stack.template import Template
from tests.conftest import ROOT

MANIFEST: dict[str, Any] = yaml.safe_load((ROOT / "slack" / "manifest.yaml").read_text())
# The Web API methods slaops calls (slack_sdk method names) and the bot scope each needs.
HISTORY = ("channels:history", "groups:history")  # public and private channels
SCOPE_OF = {"chat_postMessage": ("chat:write",), "chat_update": ("chat:write",), "users_info": ("users:read",),
            "usergroups_users_list": ("usergroups:read",), "conversations_replies": HISTORY,
            "conversations_history": HISTORY, "files_upload_v2": ("files:write",)}  # fmt: skip


def test_every_request_url_is_the_slack_route(template: Template) -> None:
    (command,) = MANIFEST["features"]["slash_commands"]
    settings = MANIFEST["settings"]
    urls = [command["url"], settings["event_subscriptions"]["request_url"], settings["interactivity"]["request_url"]]
    assert command["command"] == "/sla"
    assert urls == ["https://<api>/slack/events"] * 3
    assert "POST /slack/events" in {route.route_key for route in template.routes}
    assert settings["interactivity"]["is_enabled"] is True
    assert settings["event_subscriptions"]["bot_events"] == ["app_home_opened"]
    assert MANIFEST["features"]["app_home"]["home_tab_enabled"] is True


def test_bot_scopes_are_the_ones_the_code_uses() -> None:
    source = "\n".join(path.read_text() for path in (ROOT / "layers" / "sla_core" / "sla_core").rglob("*.py"))
    called = {method for method in SCOPE_OF if re.search(rf"\.{method}\(", source)}
    assert called == set(SCOPE_OF)  # each method is really called somewhere
    assert sorted(MANIFEST["oauth_config"]["scopes"]["bot"]) == sorted(
        {"commands", *(s for scopes in SCOPE_OF.values() for s in scopes)}
    )
