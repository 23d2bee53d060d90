#!/usr/bin/env bash
# The test command: check formatting (Prettier), type-check everything, then run every test file with node's test
# runner (TypeScript via tsx). Pass file paths to run a subset: npm test -- test/onnx/proto-io.test.ts
set -euo pipefail
cd "$(dirname "$0")/.."
npx prettier --check --log-level warn "src/**/*.ts" "test/**/*.ts" "bench/**/*.ts" "bin/*.js"
npx tsc -p tsconfig.test.json
if [ "$#" -gt 0 ]; then files=("$@"); else mapfile -t files < <(find test -name '*.test.ts' | sort); fi
exec node --import tsx --test --test-concurrency=1 "${files[@]}"
