"""No import circle anywhere in sla_core, TYPE_CHECKING and function-level imports included (issue 22): a
module's vocabulary lives below it, so each module can be read, and tested, after what it imports."""

from __future__ import annotations

import graphlib

import grimp


def test_sla_core_has_no_import_cycle() -> None:
    graph = grimp.build_graph("sla_core", exclude_type_checking_imports=False, cache_dir=None)
    imports = {module: graph.find_modules_directly_imported_by(module) for module in graph.modules}
    assert len(imports) > 100  # the whole layer was read
    try:
        order = list(graphlib.TopologicalSorter(imports).static_order())
    except graphlib.CycleError as error:
        raise AssertionError(f"import cycle: {' -> '.join(error.args[1])}") from None
    assert set(order) == set(imports)
