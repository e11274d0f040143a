"""GraphiQL served from Case Graph itself, so the IDE works where unpkg.com cannot be reached.

strawberry's GraphiQL page loads React, GraphiQL and the explorer plugin from a CDN. Those
exact files (the versions and bytes strawberry's page pins with subresource integrity) are
vendored in ``assets/`` with their licences, and the page is served with its asset links
pointed at ``/graphiql-assets``.

strawberry's inline script (its welcome text, its headers read from the address) is replaced
by Case Graph's own ``assets/casegraph-ide.js``: the tab is titled "Case Graph", the editor
opens on a Case Graph example with a headers template, a 401 says where a token comes from,
and a demo's single-use sign-in code is exchanged for its token rather than a token being
carried in the address (which would land in the browser's history and in Referer headers).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from strawberry.http.ides import get_graphql_ide_html

ASSETS = Path(__file__).with_name("assets")
ASSETS_PATH = "/graphiql-assets"

_VENDORED = {
    "https://unpkg.com/react@18.2.0/umd/react.production.min.js": "react.production.min.js",
    "https://unpkg.com/react-dom@18.2.0/umd/react-dom.production.min.js": (
        "react-dom.production.min.js"
    ),
    "https://unpkg.com/js-cookie@3.0.5/dist/js.cookie.min.js": "js.cookie.min.js",
    "https://unpkg.com/graphiql@3.8.3/graphiql.min.css": "graphiql.min.css",
    "https://unpkg.com/graphiql@3.8.3/graphiql.min.js": "graphiql.min.js",
    "https://unpkg.com/@graphiql/plugin-explorer@1.0.2/dist/style.css": "plugin-explorer.css",
    "https://unpkg.com/@graphiql/plugin-explorer@1.0.2/dist/index.umd.js": (
        "plugin-explorer.umd.js"
    ),
}


_TITLE = "<title>Strawberry GraphiQL</title>"
IDE_SCRIPT = "casegraph-ide.js"
SIGN_IN_PATH = "/graphiql/sign-in"
"""Where a demo's page exchanges its single-use sign-in code for a token (demo only)."""


class IdeTemplateChanged(RuntimeError):
    """strawberry's GraphiQL page no longer links the vendored asset versions."""


@cache
def graphiql_html() -> str:
    """strawberry's GraphiQL page with every CDN link pointed at the vendored copy."""
    page = get_graphql_ide_html("graphiql")
    for remote, local in _VENDORED.items():
        if remote not in page:
            raise IdeTemplateChanged(f"strawberry's GraphiQL page no longer links {remote}")
        page = page.replace(remote, f"{ASSETS_PATH}/{local}")
    if "https://" in page.split("<body", 1)[0]:
        raise IdeTemplateChanged("strawberry's GraphiQL page links an asset not vendored")
    return _case_graph_page(page)


def _case_graph_page(page: str) -> str:
    if _TITLE not in page:
        raise IdeTemplateChanged("strawberry's GraphiQL page no longer has its title")
    page = page.replace(_TITLE, "<title>Case Graph</title>")
    inline = page.rfind("<script>")
    end = page.find("</script>", inline)
    if inline < 0 or end < 0:
        raise IdeTemplateChanged("strawberry's GraphiQL page no longer has its inline script")
    own_script = f'<script src="{ASSETS_PATH}/{IDE_SCRIPT}"></script>'
    return page[:inline] + own_script + page[end + len("</script>") :]
