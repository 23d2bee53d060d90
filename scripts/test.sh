#!/usr/bin/env bash
# The test command: check formatting (Prettier), type-check everything, then run every test file with node's test
# runner (TypeScript via tsx). Pass file paths to run a subset: npm test -- test/onnx/proto-io.test.ts
set -euo pipefail
cd "$(dirname "$0")/.."
npx prettier --check --log-level warn "src/**/*.ts" "test/**/*.ts" "bench/**/*.ts" "bin/*.js"
npx tsc -p tsconfig.test.json
# The malloc settings the CLI relaunches itself under (bin/glibc-tunables.js), set here so the tests run under them too
# and the CLI processes they start need no relaunch; test/bin/glibc-tunables.test.ts clears it to test the relaunch.
if [ "$(uname)" = Linux ] && [ -z "${GLIBC_TUNABLES+set}" ]; then
  GLIBC_TUNABLES="$(node -e "import('./bin/glibc-tunables.js').then((m) => process.stdout.write(m.mallocTunables))")"
  export GLIBC_TUNABLES
fi
if [ "$#" -gt 0 ]; then files=("$@"); else mapfile -t files < <(find test -name '*.test.ts' | sort); fi
# Two files at a time: the machine has two cores, and most files spend much of their time starting (tsx, ORT).
exec node --import tsx --test --test-concurrency=2 "${files[@]}"
