#!/usr/bin/env python3
# Foresight — scripts
# Copyright (c) 2026 the Foresight developers. MIT License.
"""Supervised counting probe: can a small CNN encoder of the agent's shape count the counting images?

A reference check, not part of the package: it asks whether CountingHold-v0's failures (holding 5
objects as if 4) come from the pixel encoder's design or from its training. Images come from
`foresight rollout --env CountingHold-v0` (random actions, 50 steps per episode, consecutive identical
frames dropped); each encoder is trained with cross-entropy on the count (9 classes) through a linear
head, Adam 1e-3, batch 32, pixels in [0, 1], one PyTorch thread, and evaluated on held-out episodes
and on a held-out set of line-only episodes (the smallest shape).

Encoders (no padding; 64 -> 29 -> 13 -> 6 -> 4):
  A  the agent's: Conv(3,16,k7,s2) ReLU Conv(16,k5,s2) ReLU Conv(16,k3,s2) ReLU Conv(16,k3,s1) ReLU, mean over 4x4
  B  A with 32 channels (`"pixelChannels": 32`)
  C  mean over the 13x13 map: Conv(3,16,k7,s2) ReLU Conv(16,k5,s2) ReLU Conv(16,32,k1) ReLU
  D  C with a stride-1 first layer (k5) and a 28x28 map
  R  the agent's `"pixelArchitecture": "resnet"` with 16 channels: Conv(3,16,k7,s2) ReLU Conv(16,32,k3,s2)
     2 x Res(32) Conv(32,32,k3,s2) Res(32) ReLU, mean over 6x6; Res(x) = x + conv(relu(conv(relu(x)))), 3x3, padding 1
  P  R without the skips (the same six padded 3x3 convolutions in a plain chain)

Heads (--head): `linear` (a linear layer on the pooled features, the default), `agent` (the agent's projection,
Linear -> LayerNorm -> SimNorm(8) to 128, then a linear layer) and `hidden` (`agent` after one Linear(256) ->
LayerNorm -> Mish block, `"pixelHiddenLayers": 1`).

  counting_encoder_probe.py generate --foresight .build/release/foresight --out /tmp/probe
  counting_encoder_probe.py train --data /tmp/probe --arch A --steps 3000 --seed 0
  counting_encoder_probe.py train --data /tmp/probe --arch R --head hidden --steps 3000 --seed 0
Needs numpy and torch (e.g. .venv/bin/python from scripts/setup-python.sh).
"""
import argparse
import json
import os
import subprocess
import time

import numpy as np

SHAPES = ("circle", "square", "triangle", "line")   # the environment's `info["shape"]` ids 0-3
LINE = 3


def rollout_images(binary, seed, extra=()):
    """The distinct frames of one 50-step episode with random actions: (images [n, 3, 64, 64] uint8, counts, shapes)."""
    out = subprocess.run([binary, "rollout", "--env", "CountingHold-v0", "--seed", str(seed), "--steps", "50", *extra],
                         capture_output=True, text=True, check=True).stdout
    images, counts, shapes, previous = [], [], [], None
    for line in out.splitlines():
        step = json.loads(line)
        image = np.asarray(step["observation"], dtype=np.float32).astype(np.uint8).reshape(3, 64, 64)
        if previous is not None and np.array_equal(image, previous):
            continue   # "keep" leaves the scene as it was
        previous = image
        images.append(image); counts.append(int(step["info"]["count"])); shapes.append(int(step["info"]["shape"]))
    return images, counts, shapes


def generate(args):
    os.makedirs(args.out, exist_ok=True)
    rng = np.random.default_rng(0)
    for name, first_seed, target, lines_only in (("train", 1, args.train, False), ("test", 1_000_001, args.test, False),
                                                 ("testline", 2_000_001, args.test, True)):
        images, counts, shapes, seed = [], [], [], first_seed
        while len(images) < target:
            extra = ()
            if lines_only:   # --initial-state count,shape,r,g,b: a random start count and colour, the line shape
                count, (r, g, b) = int(rng.integers(0, 9)), (int(v) for v in rng.integers(30, 226, size=3))
                extra = ("--initial-state", f"{count},{LINE},{r},{g},{b}")
            i, c, s = rollout_images(args.foresight, seed, extra)
            images += i; counts += c; shapes += s; seed += 1
        np.save(os.path.join(args.out, f"{name}_x.npy"), np.stack(images[:target]))
        np.save(os.path.join(args.out, f"{name}_count.npy"), np.array(counts[:target], np.int64))
        np.save(os.path.join(args.out, f"{name}_shape.npy"), np.array(shapes[:target], np.int64))
        print(f"{name}: {target} images from seeds {first_seed}..{seed - 1}, counts 0-8: "
              f"{np.bincount(counts[:target], minlength=9).tolist()}, shapes: {np.bincount(shapes[:target], minlength=4).tolist()}")


def train(args):
    import torch
    import torch.nn as nn
    torch.set_num_threads(1)
    torch.manual_seed(args.seed)

    class MeanPool(nn.Module):
        def forward(self, x):
            return x.mean((2, 3))

    relu = nn.ReLU

    class Block(nn.Module):
        def __init__(self, channels, skip):
            super().__init__()
            self.first, self.second, self.skip = nn.Conv2d(channels, channels, 3, 1, 1), nn.Conv2d(channels, channels, 3, 1, 1), skip

        def forward(self, x):
            y = self.second(torch.relu(self.first(torch.relu(x))))
            return x + y if self.skip else y

    class SimNorm(nn.Module):
        def forward(self, x):
            return torch.softmax(x.view(*x.shape[:-1], -1, 8), -1).view(x.shape)

    def residual(skip):
        return nn.Sequential(nn.Conv2d(3, 16, 7, 2), relu(), nn.Conv2d(16, 32, 3, 2), Block(32, skip), Block(32, skip),
                             nn.Conv2d(32, 32, 3, 2), Block(32, skip), relu(), MeanPool())
    encoders = {
        "A": (lambda: nn.Sequential(nn.Conv2d(3, 16, 7, 2), relu(), nn.Conv2d(16, 16, 5, 2), relu(), nn.Conv2d(16, 16, 3, 2), relu(),
                                    nn.Conv2d(16, 16, 3, 1), relu(), MeanPool()), 16),
        "B": (lambda: nn.Sequential(nn.Conv2d(3, 32, 7, 2), relu(), nn.Conv2d(32, 32, 5, 2), relu(), nn.Conv2d(32, 32, 3, 2), relu(),
                                    nn.Conv2d(32, 32, 3, 1), relu(), MeanPool()), 32),
        "C": (lambda: nn.Sequential(nn.Conv2d(3, 16, 7, 2), relu(), nn.Conv2d(16, 16, 5, 2), relu(), nn.Conv2d(16, 32, 1), relu(),
                                    MeanPool()), 32),
        "D": (lambda: nn.Sequential(nn.Conv2d(3, 16, 5, 1), relu(), nn.Conv2d(16, 16, 5, 2), relu(), nn.Conv2d(16, 32, 1), relu(),
                                    MeanPool()), 32),
        "R": (lambda: residual(True), 32),
        "P": (lambda: residual(False), 32),
    }
    make, width = encoders[args.arch]
    heads = {"linear": lambda: nn.Linear(width, 9),
             "agent": lambda: nn.Sequential(nn.Linear(width, 128), nn.LayerNorm(128), SimNorm(), nn.Linear(128, 9)),
             "hidden": lambda: nn.Sequential(nn.Linear(width, 256), nn.LayerNorm(256), nn.Mish(), nn.Linear(256, 128),
                                             nn.LayerNorm(128), SimNorm(), nn.Linear(128, 9))}
    model = nn.Sequential(make(), heads[args.head]())
    load = lambda name, part: torch.from_numpy(np.load(os.path.join(args.data, f"{name}_{part}.npy")))
    x_train, c_train = load("train", "x"), load("train", "count")
    held_out = {name: (load(name, "x"), load(name, "count").numpy(), load(name, "shape").numpy()) for name in ("test", "testline")}
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    generator = torch.Generator().manual_seed(args.seed)
    start = time.time()
    for step in range(1, args.steps + 1):
        index = torch.randint(0, len(x_train), (32,), generator=generator)
        loss = nn.functional.cross_entropy(model(x_train[index].float() / 255), c_train[index])
        optimizer.zero_grad(); loss.backward(); optimizer.step()
    model.eval()
    result = {"arch": args.arch, "head": args.head, "steps": args.steps, "seed": args.seed, "seconds": round(time.time() - start, 1)}
    with torch.no_grad():
        for name, (x, counts, shapes) in held_out.items():
            predicted = torch.cat([model(x[i:i + 250].float() / 255).argmax(1) for i in range(0, len(x), 250)]).numpy()
            correct = predicted == counts
            result[name] = {"accuracy": round(float(correct.mean()), 3),
                            "by_shape": {SHAPES[s]: round(float(correct[shapes == s].mean()), 3) for s in range(4) if (shapes == s).any()},
                            "line_by_count": {c: round(float(correct[(shapes == LINE) & (counts == c)].mean()), 3)
                                              for c in range(9) if ((shapes == LINE) & (counts == c)).any()}}
    print(json.dumps(result))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    g = commands.add_parser("generate", help="write train/test/testline .npy files")
    g.add_argument("--foresight", required=True, help="a release foresight binary")
    g.add_argument("--out", required=True)
    g.add_argument("--train", type=int, default=20_000)
    g.add_argument("--test", type=int, default=3_000)
    t = commands.add_parser("train", help="train one encoder and print held-out accuracies as JSON")
    t.add_argument("--data", required=True)
    t.add_argument("--arch", choices=("A", "B", "C", "D", "R", "P"), default="A")
    t.add_argument("--head", choices=("linear", "agent", "hidden"), default="linear")
    t.add_argument("--steps", type=int, default=3_000)
    t.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    generate(args) if args.command == "generate" else train(args)


if __name__ == "__main__":
    main()
