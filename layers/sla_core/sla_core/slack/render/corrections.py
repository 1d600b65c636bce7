"""The words of corrections: the post to a contract's channel when a correction changed a period's figures,
and `/sla history`'s lines. Old and new figures side by side, then what was corrected and by whom."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

from sla_core.app.contract_terms import contract_zone
from sla_core.app.corrections import Correction
from sla_core.app.notices import TermsChange
from sla_core.config.contract import Contract
from sla_core.incidents.records import RecordedCorrection
from sla_core.slack.render.text import SECTION_TEXT, date_token, escape, fit, metric_words


def percent(value: Any) -> str:
    """'99.7300' → '99.73%', '100.0000' → '100%' (the figure as the estimate gives it, without trailing zeros)."""
    if value is None:
        return "n/a"
    text = f"{Decimal(str(value)).normalize():f}"
    return f"{text}%"


def changes(contract: Contract, before: Mapping[str, Mapping[str, Any]], after: Mapping[str, Mapping[str, Any]]) -> str:
    """'estimated credit 12.10 → 0.00 USD, availability 99.73% → 100%', per component where a contract has several."""
    zone = contract_zone(contract)
    parts: list[str] = []
    components = list(dict.fromkeys([*before, *after]))
    for component in components:
        old, new = before.get(component, {}), after.get(component, {})
        found: list[str] = []
        if old.get("credit_amount") != new.get("credit_amount"):
            currency = new.get("currency") or old.get("currency") or ""
            found.append(f"estimated credit {old.get('credit_amount')} → {new.get('credit_amount')} {currency}")
        if old.get("availability_percent") != new.get("availability_percent"):
            was, now = percent(old.get("availability_percent")), percent(new.get("availability_percent"))
            found.append(f"availability {was} → {now}")
        if old.get("claim_deadline") != new.get("claim_deadline"):
            was, now = _when(old.get("claim_deadline"), zone), _when(new.get("claim_deadline"), zone)
            found.append(f"claim by {was} → {now}")
        if old.get("termination_right") != new.get("termination_right"):
            was, now = _right(old.get("termination_right"), zone), _right(new.get("termination_right"), zone)
            found.append(f"termination right {was} → {now}")
        if found:
            parts.append((f"{component}: " if len(components) > 1 else "") + ", ".join(found))
    return "; ".join(parts) or "no figure changed"


def correction_text(correction: Correction) -> str:
    """'Correction to 2026-10: estimated credit 12.10 → 0.00 USD, availability 99.73% → 100% (121 min declared
    as maintenance announced on 9 Oct, by @dana)'."""
    by = f", by <@{correction.actor}>" if correction.actor else ""
    head = f"Correction to {correction.period}: {changes(correction.contract, correction.before, correction.after)}"
    return fit(f"{head} ({correction.what}{by})", SECTION_TEXT)


def history_line(contract: Contract, item: RecordedCorrection) -> str:
    """One correction in `/sla history`: when, who, the change in figures and what was corrected."""
    zone = contract_zone(contract)
    by = f" <@{item.actor}>" if item.actor else ""
    what = changes(contract, item.before, item.after)
    return f"• {date_token(item.recorded_at, zone)}{by}: {item.period} {what} ({item.what})"


def _when(value: Any, zone: Any) -> str:
    return date_token(datetime.fromisoformat(value), zone) if isinstance(value, str) else "none"


def _right(value: Any, zone: Any) -> str:
    if not isinstance(value, Mapping) or not value.get("exists"):
        return "none"
    until = value.get("until")
    return f"until {_when(until, zone)}" if until else "exists"


def terms_change_text(change: TermsChange) -> str:
    """What a deployment's change of a contract's terms changed: the open clocks it moved and the period so far."""
    contract = change.contract
    zone = contract_zone(contract)
    lines = [
        f"*The terms of `{contract.id}` changed* (its policy `{contract.policy}` or its contracts.toml entry): "
        "what they decide was computed again."
    ]
    for clock in change.clocks[:20]:
        was, now = _when_instant(clock.before, zone), _when_instant(clock.after, zone)
        label = metric_words(clock.metric).label
        lines.append(f"• *{clock.incident_id}* ({escape(clock.title)}): {label} due {was} → {now}")
    if len(change.clocks) > 20:
        lines.append(f"• and {len(change.clocks) - 20} more clocks")
    if change.period is not None and change.before != change.after:
        lines.append(f"• {change.period} so far: {changes(contract, change.before, change.after)}")
    lines.append("Months already reported are not rewritten; `/sla credit <contract> <period>` shows one now.")
    return fit("\n".join(lines), SECTION_TEXT)


def _when_instant(value: datetime | None, zone: Any) -> str:
    return date_token(value, zone) if value is not None else "none"
