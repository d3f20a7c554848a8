"""Copy the NHS.UK frontend build from node_modules into app/static.

Run after `npm ci` when upgrading nhsuk-frontend. The web fonts in the upstream
CSS are served from a CDN; those @font-face rules are removed so nothing is
fetched from another origin at run time (pages fall back to Arial, as the NHS
design system specifies).
"""

import json
import re
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "node_modules" / "nhsuk-frontend" / "dist" / "nhsuk"
DEST = ROOT / "app" / "static"


def main() -> None:
    version = json.loads((SRC.parent.parent / "package.json").read_text())["version"]
    css = (SRC / "nhsuk-frontend.min.css").read_text()
    css = re.sub(r"@font-face\{[^}]*assets\.nhs\.uk[^}]*\}", "", css)
    css = re.sub(r"/\*# sourceMappingURL=[^*]*\*/", "", css)
    (DEST / "css").mkdir(parents=True, exist_ok=True)
    (DEST / "css" / "nhsuk-frontend.min.css").write_text(css)
    js = (SRC / "nhsuk-frontend.min.js").read_text()
    js = re.sub(r"//# sourceMappingURL=\S+", "", js)
    (DEST / "js").mkdir(parents=True, exist_ok=True)
    (DEST / "js" / "nhsuk-frontend.min.mjs").write_text(js)
    images = DEST / "images"
    if images.exists():
        shutil.rmtree(images)
    shutil.copytree(SRC / "assets" / "images", images)
    (DEST / "NHSUK_FRONTEND_VERSION").write_text(version + "\n")
    print(f"vendored nhsuk-frontend {version} into {DEST}")


if __name__ == "__main__":
    main()
