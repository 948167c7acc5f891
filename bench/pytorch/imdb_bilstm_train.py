"""PyTorch side of bench/recurrent-train.ts: samples/imdb_bilstm.net as torch modules (embedding
20000 x 128, two bidirectional LSTMs of 64 units, dense 1 + sigmoid: 2,757,761 parameters),
trained with Adam on random batches of 32 reviews of 200 ids; examples/s after one warm-up step.

  /usr/bin/python3 bench/pytorch/imdb_bilstm_train.py [threads] [steps]
"""
import sys
import time

import torch
import torch.nn as nn

threads = int(sys.argv[1]) if len(sys.argv) > 1 else 2
steps = int(sys.argv[2]) if len(sys.argv) > 2 else 3
torch.set_num_threads(threads)
torch.manual_seed(0)
BATCH, LENGTH = 32, 200


class ImdbBiLstm(nn.Module):
    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(20000, 128)
        self.lstm0 = nn.LSTM(128, 64, batch_first=True, bidirectional=True)
        self.lstm1 = nn.LSTM(128, 64, batch_first=True, bidirectional=True)
        self.dense = nn.Linear(128, 1)

    def forward(self, ids):
        x, _ = self.lstm0(self.embedding(ids))
        _, (h, _) = self.lstm1(x)
        return torch.sigmoid(self.dense(torch.cat([h[0], h[1]], dim=-1)))


model = ImdbBiLstm()
# torch keeps two LSTM biases where Keras has one: 2 layers * 2 directions * 4 * 64 more.
params = sum(p.numel() for p in model.parameters()) - 2 * 2 * 4 * 64
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
x = torch.randint(0, 20000, (BATCH, LENGTH))
y = (torch.rand(BATCH, 1) > 0.5).float()


def step():
    optimizer.zero_grad()
    loss = nn.functional.binary_cross_entropy(model(x), y)
    loss.backward()
    optimizer.step()


step()
start = time.perf_counter()
for _ in range(steps):
    step()
seconds = time.perf_counter() - start
print(
    f"pytorch ({threads} threads): {steps * BATCH / seconds:.1f} examples/s "
    f"({seconds / steps * 1000:.0f} ms per batch of {BATCH} x {LENGTH}), {params:,} Keras params"
)
