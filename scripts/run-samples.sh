#!/usr/bin/env bash
# The main job: build everything, then print the predictions for every model in samples/ (lmech check).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh >&2
dotnet server/LearningMechanics.Cli/bin/Release/net10.0/linux-x64/lmech.dll check samples "$@"
