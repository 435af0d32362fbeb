#!/usr/bin/env bash
# Installs code-server (VS Code's own workbench and Node extension host) from the npm registry
# into .cache/code-server, offline-safe: no step downloads from GitHub or Microsoft.
# Idempotent: a marker file makes a second run instant. Every step's failure names the step and
# prints the tail of its log.
#
#   scripts/code-server.sh            install (or confirm the install) and print the entry path
#   scripts/code-server.sh --force    reinstall from scratch
#   CODE_SERVER_DIR=...               install somewhere else (default: <repo>/.cache/code-server)
set -euo pipefail

VERSION=4.100.3
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DIR="${CODE_SERVER_DIR:-$REPO_ROOT/.cache/code-server}"
PACKAGE="$DIR/node_modules/code-server"
VSCODE="$PACKAGE/lib/vscode"
MARKER="$DIR/.installed-$VERSION"
LOGS="$DIR/logs"
NATIVE_MODULES=(node-pty @parcel/watcher @vscode/spdlog native-watchdog @vscode/deviceid)

if [[ "${1:-}" == "--force" ]]; then
  rm -rf "$DIR"
fi

if [[ -f "$MARKER" && -f "$PACKAGE/out/node/entry.js" ]]; then
  echo "code-server $VERSION already installed: $PACKAGE/out/node/entry.js"
  exit 0
fi

# code-server 4.100.3 is the newest release built for Node 20 (later ones need Node 22 or 24).
node_major="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo none)"
if [[ "$node_major" != 20 ]]; then
  echo "[code-server] code-server $VERSION needs Node 20, but node is ${node_major}: install Node 20 (Debian 12: apt-get install nodejs npm)." >&2
  exit 1
fi

mkdir -p "$LOGS"
started=$(date +%s)

# run_step NAME DIR COMMAND...: runs COMMAND in DIR, logging to $LOGS/NAME.log; on failure prints
# which step failed and the last 40 lines of its log, then exits.
run_step() {
  local name="$1" workdir="$2"
  shift 2
  local log="$LOGS/$name.log" step_started
  step_started=$(date +%s)
  printf '[code-server] %-28s ' "$name"
  if (cd "$workdir" && "$@") >"$log" 2>&1; then
    echo "ok ($(( $(date +%s) - step_started )) s)"
  else
    local status=$?
    echo "FAILED (exit $status)"
    echo "[code-server] step '$name' failed in $workdir: $*" >&2
    echo "[code-server] last lines of $log:" >&2
    tail -n 40 "$log" >&2
    exit 1
  fi
}

# Debian packages: chromium (the browser the e2e tests drive) and ripgrep (VS Code's search,
# whose npm postinstall would download from GitHub). Installed only when missing, as root.
apt_install_missing() {
  local missing=()
  command -v chromium >/dev/null 2>&1 || missing+=(chromium)
  command -v rg >/dev/null 2>&1 || missing+=(ripgrep)
  command -v make >/dev/null 2>&1 || missing+=(make)
  command -v g++ >/dev/null 2>&1 || missing+=(g++)
  command -v python3 >/dev/null 2>&1 || missing+=(python3)
  ((${#missing[@]} == 0)) && return 0
  if [[ "$(id -u)" != 0 ]]; then
    echo "[code-server] missing Debian packages: ${missing[*]}; run as root: apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
}

copy_ripgrep() {
  mkdir -p node_modules/@vscode/ripgrep/bin
  cp "$(command -v rg)" node_modules/@vscode/ripgrep/bin/rg
  node_modules/@vscode/ripgrep/bin/rg --version
}

# What the package's postinstall.sh does after `npm install` in lib/vscode.
link_asar_and_bins() {
  rm -rf node_modules.asar && ln -s node_modules node_modules.asar
  (cd bin/remote-cli && rm -f code-server && ln -s code-linux.sh code-server)
  (cd bin/helpers && rm -f browser.sh && ln -s browser-linux.sh browser.sh)
}

# The server must at least answer --version with the pinned VS Code.
check_version() {
  node "$PACKAGE/out/node/entry.js" --version
}

echo "[code-server] installing code-server $VERSION into $DIR"
run_step apt-packages "$DIR" apt_install_missing
[[ -f "$DIR/package.json" ]] || echo '{ "name": "code-server-cache", "private": true }' >"$DIR/package.json"
run_step npm-install "$DIR" npm install --ignore-scripts --no-audit --no-fund "code-server@$VERSION"
run_step vscode-npm-install "$VSCODE" npm install --omit=dev --ignore-scripts --no-audit --no-fund
run_step vscode-native-rebuild "$VSCODE" env npm_config_yes=true npm rebuild "${NATIVE_MODULES[@]}"
run_step ripgrep "$VSCODE" copy_ripgrep
run_step asar-and-bin-links "$VSCODE" link_asar_and_bins
run_step extensions-npm-install "$VSCODE/extensions" npm install --omit=dev --no-audit --no-fund
run_step argon2-rebuild "$DIR" npm rebuild argon2
run_step version-check "$DIR" check_version

touch "$MARKER"
echo "[code-server] installed in $(( $(date +%s) - started )) s: $PACKAGE/out/node/entry.js"
