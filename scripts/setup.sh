#!/usr/bin/env bash
# Installs what custos needs on Debian 12 (only what is missing) and builds it in ./build.
# Sourced by scripts/test.sh and scripts/gameday.sh; safe to run again.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

packages=(
  g++ cmake ninja-build pkg-config clang-format
  libcurl4-openssl-dev libssl-dev libyaml-dev nlohmann-json3-dev libsimdjson-dev
  libpugixml-dev libcli11-dev libfmt-dev libspdlog-dev libpcre2-dev libsqlite3-dev zlib1g-dev
  libdeflate-dev libxxhash-dev libcpp-httplib-dev libgtest-dev libgmock-dev libbenchmark-dev robin-map-dev libpng-dev
  python3-botocore awscli python3-pip python3-venv
)
# What only some callers need (set by them): the tests' Chromium, the fuzzer's clang.
if declare -p extra_packages >/dev/null 2>&1; then packages+=("${extra_packages[@]}"); fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  sudo_cmd=(); [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# The local AWS emulator: moto's server (not packaged by Debian; from PyPI where reachable).
# A pyenv or user install may be off PATH in non-interactive shells (CI): look there first.
if ! command -v moto_server >/dev/null 2>&1; then
  for candidate in "$HOME"/.pyenv/shims/moto_server "$HOME"/.pyenv/versions/*/bin/moto_server \
                   "$HOME"/.local/bin/moto_server "$HOME"/.local/share/custos/moto/bin/moto_server; do
    if [ -x "$candidate" ]; then export PATH="$(dirname "$candidate"):$PATH"; break; fi
  done
fi
if ! command -v moto_server >/dev/null 2>&1; then
  echo "setup: installing moto's server into ~/.local/share/custos/moto"
  python3 -m venv "$HOME/.local/share/custos/moto"
  "$HOME/.local/share/custos/moto/bin/pip" install -q 'moto[server]>=5.2,<6'
  export PATH="$HOME/.local/share/custos/moto/bin:$PATH"
fi

# The tests and the game day build at -O2 without debug info, which builds a third quicker than
# RelWithDebInfo (set CUSTOS_BUILD_TYPE=RelWithDebInfo for a debugger); scripts/bench.sh asks
# for Release (-O3).
build_type=${CUSTOS_BUILD_TYPE:-Release}
extra=()
[ -n "${CUSTOS_BUILD_TYPE:-}" ] || extra+=("-DCMAKE_CXX_FLAGS_RELEASE=-O2 -DNDEBUG")
[ "${CUSTOS_SANITIZE:-0}" = 1 ] && extra+=(-DCUSTOS_SANITIZE=ON)
# cmake_options (set by the caller): scripts/fuzz.sh builds the fuzzer.
if declare -p cmake_options >/dev/null 2>&1; then extra+=("${cmake_options[@]}"); fi
# ccache, when installed, makes rebuilds in other checkouts (git worktrees) nearly free.
command -v ccache >/dev/null 2>&1 && extra+=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
cmake -S . -B "${CUSTOS_BUILD_DIR:-build}" -G Ninja -DCMAKE_BUILD_TYPE="$build_type" "${extra[@]}" >/dev/null
# build_targets (set by the caller) builds only those: the game day needs just the custos binary.
targets=()
if declare -p build_targets >/dev/null 2>&1; then targets=(--target "${build_targets[@]}"); fi
cmake --build "${CUSTOS_BUILD_DIR:-build}" -j"$(nproc)" "${targets[@]}"
