#!/usr/bin/env bash
# The test command: check formatting (Prettier), type-check everything, then run every test file with node's test
# runner (TypeScript via tsx). Pass file paths to run a subset: npm test -- test/onnx/proto-io.test.ts
set -euo pipefail
cd "$(dirname "$0")/.."
npx prettier --check --log-level warn "src/**/*.ts" "test/**/*.ts" "bench/**/*.ts" "bin/*.js"
npx tsc -p tsconfig.test.json
if [ "$#" -gt 0 ]; then files=("$@"); else mapfile -t files < <(find test -name '*.test.ts' | sort); fi
# Two files at a time: the machine has two cores, and most files spend much of their time starting (tsx, ORT).
exec node --import tsx --test --test-concurrency=2 "${files[@]}"
