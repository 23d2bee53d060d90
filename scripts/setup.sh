#!/usr/bin/env bash
# Set-up on a fresh Debian machine: system packages (Fashion-MNIST data, Chromium for the report test),
# Node dependencies, and the compiled CLI. Safe to rerun.
set -euo pipefail
cd "$(dirname "$0")/.."
export ONNXRUNTIME_NODE_INSTALL=skip   # its postinstall would fetch CUDA files; the CPU binary ships in the package
pkgs=(dataset-fashion-mnist chromium)
missing=()
for p in "${pkgs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ "${#missing[@]}" -gt 0 ]; then
  sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
npm ci --no-audit --no-fund
npm run build
