"""snnTorch on SpikeLab's digits task, for `cargo run --release --example learning`.

The peer the surrogate-gradient trainer is measured against: a 64-100-10 network of
snntorch.Leaky neurons (beta = exp(-1/20), fast-sigmoid surrogate of slope 25), rate-coded
input (spikegen.rate, 25 steps), spike-count cross-entropy (SF.ce_count_loss), Adam, on one
CPU thread. The digits are read from SpikeLab's own assets/data/digits.csv.gz and split as
SpikeLab splits them (the split's indices come in a JSON file), so both learn and are tested
on the same samples.

    python bench/snntorch_digits.py --split split.json --epochs 30 --seed 1

prints one JSON object: the test accuracy after each epoch and the wall time at its end
(training and that epoch's test, as SpikeLab counts it), and the totals.
"""

import argparse
import gzip
import json
import math
import time

import numpy as np
import torch
import torch.nn as nn
import snntorch as snn
from snntorch import functional as SF
from snntorch import spikegen, surrogate


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--split", required=True)
    ap.add_argument("--digits", default="assets/data/digits.csv.gz")
    ap.add_argument("--epochs", type=int, default=30)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--steps", type=int, default=25)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--batch", type=int, default=128)
    a = ap.parse_args()

    torch.set_num_threads(1)
    torch.manual_seed(a.seed)
    with gzip.open(a.digits, "rt") as f:
        rows = np.loadtxt(f, delimiter=",")
    x = torch.tensor(rows[:, :-1] / 16.0, dtype=torch.float32)
    y = torch.tensor(rows[:, -1], dtype=torch.long)
    split = json.load(open(a.split))
    train, test = torch.tensor(split["train"]), torch.tensor(split["test"])

    beta = math.exp(-1.0 / 20.0)
    grad = surrogate.fast_sigmoid(slope=25)

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc1 = nn.Linear(64, 100)
            self.lif1 = snn.Leaky(beta=beta, spike_grad=grad)
            self.fc2 = nn.Linear(100, 10)
            self.lif2 = snn.Leaky(beta=beta, spike_grad=grad)

        def forward(self, spikes):
            m1, m2 = self.lif1.init_leaky(), self.lif2.init_leaky()
            out = []
            for t in range(spikes.shape[0]):
                s1, m1 = self.lif1(self.fc1(spikes[t]), m1)
                s2, m2 = self.lif2(self.fc2(s1), m2)
                out.append(s2)
            return torch.stack(out)

    net = Net()
    opt = torch.optim.Adam(net.parameters(), lr=a.lr, betas=(0.9, 0.999))
    loss_fn = SF.ce_count_loss()

    def accuracy(idx):
        with torch.no_grad():
            spk = net(spikegen.rate(x[idx], num_steps=a.steps))
            return (spk.sum(0).argmax(1) == y[idx]).float().mean().item()

    epochs = []
    started = time.perf_counter()
    for epoch in range(1, a.epochs + 1):
        order = train[torch.randperm(len(train))]
        for b in range(0, len(order), a.batch):
            idx = order[b : b + a.batch]
            spk = net(spikegen.rate(x[idx], num_steps=a.steps))
            loss = loss_fn(spk, y[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
        acc = accuracy(test)
        epochs.append({"epoch": epoch, "test_accuracy": acc, "wall_s": time.perf_counter() - started})
    print(json.dumps({"epochs": epochs, "test_accuracy": epochs[-1]["test_accuracy"],
                      "wall_s": epochs[-1]["wall_s"], "torch": torch.__version__,
                      "snntorch": snn.__version__}))


if __name__ == "__main__":
    main()
