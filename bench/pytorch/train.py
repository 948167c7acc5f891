"""PyTorch side of bench/training.ts: the same models and recipes as netc's, driven one command
per stdin line, one JSON object per stdout line (so that the bench can interleave the two).

  lenet_init DIR        load Fashion-MNIST (IDX, gzip) from DIR, build LeNet-BN -> {"params"}
  lenet_epoch LR BATCH E EPOCHS  epoch E (0-based) of EPOCHS: SGD from LR annealed per step by a
                        cosine to 0 at the end of the last epoch (netc's --schedule cosine),
                        then test accuracy -> {"seconds", "loss", "accuracy"}
  model KEY             build ecg_resnet or resnet18_d2l -> {"params"}
  steps N BATCH         N SGD steps on random data (after one warm-up step) -> {"seconds"}
  quit
"""
import gzip
import json
import math
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

threads = int(sys.argv[1]) if len(sys.argv) > 1 else 2
torch.set_num_threads(threads)
torch.manual_seed(0)


def idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i : 8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def lenet_bn():
    # D2L's BatchNorm LeNet with max pooling (as samples/lenet_bn.net); BN momentum 0.1, eps 1e-5.
    # Kernels Glorot-uniform and biases zero, as netc's defaults (D2L: xavier_uniform_).
    net = nn.Sequential(
        nn.Conv2d(1, 6, 5), nn.BatchNorm2d(6), nn.Sigmoid(), nn.MaxPool2d(2, 2),
        nn.Conv2d(6, 16, 5), nn.BatchNorm2d(16), nn.Sigmoid(), nn.MaxPool2d(2, 2),
        nn.Flatten(),
        nn.Linear(256, 120), nn.BatchNorm1d(120), nn.Sigmoid(),
        nn.Linear(120, 84), nn.BatchNorm1d(84), nn.Sigmoid(),
        nn.Linear(84, 10),
    )
    for layer in net:
        if isinstance(layer, (nn.Conv2d, nn.Linear)):
            nn.init.xavier_uniform_(layer.weight)
            nn.init.zeros_(layer.bias)
    return net


class Residual(nn.Module):
    """D2L's residual block (bias on every convolution, 1x1 projection when the shape changes)."""

    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1)
        self.conv3 = nn.Conv2d(cin, cout, 1, stride) if stride != 1 or cin != cout else None
        self.bn1 = nn.BatchNorm2d(cout)
        self.bn2 = nn.BatchNorm2d(cout)

    def forward(self, x):
        y = F.relu(self.bn1(self.conv1(x)))
        y = self.bn2(self.conv2(y))
        return F.relu(y + (self.conv3(x) if self.conv3 is not None else x))


def resnet18_d2l():
    layers = [nn.Conv2d(1, 64, 7, 2, 3), nn.BatchNorm2d(64), nn.ReLU(), nn.MaxPool2d(3, 2, 1)]
    cin = 64
    for i, c in enumerate([64, 128, 256, 512]):
        for j in range(2):
            layers.append(Residual(cin, c, 2 if j == 0 and i > 0 else 1))
            cin = c
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(512, 10)]
    return nn.Sequential(*layers)


class SameConv1d(nn.Conv1d):
    """Conv1d with TensorFlow's 'same' padding (the extra zero at the end), any stride."""

    def forward(self, x):
        k, s = self.kernel_size[0], self.stride[0]
        n = x.shape[-1]
        total = max((-(-n // s) - 1) * s + k - n, 0)
        return super().forward(F.pad(x, (total // 2, total - total // 2)))


class EcgBlock(nn.Module):
    def __init__(self, cin, cout, sub, preactivate, k=32):
        super().__init__()
        self.sub, self.cout, self.cin = sub, cout, cin
        self.bn0 = nn.BatchNorm1d(cin) if preactivate else None
        self.conv0 = SameConv1d(cin, cout, k, stride=sub)
        self.bn1 = nn.BatchNorm1d(cout)
        self.drop = nn.Dropout(0.5)
        self.conv1 = SameConv1d(cout, cout, k)

    def forward(self, x):
        short = F.max_pool1d(x, self.sub) if self.sub > 1 else x
        if self.cout != self.cin:
            short = F.pad(short, (0, 0, 0, self.cout - self.cin))
        y = F.relu(self.bn0(x)) if self.bn0 is not None else x
        y = self.drop(F.relu(self.bn1(self.conv0(y))))
        return short + self.conv1(y)


def ecg_resnet():
    layers = [SameConv1d(1, 12, 32), nn.BatchNorm1d(12), nn.ReLU()]
    cin = 12
    for i, (sub, c) in enumerate(zip([1, 2, 1, 2, 1, 2, 1, 2], [12, 12, 24, 24, 48, 48, 96, 96])):
        layers.append(EcgBlock(cin, c, sub, i > 0))
        cin = c
    layers += [nn.BatchNorm1d(cin), nn.ReLU(), nn.AdaptiveAvgPool1d(1), nn.Flatten(), nn.Linear(cin, 5)]
    return nn.Sequential(*layers)


MODELS = {
    "ecg_resnet": (ecg_resnet, (1, 1280), 5),
    "resnet18_d2l": (resnet18_d2l, (1, 96, 96), 10),
}


def params(model):
    return sum(p.numel() for p in model.parameters())


def say(obj):
    print(json.dumps(obj), flush=True)


state = {}
for line in sys.stdin:
    cmd = line.split()
    if not cmd:
        continue
    if cmd[0] == "quit":
        break
    if cmd[0] == "lenet_init":
        d = cmd[1]
        load = lambda name: idx(f"{d}/{name}-ubyte.gz")
        state["train"] = (
            torch.tensor(load("train-images-idx3"), dtype=torch.float32).div_(255).unsqueeze(1),
            torch.tensor(load("train-labels-idx1"), dtype=torch.int64),
        )
        state["test"] = (
            torch.tensor(load("t10k-images-idx3"), dtype=torch.float32).div_(255).unsqueeze(1),
            torch.tensor(load("t10k-labels-idx1"), dtype=torch.int64),
        )
        state["model"] = lenet_bn()
        state["opt"] = None
        say({"params": params(state["model"])})
    elif cmd[0] == "lenet_epoch":
        lr, batch, epoch, epochs = float(cmd[1]), int(cmd[2]), int(cmd[3]), int(cmd[4])
        model = state["model"]
        if state["opt"] is None:
            state["opt"] = torch.optim.SGD(model.parameters(), lr=lr)
        opt = state["opt"]
        x, y = state["train"]
        model.train()
        t0 = time.perf_counter()
        perm = torch.randperm(x.shape[0])
        total = 0.0
        per_epoch = -(-x.shape[0] // batch)
        for i in range(0, x.shape[0], batch):
            j = perm[i : i + batch]
            step = epoch * per_epoch + i // batch
            for group in opt.param_groups:
                group["lr"] = lr * (1 + math.cos(math.pi * step / (epochs * per_epoch))) / 2
            opt.zero_grad()
            loss = F.cross_entropy(model(x[j]), y[j])
            loss.backward()
            opt.step()
            total += loss.item() * len(j)
        seconds = time.perf_counter() - t0
        model.eval()
        tx, ty = state["test"]
        with torch.no_grad():
            correct = sum(
                (model(tx[i : i + 1000]).argmax(1) == ty[i : i + 1000]).sum().item()
                for i in range(0, tx.shape[0], 1000)
            )
        say({"seconds": seconds, "loss": total / x.shape[0], "accuracy": correct / tx.shape[0]})
    elif cmd[0] == "model":
        make, shape, classes = MODELS[cmd[1]]
        state["model"] = make()
        state["shape"], state["classes"] = shape, classes
        state["opt"] = torch.optim.SGD(state["model"].parameters(), lr=0.01)
        say({"params": params(state["model"])})
    elif cmd[0] == "steps":
        n, batch = int(cmd[1]), int(cmd[2])
        model, opt = state["model"], state["opt"]
        model.train()
        g = torch.Generator().manual_seed(1)
        x = torch.randn((batch, *state["shape"]), generator=g)
        y = torch.randint(0, state["classes"], (batch,), generator=g)

        def step():
            opt.zero_grad()
            loss = F.cross_entropy(model(x), y)
            loss.backward()
            opt.step()
            return loss.item()

        step()
        t0 = time.perf_counter()
        for _ in range(n):
            step()
        say({"seconds": time.perf_counter() - t0})
    else:
        say({"error": f"unknown command {cmd[0]}"})
