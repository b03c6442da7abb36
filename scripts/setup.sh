#!/usr/bin/env bash
# Installs and builds whatever is missing, then gets out of the way:
#   1. Debian packages (libtorch, OpenBLAS, libjpeg-turbo, cmake, g++; with --all also chromium for the
#      report test) — installed when this user
#      can (root or password-less sudo), otherwise the exact apt-get line is printed;
#   2. the native shim (Detr.Torch/native, CMake) when a native source is newer than the library;
#   3. the .NET projects when a source is newer than the last build.
# Quiet when everything is in place; progress goes to stderr so the CLI's stdout stays clean.
# Usage: scripts/setup.sh [--all]   (--all builds the whole solution, tests included)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
mkdir -p .build
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

say() { echo "detr setup: $*" >&2; }

# Several processes (parallel tests calling ./detr) may arrive at once: one builds, the others wait.
exec 9>"$ROOT/.build/setup.lock"
flock 9

# ---- 1. Debian packages ------------------------------------------------------------------------
PACKAGES=(libtorch-dev libopenblas0-pthread libturbojpeg0-dev cmake g++)
# The test suite also renders report.html in headless Chromium.
if [ "${1:-}" = "--all" ]; then PACKAGES+=(chromium); fi
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  if [ "$(id -u)" = 0 ]; then SUDO=""; elif sudo -n true 2>/dev/null; then SUDO="sudo"; else SUDO="none"; fi
  if [ "$SUDO" = none ]; then
    say "missing Debian packages: ${missing[*]}"
    say "run:  sudo apt-get update && sudo apt-get install -y ${missing[*]}"
    exit 1
  fi
  say "installing ${missing[*]} (apt-get) ..."
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi

# ---- 2. the native shim ------------------------------------------------------------------------
NATIVE="$ROOT/Detr.Torch/native"
LIB="$NATIVE/build/libdetr_torch.so"
if [ ! -f "$LIB" ] || [ -n "$(find "$NATIVE" -maxdepth 1 -newer "$LIB" \( -name '*.cpp' -o -name '*.h' -o -name CMakeLists.txt \) -print -quit)" ]; then
  say "building the native shim (cmake) ..."
  cmake -S "$NATIVE" -B "$NATIVE/build" -DCMAKE_BUILD_TYPE=Release ${Torch_DIR:+-DTorch_DIR="$Torch_DIR"} >/dev/null
  cmake --build "$NATIVE/build" --parallel "$(nproc)" >&2
  touch "$LIB"
fi

# ---- 3. the .NET projects ----------------------------------------------------------------------
TARGET="Detr.Cli/Detr.Cli.fsproj"; STAMP=".build/cli.stamp"
if [ "${1:-}" = "--all" ]; then TARGET="Detr.Dsl.sln"; STAMP=".build/all.stamp"; fi
stale() {
  [ ! -f "$STAMP" ] && return 0
  [ -n "$(find Detr.* tests specs "$LIB" Directory.Build.props Directory.Packages.props -newer "$STAMP" \
      \( -name '*.cs' -o -name '*.fs' -o -name '*.csproj' -o -name '*.fsproj' -o -name '*.props' -o -name '*.so' \) \
      -not -path '*/obj/*' -not -path '*/bin/*' -print -quit 2>/dev/null)" ]
}
if stale; then
  say "building $TARGET (dotnet, Release) ..."
  touch "$STAMP.next"
  if ! dotnet build "$TARGET" -c Release -nologo -clp:NoSummary -v:q >.build/dotnet-build.log 2>&1; then
    grep -E "error|Error" .build/dotnet-build.log | sort -u >&2 || cat .build/dotnet-build.log >&2
    say "build failed (full log: .build/dotnet-build.log)"
    exit 1
  fi
  mv "$STAMP.next" "$STAMP"
fi
