#!/usr/bin/env bash
# Builds the Python and JavaScript example plugins from source, with the
# pinned toolchains installed into this checkout (nothing global):
#
#   examples/polyglot/build.sh [python|js|all]     (default: all)
#
# Python: a virtualenv in target/polyglot/venv with componentize-py from
# examples/polyglot/python/requirements.txt. JavaScript: `npm ci` in
# examples/polyglot/js (versions from its package-lock.json). Components go
# to target/polyglot/{python,js}/*.wasm, where the tests look for them.
# The README's walkthroughs and .ci/run both run this script.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
here="$root/examples/polyglot"
out="$root/target/polyglot"
what="${1:-all}"
wit="$root/ops-plugins/wit"

python_plugins() {
  local venv="$out/venv"
  local want
  want="$(grep -E '^componentize-py==' "$here/python/requirements.txt" | cut -d= -f3)"
  if [ "$("$venv/bin/componentize-py" --version 2>/dev/null)" != "componentize-py $want" ]; then
    echo "installing componentize-py $want into $venv"
    rm -rf "$venv"
    "${PYTHON:-python3}" -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$here/python/requirements.txt"
  fi
  mkdir -p "$out/python"
  # APP_DIR:MODULE:OUTPUT. --stub-wasi: no WASI imports (the host refuses
  # them); every WASI call traps instead, which the SDK keeps print() from.
  local plugin dir module name
  for plugin in unowned:unowned:unowned zone_spof:zone_spof:zone_spof \
      hostile:busy_loop:hostile_py_busy_loop hostile:memory_bomb:hostile_py_memory_bomb \
      hostile:raises:hostile_py_raises; do
    IFS=: read -r dir module name <<<"$plugin"
    echo "python: $name.wasm"
    "$venv/bin/componentize-py" -d "$wit" -w check componentize --stub-wasi \
      -p "$here/python/sdk" -p "$here/python/$dir" "$module" -o "$out/python/$name.wasm" >/dev/null
  done
}

js_plugins() {
  (cd "$here/js" && npm ci --no-audit --no-fund --loglevel=error)
  mkdir -p "$out/js"
  local name
  for name in unowned zone-spof; do
    echo "js: ${name//-/_}.wasm"
    # Every WASI feature componentize-js knows, disabled: the component then
    # imports only the ops interfaces (`opsctl plugin inspect` shows it).
    (cd "$here/js" && npx --no-install componentize-js "$name.js" --wit "$wit" --world-name check \
      --disable stdio random clocks http fetch-event --out "$out/js/${name//-/_}.wasm")
  done
  # The same plugin with randomness left on: it imports wasi:random/random,
  # which the host refuses (the tests check that `inspect` says so).
  echo "js: hostile_js_random.wasm"
  (cd "$here/js" && npx --no-install componentize-js unowned.js --wit "$wit" --world-name check \
    --disable stdio clocks http fetch-event --out "$out/js/hostile_js_random.wasm")
}

case "$what" in
  python) python_plugins ;;
  js) js_plugins ;;
  all) python_plugins; js_plugins ;;
  *) echo "usage: $0 [python|js|all]" >&2; exit 2 ;;
esac
