"""A small console-like tree for the first-load measurement (scripts/benchmarks/first_load.py):
an import map, static and re-exported module imports, a lazy import, CSS @import, an icon,
a file nothing loads, and `config.json` fetched at start-up (not in the tree)."""

from __future__ import annotations

from pathlib import Path

FILES = {
    "index.html": """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Fixture console</title>
<link rel="stylesheet" href="css/app.css">
<link rel="icon" href="icon.svg" type="image/svg+xml">
<script type="importmap">{"imports": {"tiny-lib": "./vendor/tiny-lib.js"}}</script>
<script type="module" src="js/main.js"></script>
</head><body><main><h1>Fixture</h1><p id="out"></p></main></body></html>
""",
    "css/app.css": '@import url("base.css");\nmain { padding: 1rem; }\n',
    "css/base.css": "body { margin: 0; font-family: sans-serif; }\n" * 40,
    "icon.svg": '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"></svg>\n',
    "js/main.js": """import { greet } from "tiny-lib";
import { route } from './router.js';
// import "./commented-out.js";
const admin = () => import("./admin.js");
document.getElementById("out").textContent = greet(route(location.hash));
fetch("config.json").then((r) => r.json()).then((config) => { window.config = config; });
export { admin };
""",
    "js/router.js": 'export { route } from "./util.js";\n',
    "js/util.js": "export function route(hash) { return hash || '#/products'; }\n"
    + "// padding to make it compressible\n" * 60,
    "js/admin.js": "export const admin = true;\n",
    "js/unused.js": "export const unused = true;\n",
    "vendor/tiny-lib.js": "export function greet(name) { return `Hello ${name}`; }\n",
}
FIRST_LOAD = {
    "index.html",
    "css/app.css",
    "css/base.css",
    "icon.svg",
    "js/main.js",
    "js/router.js",
    "js/util.js",
    "vendor/tiny-lib.js",
}


def build(root: Path) -> Path:
    for name, text in FILES.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root
