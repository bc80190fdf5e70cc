#!/usr/bin/env bash
# Installs what building and testing need on a fresh Debian 12 machine with the .NET 10 SDK; idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v dotnet >/dev/null 2>&1; then
  echo "bootstrap: the .NET 10 SDK is required (dotnet not found on PATH)" >&2
  exit 1
fi
# readelf (binutils) is used by the trainer build to patch its copy of libLibTorchSharp.so (see README, "Trainer").
if ! command -v readelf >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq binutils >/dev/null
fi
dotnet restore LearningMechanics.Lsp.sln --verbosity quiet
dotnet build LearningMechanics.Lsp.sln -c Release --no-restore --verbosity quiet -nologo
