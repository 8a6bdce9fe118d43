#!/usr/bin/env bash
# Makes sure Node's `webgpu` (Dawn) finds an adapter. On a machine with a GPU driver this does nothing.
# On Debian bookworm without one, Dawn needs a software Vulkan driver (Mesa lavapipe) of version >= 25,
# which only bookworm-backports has (bookworm's own Mesa 22.3 is rejected by Dawn). Installs it only when
# no adapter is found; needs root (or sudo) for apt. Safe to run many times.
set -euo pipefail
cd "$(dirname "$0")/.."

probe() { node scripts/probe-adapter.mjs >/dev/null 2>&1; }

if [ ! -d node_modules/webgpu ]; then
  echo "setup-webgpu: node_modules/webgpu is missing; run 'npm ci' first" >&2
  exit 1
fi
if probe; then
  echo "setup-webgpu: $(node scripts/probe-adapter.mjs)"
  exit 0
fi

if ! command -v apt-get >/dev/null; then
  echo "setup-webgpu: no WebGPU adapter found and this is not a Debian/Ubuntu system." >&2
  echo "  Install a Vulkan driver (a GPU driver, or Mesa >= 25 for the software lavapipe driver)." >&2
  exit 1
fi
SUDO=""
if [ "$(id -u)" != 0 ]; then
  command -v sudo >/dev/null || { echo "setup-webgpu: need root to install Mesa (apt-get)" >&2; exit 1; }
  SUDO=sudo
fi

echo "setup-webgpu: no WebGPU adapter; installing Mesa's software Vulkan driver (lavapipe) from bookworm-backports"
src=/etc/apt/sources.list.d/debian.sources
list=/etc/apt/sources.list.d/webgpu-rnn-backports.sources
if . /etc/os-release && [ "${VERSION_CODENAME:-}" = bookworm ] && ! grep -rqs bookworm-backports /etc/apt/sources.list.d/ /etc/apt/sources.list; then
  uri=$(awk '/^URIs:/ {print $2; exit}' "$src" 2>/dev/null || true)
  key=$(awk '/^Signed-By:/ {print $2; exit}' "$src" 2>/dev/null || true)
  $SUDO tee "$list" >/dev/null <<SRC
Types: deb
URIs: ${uri:-http://deb.debian.org/debian}
Suites: bookworm-backports
Components: main
Signed-By: ${key:-/usr/share/keyrings/debian-archive-keyring.gpg}
SRC
fi
$SUDO apt-get update -qq
if grep -rqs bookworm-backports /etc/apt/sources.list.d/ /etc/apt/sources.list; then
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -t bookworm-backports mesa-vulkan-drivers libvulkan1 >/dev/null
else
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq mesa-vulkan-drivers libvulkan1 >/dev/null
fi

if probe; then
  echo "setup-webgpu: $(node scripts/probe-adapter.mjs)"
else
  echo "setup-webgpu: still no WebGPU adapter after installing Mesa:" >&2
  node scripts/probe-adapter.mjs >&2 || true
  exit 1
fi
