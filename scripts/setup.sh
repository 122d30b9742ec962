#!/usr/bin/env bash
# Sets up the workspace on a machine that has Node and npm: installs the pinned pnpm if it is
# missing, installs the dependencies from the lockfile, and builds dr.
# better-sqlite3 compiles from source where no prebuilt binary can be fetched; when this
# machine has Node's own headers installed for the running Node, node-gyp is pointed at them
# so it needs no download. Elsewhere nothing is changed.
set -euo pipefail
cd "$(dirname "$0")/.."

pnpm_version=$(node -p "require('./package.json').packageManager.split('@')[1]")
if [ "$(pnpm --version 2>/dev/null || true)" != "$pnpm_version" ]; then
  npm install --global "pnpm@${pnpm_version}"
fi

if [ -z "${npm_config_nodedir:-}" ] && [ -f /usr/include/node/node_version.h ]; then
  headers=$(awk '/define NODE_(MAJOR|MINOR|PATCH)_VERSION /{printf "%s.", $3}' /usr/include/node/node_version.h)
  if [ "${headers%.}" = "$(node -p process.versions.node)" ]; then
    export npm_config_nodedir=/usr
  fi
fi

pnpm install --frozen-lockfile
pnpm build
