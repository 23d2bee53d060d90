"""PyTorchFI-style peer of bench/inject.ts: per-layer single-bit-flip campaign on CIFAR ResNet-20 (option A).

For each layer, sites go in batches of `batch` images, one fault per image: a forward hook on the layer's module flips
one fp32 bit of one element of each image's output (as GoldenEye's fp32 path does), then the whole network runs
forward on the batch; cross-entropy and top-1 per image. Golden outputs are computed once beforehand (not timed),
exactly as the tgr side does.

Reads DIR/weights.json + DIR/weights.bin (the tgr model's initializers by torchvision name), DIR/images.bin
(float32 [n,C,S,S], --channels and --side), DIR/labels.bin (int32), and campaigns as DIR/NAME.json (layer names) +
DIR/NAME.bin (int32 rows of layer, image, index, bit, grouped by layer). Serves timed runs: prints {"ready": version}, then one JSON
result per "run NAME" line on stdin (totals, and per layer injections, mismatches and critical faults with ΔLoss > 1),
so the caller interleaves its runs with these under the same machine load.
Run with Debian's python3-torch: /usr/bin/python3 bench/inject_peer.py DIR --threads 2 --batch 128
"""
import argparse, json, sys, time
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision


class Block(nn.Module):
    def __init__(self, cin, planes, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, planes, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.pad = (planes - cin) // 2 if stride != 1 or cin != planes else None

    def forward(self, x):
        y = self.bn2(self.conv2(F.relu(self.bn1(self.conv1(x)))))
        s = x if self.pad is None else F.pad(x[:, :, ::2, ::2], (0, 0, 0, 0, self.pad, self.pad))
        return F.relu(y + s)


class ResNetCifar(nn.Module):
    def __init__(self, depth=20, classes=10, channels=3):
        super().__init__()
        n = (depth - 2) // 6
        self.conv1 = nn.Conv2d(channels, 16, 3, 1, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(16)
        c = 16
        for s in range(3):
            planes = 16 << s
            blocks = []
            for i in range(n):
                blocks.append(Block(c, planes, 2 if i == 0 and s > 0 else 1))
                c = planes
            setattr(self, f"layer{s + 1}", nn.Sequential(*blocks))
        self.fc = nn.Linear(64, classes)

    def forward(self, x):
        x = F.relu(self.bn1(self.conv1(x)))
        x = self.layer3(self.layer2(self.layer1(x)))
        return self.fc(torch.flatten(F.adaptive_avg_pool2d(x, 1), 1))


def load(d, arch="resnet20", side=32, classes=10, channels=3):
    manifest = json.load(open(f"{d}/weights.json"))
    blob = np.fromfile(f"{d}/weights.bin", dtype=np.float32)
    # Other architectures are torchvision's own (tgr names its parameters as their state_dict does).
    if arch == "resnet20":
        model = ResNetCifar(classes=classes, channels=channels).eval()
    else:
        model = getattr(torchvision.models, arch)(num_classes=classes).eval()
    state = {k: torch.from_numpy(blob[o:o + int(np.prod(s))].reshape(s).copy()) for k, (o, s) in manifest.items()}
    own = model.state_dict()
    model.load_state_dict({k: state[k] if k in state else own[k] for k in own}, strict=True)
    images = torch.from_numpy(np.fromfile(f"{d}/images.bin", dtype=np.float32).reshape(-1, channels, side, side))
    labels = torch.from_numpy(np.fromfile(f"{d}/labels.bin", dtype=np.int32).astype(np.int64))
    return model, images, labels


def sites_of(d, name):
    layers = json.load(open(f"{d}/{name}.json"))
    return layers, torch.from_numpy(np.fromfile(f"{d}/{name}.bin", dtype=np.int32).reshape(-1, 4).astype(np.int64))


def campaign(model, images, labels, layers, sites, batch, golden_loss, golden_top1):
    mism, dloss, n = 0, 0.0, 0
    per_layer = []  # per layer: injections, mismatches, critical faults (finite, ΔLoss > 1)
    with torch.no_grad():
        for li, name in enumerate(layers):
            mine = sites[sites[:, 0] == li]
            module = model.get_submodule(name)
            tally = {"n": len(mine), "mismatches": 0, "critical": 0}
            per_layer.append(tally)
            for s in range(0, len(mine), batch):
                part = mine[s:s + batch]
                rows = torch.arange(len(part))
                idx, masks = part[:, 2], torch.bitwise_left_shift(torch.ones_like(part[:, 3]), part[:, 3]).to(torch.int64)

                def hook(_m, _inp, out):
                    flat = out.view(out.shape[0], -1)
                    bits = flat[rows, idx].contiguous().view(torch.int32).to(torch.int64)
                    flat[rows, idx] = (bits ^ masks).to(torch.int32).view(torch.float32)  # int32 wraps bit 31 to the sign
                    return out

                h = module.register_forward_hook(hook)
                img = part[:, 1]
                logits = model(images[img])
                h.remove()
                loss = F.cross_entropy(logits.double(), labels[img], reduction="none")  # float64, as tgr scores
                finite = torch.isfinite(logits).all(1)
                changed = int(((logits.argmax(1) != golden_top1[img]) & finite).sum())
                delta = (loss - golden_loss[img]).abs()
                mism += changed
                tally["mismatches"] += changed
                tally["critical"] += int(((delta > 1) & finite).sum())
                dloss += float(delta[finite].sum())
                n += len(part)
    return mism, dloss, n, per_layer


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--arch", default="resnet20", help="resnet20 (CIFAR, option A) or a torchvision model name")
    ap.add_argument("--side", type=int, default=32)
    ap.add_argument("--classes", type=int, default=10)
    ap.add_argument("--channels", type=int, default=3)
    ap.add_argument("--warmup", type=int, default=256, help="sites run once, untimed, before the first timed run")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    model, images, labels = load(a.dir, a.arch, a.side, a.classes, a.channels)
    with torch.no_grad():
        golden = torch.cat([model(images[s:s + 256]) for s in range(0, len(images), 256)])
    golden_loss = F.cross_entropy(golden.double(), labels, reduction="none")
    golden_top1 = golden.argmax(1)
    layers, sites = sites_of(a.dir, "sites")
    campaign(model, images, labels, layers, sites[: a.warmup], a.batch, golden_loss, golden_top1)  # warm-up
    print(json.dumps({"ready": torch.__version__, "threads": torch.get_num_threads(), "golden_top1": golden_top1.tolist()}), flush=True)
    for line in sys.stdin:
        words = line.split()
        if len(words) != 2 or words[0] != "run":
            break
        layers, sites = sites_of(a.dir, words[1])
        t = time.perf_counter()
        mism, dloss, n, per_layer = campaign(model, images, labels, layers, sites, a.batch, golden_loss, golden_top1)
        s = time.perf_counter() - t
        result = {"seconds": s, "inj_per_s": n / s, "mismatches": mism, "delta_loss_sum": dloss, "n": n, "layers": per_layer}
        print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
