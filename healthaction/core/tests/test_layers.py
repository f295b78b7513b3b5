"""Imports follow the flow: a lower layer never imports a higher one, not even inside a function.

Walks every module outside tests and migrations with ast (module-level and function-level imports alike)
and fails on an import of a higher layer. Apps in the same layer may import each other (reports, web, api).
"""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2]

# Lowest first. documents sits just above core (it uses core.units, which is pure Python too).
LAYERS = {
    "core": 0,
    "documents": 1,
    "registry": 1,
    "plans": 2,
    "collection": 3,
    "evaluation": 4,
    "inspections": 5,
    "catalogue": 5,
    "reports": 6,
    "web": 6,
    "api": 6,
    "people": 6,  # users, memberships and group robots: pages over collection
    "demo": 7,
    # the project's own entry points sit on top: settings, urls, wsgi, cli
    "settings": 8,
    "urls": 8,
    "wsgi": 8,
    "cli": 8,
    "__init__": 8,
}


def _modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).parts
        if "tests" in parts or "migrations" in parts:
            continue
        yield path, parts[0] if len(parts) > 1 else path.stem


def _imported_apps(tree: ast.AST):
    """Yield (line, app) for every import of a healthaction app anywhere in the module."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module] if node.module != "healthaction" else [f"healthaction.{a.name}" for a in node.names]
        else:
            continue
        for name in names:
            parts = name.split(".")
            if parts[0] == "healthaction" and len(parts) > 1:
                yield node.lineno, parts[1]


def upward_imports() -> list[str]:
    found = []
    for path, app in _modules():
        for line, target in _imported_apps(ast.parse(path.read_text(encoding="utf-8"))):
            if target != app and LAYERS[target] > LAYERS[app]:
                found.append(f"{path.relative_to(PACKAGE.parent)}:{line} ({app}) imports {target}")
    return found


def test_every_app_has_a_layer():
    apps = {app for _, app in _modules()}
    assert sorted(apps - set(LAYERS)) == []


def test_no_module_imports_a_higher_layer():
    assert upward_imports() == []


def test_the_walk_sees_function_level_imports():
    # the check would pass vacuously if it only read module-level statements
    tree = ast.parse("def f():\n    from healthaction.web import views\n")
    assert list(_imported_apps(tree)) == [(2, "web")]


def test_the_registry_stores_are_fixed():
    import pytest

    from healthaction.core.registry import registry

    with pytest.raises(TypeError):
        registry["dashboard_panels"] = {}
    with pytest.raises(KeyError, match="No registry store named 'inbox_source'"):
        registry["inbox_source"]


def test_higher_apps_fill_the_stores_at_start():
    from healthaction.core.registry import registry
    from healthaction.inspections import registrations, services

    assert registry["inbox_sources"] == {
        "rectifications": registrations.inbox_rectifications,
        "due_soon_days": registrations.due_soon_days,
    }
    assert registry["assessment_components"] == {"supervision": services.supervision_shares}
