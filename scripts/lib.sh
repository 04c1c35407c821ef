# Shared helpers of ./kkbox: dependencies, build, running the .NET programs.
# shellcheck shell=bash

KKBOX_STATE="${KKBOX_STATE:-$KKBOX_ROOT/.kkbox}"   # pid files, logs, Redis data: never committed
KKBOX_BIN="$KKBOX_ROOT/artifacts/bin"
mkdir -p "$KKBOX_STATE/run" "$KKBOX_STATE/logs"

say()  { printf '[kkbox] %s\n' "$*" >&2; }
die()  { printf '[kkbox] error: %s\n' "$*" >&2; exit 1; }

# Installs Debian packages that are missing (as root, or through sudo).
apt_install() {
  local missing=()
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  say "installing Debian packages: ${missing[*]}"
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || die "need root or sudo to run: apt-get install -y ${missing[*]}"
    sudo="sudo"
  fi
  $sudo apt-get update -qq >/dev/null || die "apt-get update failed (needed to install ${missing[*]})"
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null \
    || die "apt-get install ${missing[*]} failed; install them by hand and retry"
}

require_dotnet() {
  command -v dotnet >/dev/null \
    || die "the .NET 10 SDK is missing: install it (https://learn.microsoft.com/dotnet/core/install/linux-debian) and retry"
  local major
  major="$(dotnet --version 2>/dev/null | cut -d. -f1)"
  [ "${major:-0}" -ge 10 ] || die "the .NET SDK is $(dotnet --version); KkboxNcf needs 10 or newer"
}

kkbox_build() {
  require_dotnet
  say "building (dotnet build -c Release)"
  dotnet build "$KKBOX_ROOT/KkboxNcf.sln" -c Release -nologo -clp:ErrorsOnly -v:q \
    || die "build failed"
}

# Build with output only on failure (for commands whose own output matters).
# KKBOX_SKIP_BUILD=1 uses what is built (the tests set it when they run ./kkbox themselves).
kkbox_build_quiet() {
  require_dotnet
  [ "${KKBOX_SKIP_BUILD:-0}" = 1 ] && return 0
  local log="$KKBOX_STATE/logs/build.log"
  if ! dotnet build "$KKBOX_ROOT/KkboxNcf.sln" -c Release -nologo -v:q >"$log" 2>&1; then
    grep -E "error|Error" "$log" | sort -u | head -n 20 >&2
    die "build failed (full log: $log)"
  fi
}

# Path of a built program's dll: dll_of Cli -> artifacts/bin/KkboxNcf.Cli/release/KkboxNcf.Cli.dll
dll_of() { printf '%s/KkboxNcf.%s/release/KkboxNcf.%s.dll' "$KKBOX_BIN" "$1" "$1"; }

run_cli() { dotnet "$(dll_of Cli)" "$@"; }

# A service in the foreground (Ctrl-C stops it gracefully); its settings come from the environment.
run_service() { local name="$1"; shift; dotnet "$(dll_of "$name")" "$@"; }
