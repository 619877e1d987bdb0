"""PyTorch tensor-op KAF on the same shapes, eager and torch.compile (recompiled for each shape),
timed with CUDA events (medians). Writes one JSON object to the file named by its argument.
Run by bench/gpu/run.sh."""
import json
import sys

import torch


def kaf(x, alpha, dictionary, gamma):
    # [..., N] -> [..., N, D] -> sum over D: the composition tfjs-kaf's kernels fuse.
    return (alpha * torch.exp(-gamma * (x.unsqueeze(-1) - dictionary) ** 2)).sum(-1)


def median_ms(fn, reps):
    for _ in range(3):
        fn()
    torch.cuda.synchronize()
    times = []
    for _ in range(reps):
        start, stop = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        start.record()
        fn()
        stop.record()
        stop.synchronize()
        times.append(start.elapsed_time(stop))
    return sorted(times)[len(times) // 2]


def main():
    results = []
    for rows, units in [(8192, 4096), (256, 1024)]:
        D = 20
        delta = 6 / (D - 1)
        gamma = 1 / (6 * delta * delta)
        dictionary = torch.linspace(-3, 3, D, device="cuda")
        x = (torch.rand(rows, units, device="cuda") * 8 - 4).requires_grad_()
        alpha = (torch.randn(units, D, device="cuda") * 0.3).requires_grad_()
        dy = torch.randn(rows, units, device="cuda")
        reps = 20 if rows * units > 1e7 else 100
        torch._dynamo.reset()
        compiled = torch.compile(kaf, dynamic=False)
        entry = {"shape": [rows, units], "D": D}
        for name, fn in [("eager", kaf), ("compile", compiled)]:
            with torch.no_grad():
                entry[name + "ForwardMs"] = median_ms(lambda: fn(x, alpha, dictionary, gamma), reps)

            def step():
                y = fn(x, alpha, dictionary, gamma)
                torch.autograd.grad(y, (x, alpha), dy)

            entry[name + "ForwardBackwardMs"] = median_ms(step, reps)
        results.append(entry)
        print(json.dumps(entry), file=sys.stderr)
    with open(sys.argv[1], "w") as out:
        json.dump({"torch": torch.__version__, "device": torch.cuda.get_device_name(), "results": results}, out)


if __name__ == "__main__":
    main()
