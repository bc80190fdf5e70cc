#!/usr/bin/env bash
# Every test: .NET unit and end-to-end tests (the LSP server spawned as a process, the trainer as a child process),
# then a second, non-VS Code LSP client (tests/lsp-client), then the real-VS-Code end-to-end test (code-server + Playwright + Chromium). Installs what it needs first.
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p artifacts
passed=0
failed=0
: >artifacts/failures.log
bash scripts/bootstrap.sh || { echo "bootstrap failed"; echo "tests: 0 passed, 1 failed"; exit 1; }

for project in tests/LearningMechanics.*.Tests; do
  name=$(basename "$project")
  log="artifacts/$name.log"
  dotnet test "$project" -c Release --no-build --verbosity quiet -nologo 2>&1 | tee "$log"
  summary=$(grep -E "^(Passed|Failed)!" "$log" | tail -n 1)
  p=$(sed -nE 's/.*Passed: *([0-9]+).*/\1/p' <<<"$summary"); f=$(sed -nE 's/.*Failed: *([0-9]+).*/\1/p' <<<"$summary")
  if [ -z "$summary" ]; then echo "$name: no test summary (build or host failure)"; failed=$((failed + 1)); continue; fi
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
  # The failing tests' names and first message lines, repeated at the end where a truncated CI log still shows them.
  grep -E -A 8 "^ +Failed [A-Za-z_]|\[FAIL\]" "$log" >>artifacts/failures.log || true
done

# Client unit tests (node's test runner), when Node and the npm packages are available (scripts/e2e-vscode.sh installs them).
if command -v npm >/dev/null 2>&1; then
  unit_log=artifacts/client-unit.log
  { npm ci --no-audit --no-fund --loglevel=error && npm run -s test:unit; } 2>&1 | tee "$unit_log"
  p=$(sed -nE 's/^# pass ([0-9]+)$/\1/p' "$unit_log" | tail -n 1); f=$(sed -nE 's/^# fail ([0-9]+)$/\1/p' "$unit_log" | tail -n 1)
  if [ -z "$p" ]; then echo "client unit tests: no summary"; failed=$((failed + 1)); else passed=$((passed + p)); failed=$((failed + ${f:-0})); fi
fi

# The second client: plain LSP from Node (vscode-languageserver-protocol), no VS Code; needs the Release server build.
if command -v node >/dev/null 2>&1; then
  lsp_log=artifacts/lsp-client.log
  node tests/lsp-client/run.mjs 2>&1 | tee "$lsp_log"
  summary=$(grep -E "^[0-9]+ passed, [0-9]+ failed" "$lsp_log" | tail -n 1)
  if [ -z "$summary" ]; then echo "lsp-client: no summary"; failed=$((failed + 1)); else
    passed=$((passed + $(cut -d' ' -f1 <<<"$summary"))); failed=$((failed + $(cut -d' ' -f3 <<<"$summary"))); fi
fi

if [ "${SKIP_VSCODE_E2E:-0}" != "1" ]; then
  e2e_log=artifacts/e2e-vscode.log
  bash scripts/e2e-vscode.sh 2>&1 | tee "$e2e_log"
  summary=$(grep -E "^[0-9]+ passed, [0-9]+ failed" "$e2e_log" | tail -n 1)
  if [ -z "$summary" ]; then echo "e2e-vscode: no summary"; failed=$((failed + 1)); else
    passed=$((passed + $(cut -d' ' -f1 <<<"$summary"))); failed=$((failed + $(cut -d' ' -f3 <<<"$summary"))); fi
fi

for log in artifacts/client-unit.log artifacts/lsp-client.log artifacts/e2e-vscode.log; do
  [ -f "$log" ] && grep -E "^not ok |\] FAIL |^FAIL " "$log" >>artifacts/failures.log || true
done
if [ -s artifacts/failures.log ]; then echo "==> failed tests"; head -c 6000 artifacts/failures.log; fi
echo "tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
