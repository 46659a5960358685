#!/usr/bin/env bash
# Copies the console's third-party browser assets from node_modules (versions pinned in package.json and
# package-lock.json) into gateway/console/vendor/, which is committed: the wheel and the Docker image ship
# them without Node.js, and a gateway with no internet serves every asset itself.
# tests/unit/test_console_assets.py fails when a committed copy differs from the pinned package.
set -euo pipefail
cd "$(dirname "$0")/.."
vendor=gateway/console/vendor
mkdir -p "$vendor"
while read -r src dst; do
  cp "node_modules/$src" "$vendor/$dst"
done <<'LIST'
swagger-ui-dist/swagger-ui-bundle.js swagger-ui-bundle.js
swagger-ui-dist/swagger-ui.css swagger-ui.css
redoc/bundles/redoc.standalone.js redoc.standalone.js
ethers/dist/ethers.min.js ethers.min.js
LIST
