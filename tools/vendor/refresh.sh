#!/usr/bin/env bash
# Refresh the vendored front-end libraries from the npm registry.
# Installs the exact versions pinned in package.json (and package-lock.json) into a temporary
# folder, copies the built browser files into src/veille/web/static/vendor/, and records each
# file's package, version, licence and SHA-256 in VERSIONS.json. node_modules is never committed.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
dest="$here/../../src/veille/web/static/vendor"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$here/package.json" "$work/"
[ -f "$here/package-lock.json" ] && cp "$here/package-lock.json" "$work/"
(cd "$work" && npm install --no-audit --no-fund --ignore-scripts >/dev/null)
cp "$work/package-lock.json" "$here/package-lock.json"
mkdir -p "$dest"
copy() {  # package, file inside the package, name in vendor/
  install -m 0644 "$work/node_modules/$1/$2" "$dest/$3"
  # the package's own licence (LICENSE, LICENSE.md…; not a LICENSE-3RD-PARTY beside it)
  local licence
  licence=$(ls "$work/node_modules/$1/" | grep -E '^LICEN[CS]E(\.[a-z]+)?$' | head -n 1 || true)
  [ -n "$licence" ] && install -m 0644 "$work/node_modules/$1/$licence" "$dest/LICENSE.$1.txt"
  if [ -f "$work/node_modules/$1/LICENSE-3RD-PARTY.txt" ]; then
    install -m 0644 "$work/node_modules/$1/LICENSE-3RD-PARTY.txt" "$dest/LICENSE-3RD-PARTY.$1.txt"
  fi
  return 0
}
copy htmx.org dist/htmx.min.js htmx.min.js
copy vega build/vega.min.js vega.min.js
copy vega-lite build/vega-lite.min.js vega-lite.min.js
copy vega-embed build/vega-embed.min.js vega-embed.min.js
# axe-core: the browser tests run it on every page they visit (no page loads it)
copy axe-core axe.min.js axe.min.js
# vega-interpreter ships only as an ES module: bundle it for the browser as the global
# `vegaInterpreter` so that charts run under a CSP without 'unsafe-eval'.
(cd "$work" && npx esbuild --bundle --minify --format=iife --global-name=vegaInterpreter \
  node_modules/vega-interpreter/index.js --outfile="$dest/vega-interpreter.min.js" --log-level=warning)
install -m 0644 "$work/node_modules/vega-interpreter/LICENSE" "$dest/LICENSE.vega-interpreter.txt"
# Source maps are not shipped: drop the comments that point to them (the static file storage would
# otherwise look for the missing .map files).
sed -i '/^\/\/# sourceMappingURL=/d' "$dest"/*.js
node -e '
const fs = require("fs"), path = require("path"), crypto = require("crypto");
const [work, dest] = process.argv.slice(1);
const files = {"htmx.min.js": "htmx.org", "vega.min.js": "vega", "vega-lite.min.js": "vega-lite",
  "vega-embed.min.js": "vega-embed", "vega-interpreter.min.js": "vega-interpreter", "axe.min.js": "axe-core"};
const out = {};
for (const [file, pkg] of Object.entries(files)) {
  const meta = JSON.parse(fs.readFileSync(path.join(work, "node_modules", pkg, "package.json")));
  const sha = crypto.createHash("sha256").update(fs.readFileSync(path.join(dest, file))).digest("hex");
  out[file] = {package: pkg, version: meta.version, license: meta.license, sha256: sha};
}
fs.writeFileSync(path.join(dest, "VERSIONS.json"), JSON.stringify(out, null, 2) + "\n");
' "$work" "$dest"
echo "vendored into $dest:"; cat "$dest/VERSIONS.json"
