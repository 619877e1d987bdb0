#!/usr/bin/env bash
# CUDA 11.8 beside any other CUDA, for the prebuilt addon (scripts/prebuild.mjs): Debian 12's
# nvidia-cuda-toolkit from the archive's non-free component (1.6 GB download, 5.5 GB installed):
# /usr/lib/nvidia-cuda-toolkit/bin/nvcc, /usr/bin/cuobjdump, g++-11 (its host compiler) and the
# static CUDA 11.8 runtime. Run as root; does nothing when that nvcc is already there.
set -euo pipefail
nvcc=/usr/lib/nvidia-cuda-toolkit/bin/nvcc
if [ -x "$nvcc" ] && "$nvcc" --version | grep -q 'release 11.8'; then
  echo "setup-cuda-11.8: $nvcc is CUDA 11.8 already"
  exit 0
fi
. /etc/os-release
if [ "${VERSION_CODENAME:-}" != bookworm ]; then
  echo "setup-cuda-11.8: this script knows Debian 12 (bookworm); here: ${PRETTY_NAME:-unknown}" >&2
  exit 1
fi
# The non-free component from the mirror the system already uses.
sources=/etc/apt/sources.list.d/debian.sources
mirror=$(awk '/^URIs:/ {print $2; exit}' "$sources" 2>/dev/null || true)
mirror=${mirror:-http://deb.debian.org/debian}
if ! grep -rqs 'non-free' /etc/apt/sources.list /etc/apt/sources.list.d/; then
  printf 'Types: deb\nURIs: %s\nSuites: bookworm\nComponents: non-free contrib\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' "$mirror" \
    > /etc/apt/sources.list.d/tfjs-kaf-non-free.sources
fi
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nvidia-cuda-toolkit > /dev/null
"$nvcc" --version | tail -n 2
