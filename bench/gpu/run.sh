#!/usr/bin/env bash
# GPU checks and benchmark of the CUDA KAF kernels: run from the repository root on the GPU machine,
# after `npm run gpu:pack` here put the Node binary and the CUDA build in .device/.
#   bash bench/gpu/run.sh            (OUT=dir keeps the JSON results and the log)
# Parts, each its own process (a CUDA fault is sticky for a process, so one failing part leaves the
# others' results): correctness checks of the kernels; the public `cuda` API (api.mjs); the
# TensorFlow contract harness (GPU kernels through the C API: blocking and non-blocking producers,
# every ordering mode, the negative controls); the small checks again under compute-sanitizer (memcheck)
# when it is installed; timings with each forward build (KAF_CUDA_FORWARD_ROWS 4, the default, and
# 8); the PyTorch tensor-op KAF on the same shapes; with KAF_GPU_PROFILE=1, Nsight Compute's
# summary of the fast-path kernels; the table last.
set -uo pipefail
cd "$(dirname "$0")/../.."
work=$(mktemp -d)
results=${OUT:-$work}
xz -dc .device/node.xz > "$work/node" && chmod +x "$work/node"
export TFJS_KAF_ADDON="$PWD/.device/tfjs_kaf.node"
nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.sm,clocks.max.sm --format=csv,noheader || true
status=0
part() { # name, then the command; records a failing part without stopping the others
  local name=$1
  shift
  echo "== $name"
  "$@" || { echo "== $name FAILED (exit $?)"; status=1; }
}
part checks "$work/node" bench/gpu/check.mjs checks "$results/checks.json"
if command -v compute-sanitizer > /dev/null; then
  part memcheck compute-sanitizer --tool memcheck --error-exitcode 9 --report-api-errors no --print-limit 20 \
    "$work/node" bench/gpu/check.mjs checks-small "$work/memcheck.json"
else
  echo "== memcheck skipped: compute-sanitizer is not installed here"
fi
part api "$work/node" --expose-gc bench/gpu/api.mjs "$results/api.json"
# The GPU kernels of the TensorFlow ops through the C API (stand-in TensorFlow claiming a GPU build,
# the GPU kernels opted in): against a blocking producer stream (TF 2.9) both modes must match
# float64 and the unordered control must be caught; against a non-blocking one (current TF) `full`
# must match and `stream` must be caught (the race the version rule avoids); a TF 2.16 stand-in
# must choose `full` by itself and match.
contract() { # name, then environment assignments
  local name=$1
  shift
  env TFJS_KAF_STANDIN_GPU=1 TFJS_KAF_TF_GPU=1 "$@" sh -c \
    '.device/tf_contract/contract gpu 1 > "$1"; status=$?; cat "$1"; exit $status' _ "$results/tf-contract-$name.json"
}
for sync in stream full unordered; do
  part "tf-contract-blocking-$sync" contract "blocking-$sync" TFJS_KAF_GPU_SYNC=$sync
done
for sync in stream full; do
  part "tf-contract-nonblocking-$sync" contract "nonblocking-$sync" CONTRACT_PRODUCER=nonblocking TFJS_KAF_GPU_SYNC=$sync
done
part tf-contract-tf216-default contract tf216-default CONTRACT_PRODUCER=nonblocking TFJS_KAF_STANDIN_VERSION=2.16.1
part timings "$work/node" bench/gpu/check.mjs timings "$results/timings.json"
KAF_CUDA_FORWARD_ROWS=8 part timings-rows8 "$work/node" bench/gpu/check.mjs timings "$results/timings-rows8.json"
part torch python3 bench/gpu/torch_kaf.py "$results/torch.json"
if [ "${KAF_GPU_PROFILE:-0}" = 1 ] && command -v ncu > /dev/null; then
  # Nsight Compute on the fast-path kernels at the timed shapes (the first launches of each).
  part profile timeout 150 ncu --kernel-name regex:walk --launch-count 6 --section SpeedOfLight \
    --section Occupancy --section WarpStateStats --section LaunchStats \
    "$work/node" bench/gpu/check.mjs timings "$work/profiled.json"
fi
"$work/node" bench/gpu/report.mjs "$results"
exit $status
