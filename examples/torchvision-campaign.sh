#!/usr/bin/env bash
# Fault-inject a torchvision classifier: export it to ONNX with PyTorch, then let tgr do the rest.
# Needs torch + torchvision (for the export only) and ImageNet's validation images as folders:
#   IMAGENET/val/n01440764/*.JPEG …   (tgr's `imagenet` dataset; see `tgr data info imagenet --data-dir IMAGENET`)
set -euo pipefail
IMAGENET=${1:?usage: $0 IMAGENET_ROOT}
python3 - <<'PY'
import torch, torchvision
m = torchvision.models.resnet50(weights="IMAGENET1K_V2").eval()
torch.onnx.export(m, torch.randn(1, 3, 224, 224), "resnet50.onnx", input_names=["images"], output_names=["logits"],
                  dynamic_axes={"images": {0: "batch"}, "logits": {0: "batch"}}, opset_version=17)
PY
tgr inspect resnet50.onnx                                   # input, classes, injectable layers with shapes
data=(--dataset imagenet --data-dir "$IMAGENET" --images 5000 --out runs/resnet50-tv)
tgr plan resnet50.onnx "${data[@]}" --per-layer 4096 --format fp16     # golden pass + plan; prints the 99% margin per layer
tgr inject resnet50.onnx "${data[@]}" --per-layer 4096 --format fp16   # resumable; --shard k/n + tgr merge to spread it
column -s, -t < runs/resnet50-tv/campaign/fp16/summary.csv             # ΔLoss and mismatch per layer, 99% CIs
