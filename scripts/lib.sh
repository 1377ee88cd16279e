# Shared by scripts/demo, scripts/test and .ci/run (sourced, not executed).
#
# SQLSHIFT_VENV  the virtualenv to use or create (default: .venv in the repository)
# PYTHON         the interpreter that creates it (default: python3; must be 3.11 or newer)

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${SQLSHIFT_VENV:-$ROOT/.venv}"
PYTHON="${PYTHON:-python3}"

now() { date +%s.%N; }

# step NAME COMMAND...: run COMMAND, then print one line with its outcome and duration.
step() {
  local name="$1" start status=0
  shift
  start="$(now)"
  "$@" || status=$?
  awk -v n="$name" -v s="$start" -v e="$(now)" -v rc="$status" \
    'BEGIN { printf "== %-8s %s  %6.1f s\n", n, (rc == 0 ? "ok    " : "FAILED"), e - s }'
  return "$status"
}

# ensure_venv EXTRAS: create $VENV if needed and install sqlshift (editable) with EXTRAS, e.g.
# "" or "[dev]", at the exact versions of constraints.txt; reinstalls only when pyproject.toml or
# constraints.txt changed since, or the EXTRAS were not installed yet ([dev] includes them all).
ensure_venv() {
  local extras="$1" stamp digest
  if [[ ! -x "$VENV/bin/python" ]]; then
    if ! command -v "$PYTHON" >/dev/null; then
      echo "error: $PYTHON not found; set PYTHON to a Python 3.11+ interpreter" >&2
      return 1
    fi
    if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
      echo "error: sqlshift needs Python 3.11+, $PYTHON is $("$PYTHON" -V 2>&1)" >&2
      return 1
    fi
    echo "creating virtualenv $VENV"
    "$PYTHON" -m venv "$VENV"
  fi
  # the pip of constraints.txt (a venv's own may predate Metadata 2.4: `pip show` would not
  # show the license expression)
  if ! "$VENV/bin/python" -m pip --version | grep -q "^pip $(sed -n 's/^pip==//p' "$ROOT/constraints.txt") "; then
    PIP_CONSTRAINT="$ROOT/constraints.txt" "$VENV/bin/python" -m pip install --quiet pip \
      >"$VENV/pip.log" 2>&1 || { cat "$VENV/pip.log" >&2; return 1; }
  fi
  stamp="$VENV/.sqlshift-installed"
  digest="$(cat "$ROOT/pyproject.toml" "$ROOT/constraints.txt" | cksum | cut -d' ' -f1)"
  if [[ -f "$stamp" ]] && grep -qxF -e "$digest $extras" -e "$digest [dev]" "$stamp"; then
    return 0
  fi
  echo "installing sqlshift${extras} into $VENV"
  # PIP_CONSTRAINT (not -c) also reaches pip's isolated build environment (setuptools).
  # editable_mode=compat: a plain path entry that mypy and other tools can follow (the default
  # import-hook editable install hides the package from type checkers).
  # pip's build chatter goes to a log, shown only when the install fails.
  if ! PIP_CONSTRAINT="$ROOT/constraints.txt" "$VENV/bin/python" -m pip install --quiet \
    --config-settings editable_mode=compat -e "$ROOT$extras" >"$VENV/pip.log" 2>&1; then
    cat "$VENV/pip.log" >&2
    return 1
  fi
  grep -s -v "^$digest " "$stamp" >"$stamp.new" || true
  echo "$digest $extras" >>"$stamp.new"
  mv "$stamp.new" "$stamp"
}
