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

# ensure_venv EXTRAS: create $VENV if needed and install sqlshift (editable) with EXTRAS,
# e.g. "" or "[dev]"; reinstalls only when pyproject.toml changed since the last install.
ensure_venv() {
  local extras="$1" stamp
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
  stamp="$VENV/.sqlshift-installed${extras:+-dev}"
  # a [dev] install also satisfies a plain one
  if [[ -z "$extras" && -f "$VENV/.sqlshift-installed-dev" ]]; then
    stamp="$VENV/.sqlshift-installed-dev"
  fi
  if [[ ! -f "$stamp" || "$ROOT/pyproject.toml" -nt "$stamp" ]]; then
    echo "installing sqlshift${extras} into $VENV"
    # pip's build chatter goes to a log, shown only when the install fails
    if ! "$VENV/bin/python" -m pip install --quiet -e "$ROOT$extras" >"$VENV/pip.log" 2>&1; then
      cat "$VENV/pip.log" >&2
      return 1
    fi
    touch "$stamp"
  fi
}
