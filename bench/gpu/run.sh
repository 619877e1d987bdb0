#!/usr/bin/env bash
# GPU checks and benchmark of the CUDA KAF kernels: run from the repository root on the GPU machine,
# after `npm run gpu:pack` here put the Node binary and the CUDA build in .device/.
#   bash bench/gpu/run.sh            (OUT=dir to keep the JSON results)
set -uo pipefail
cd "$(dirname "$0")/../.."
work=$(mktemp -d)
xz -dc .device/node.xz > "$work/node" && chmod +x "$work/node"
export TFJS_KAF_ADDON="$PWD/.device/tfjs_kaf.node"
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader || true
"$work/node" bench/gpu/check.mjs "$work/check.json"
status=$?
python3 bench/gpu/torch_kaf.py > "$work/torch.json" || echo "PyTorch comparison failed (see above)"
[ -f "$work/check.json" ] && "$work/node" bench/gpu/report.mjs "$work/check.json" "$work/torch.json"
exit $status
