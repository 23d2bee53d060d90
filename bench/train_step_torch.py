"""PyTorch peer of bench/train-step.ts: CIFAR ResNet-20 (option-A shortcuts) training steps on random data.

Prints one JSON line: {"torch": version, "threads": n, "batch": b, "img_per_s": [...], "cpu_img_per_s": [...]}, one
figure per run: images per wall-clock second, and per CPU second of this process (robust to other load at 1 thread).
With --serve it warms up, prints {"ready": version}, then runs one timed run per "run" line on stdin and prints
{"img_per_s": x, "cpu_img_per_s": y}, so a caller can interleave its own runs with PyTorch's under the same load.
Run with Debian's python3-torch: /usr/bin/python3 bench/train_step_torch.py --batch 64 --threads 2
"""
import argparse, json, sys, time
import torch
import torch.nn as nn
from inject_peer import ResNetCifar  # the same option-A ResNet-20 the fault-injection peer uses


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--batch', type=int, default=64)
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--steps', type=int, default=20)
    ap.add_argument('--runs', type=int, default=5)
    ap.add_argument('--warmup', type=int, default=5)
    ap.add_argument('--serve', action='store_true')
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    model = ResNetCifar()
    model.train()
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, nesterov=True, weight_decay=5e-4)
    loss_fn = nn.CrossEntropyLoss(label_smoothing=0.1)
    x = torch.randn(a.batch, 3, 32, 32)
    y = torch.randint(0, 10, (a.batch,))

    def step():
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        return loss.item()

    def run():
        t, c = time.perf_counter(), time.process_time()
        for _ in range(a.steps):
            step()
        n = a.batch * a.steps
        return {'img_per_s': n / (time.perf_counter() - t), 'cpu_img_per_s': n / (time.process_time() - c)}

    for _ in range(a.warmup):
        step()
    if a.serve:
        print(json.dumps({'ready': torch.__version__, 'threads': torch.get_num_threads()}), flush=True)
        for line in sys.stdin:
            if line.strip() != 'run':
                break
            print(json.dumps(run()), flush=True)
        return
    runs = [run() for _ in range(a.runs)]
    print(json.dumps({'torch': torch.__version__, 'threads': torch.get_num_threads(), 'batch': a.batch,
                      'img_per_s': [r['img_per_s'] for r in runs], 'cpu_img_per_s': [r['cpu_img_per_s'] for r in runs]}))


if __name__ == '__main__':
    main()
