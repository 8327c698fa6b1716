"""The offline docs page at `/docs`: Swagger UI rendering `openapi.yaml`, its console calling this mock.

Swagger UI's files come from the `swagger-ui-py` package and are served by the mock itself under
`/docs/assets/`, so the page works without a network. The page reads `/docs/openapi.json`: the
contract with its `servers` pointed at the mock that serves it, so "Try it out" calls this mock
on whatever address and port it listens, and a request from the page is same-origin (Update
Customer's `PATCH` too). The page opens on the operations: a small plugin moves the contract's
long description below them.
"""

from __future__ import annotations

import copy
import importlib.util
from pathlib import Path
from typing import Any, Final

import orjson
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

__all__ = ["ASSETS_PACKAGE", "INIT", "PAGE", "assets_directory", "docs_routes", "docs_spec"]

ASSETS_PACKAGE: Final = "swagger_ui"

PAGE: Final = """<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>FlexPortal Customers API — mock docs</title>
  <link rel="stylesheet" href="/docs/assets/swagger-ui.css">
  <link rel="icon" type="image/png" href="/docs/assets/favicon-32x32.png">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/docs/assets/swagger-ui-bundle.js"></script>
  <script src="/docs/init.js"></script>
</body>
</html>
"""

INIT: Final = """// The contract's long description goes below the operations, so that the first screen shows
// the servers, Authorize and the operations; the title and summary stay on top.
const descriptionBelowOperations = (system) => ({
  statePlugins: {
    spec: { wrapSelectors: { selectInfoDescriptionField: () => () => null } },
  },
  wrapComponents: {
    operations: (Operations, system) => (props) => {
      const React = system.React;
      const Markdown = system.getComponent("Markdown", true);
      const description = system.specSelectors.info().get("description");
      return React.createElement(
        "div",
        null,
        React.createElement(Operations, props),
        description
          ? React.createElement(
              "section",
              { className: "info api-description", id: "api-description" },
              React.createElement("h3", null, "About this API"),
              React.createElement(Markdown, { source: description }),
            )
          : null,
      );
    },
  },
});

window.ui = SwaggerUIBundle({
  url: "/docs/openapi.json",
  dom_id: "#swagger-ui",
  plugins: [descriptionBelowOperations],
  deepLinking: true,
  displayRequestDuration: true,
  persistAuthorization: true,
  tryItOutEnabled: true,
  validatorUrl: null,
});
"""


def assets_directory() -> Path:
    """Where the installed Swagger UI files are, found without importing their package's Python code."""
    spec = importlib.util.find_spec(ASSETS_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(f"the {ASSETS_PACKAGE!r} package (swagger-ui-py) is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "static"


def docs_spec(spec: dict[str, Any]) -> bytes:
    """The contract as JSON, its only server this mock (a relative URL: wherever the page was loaded from)."""
    served = copy.deepcopy(spec)
    served["servers"] = [{"url": "/", "description": "this mock server"}]
    return orjson.dumps(served)


def docs_routes(spec: dict[str, Any]) -> list[BaseRoute]:
    """`/docs`, its script, its copy of the contract, and Swagger UI's files under `/docs/assets`."""
    spec_json = docs_spec(spec)

    async def page(request: Request) -> Response:
        return HTMLResponse(PAGE)

    async def init(request: Request) -> Response:
        return Response(INIT, media_type="text/javascript")

    async def contract(request: Request) -> Response:
        return Response(spec_json, media_type="application/json")

    return [
        Route("/docs", page, methods=["GET"]),
        Route("/docs/init.js", init, methods=["GET"]),
        Route("/docs/openapi.json", contract, methods=["GET"]),
        Mount("/docs/assets", StaticFiles(directory=assets_directory()), name="docs-assets"),
    ]
