#!/usr/bin/env bash
# The test command: type-check everything, then run every test file with node's test runner (TypeScript via tsx).
# Pass file paths to run a subset: npm test -- test/onnx/builder.test.ts
set -euo pipefail
cd "$(dirname "$0")/.."
npx tsc -p tsconfig.test.json
if [ "$#" -gt 0 ]; then files=("$@"); else mapfile -t files < <(find test -name '*.test.ts' | sort); fi
exec node --import tsx --test --test-concurrency=1 "${files[@]}"
