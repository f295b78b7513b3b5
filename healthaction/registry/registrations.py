"""What the registry app puts into core's registry stores (imported from RegistryConfig.ready())."""

from healthaction.core.registry import register
from healthaction.registry.scopes import first_run_open
from healthaction.registry.services import setup_code


@register("serve_notes", "first_run")
def first_run_note(bind: str) -> str:
    """While no account exists, `healthaction serve` says where the first-run page is and the code it asks for."""
    if not first_run_open():
        return ""
    return f"healthaction: a new installation: open http://{bind}/setup/ with the setup code {setup_code()}"
