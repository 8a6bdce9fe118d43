#!/usr/bin/env python3
"""The PyTorch yardstick for `webgpu-rnn train --task generate`: the same language-conditioned character
model, the same data, split and settings, trained by PyTorch on the CPU.

    LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-pthread /usr/bin/python3 bench/peers/torch_lm.py \
        --data /path/to/names.zip [--epochs 10 --batch 32 --lr 0.005 --dropout 0.2 --seed 1 --threads 1 --progress]

Model (87,099 parameters for GRU-128 and 18 languages, as webgpu-rnn's): the input at each position is the
previous symbol (START at 0) one-hot over 59 plus the language one-hot over 18 (the tutorial's category
tensor), nn.GRU(77, 128), dropout on its outputs, nn.Linear(128, 59) over the 58 characters and END. Loss:
cross-entropy at every position (characters and END), mean over the batch's target symbols. Adam (eps 1e-8),
lr cosine-decayed to 0 over all steps, gradient norm clipped to 1. Split: Python random.Random(20240601),
languages in sorted order, round(0.8 n) of each to train (src/data/split.ts is a port of it). Prints per epoch
the training loss and the test NLL in nats and bits per symbol, then the share of new names at temperature
0.8 (100 per language; new = not a training name of any language).
"""
import argparse
import io
import math
import random
import time
import unicodedata
import zipfile

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ .,;'"
VOCAB = LETTERS + '_'
START = END = len(VOCAB)  # input 58 = START, output 58 = END


def normalize(s):
    s = ''.join(c for c in unicodedata.normalize('NFD', s.strip()) if unicodedata.category(c) != 'Mn')
    return ''.join(c if c in LETTERS else '_' for c in s)


def load(path):
    z = zipfile.ZipFile(path)
    files = {}
    for n in z.namelist():
        parts = n.split('/')
        if len(parts) >= 3 and parts[-2] == 'names' and parts[-3] == 'data' and n.endswith('.txt') and not parts[-1].startswith('.'):
            text = z.read(n).decode('utf-8')
            files[parts[-1][:-4]] = [normalize(l) for l in text.split('\n') if l.strip()]
    langs = sorted(files)
    return langs, [files[l] for l in langs]


def split(names, seed=20240601, test_fraction=0.2):
    rng = random.Random(seed)
    train, test = [], []
    for label, ns in enumerate(names):
        order = list(range(len(ns)))
        rng.shuffle(order)
        k = round((1 - test_fraction) * len(ns))
        for rank, i in enumerate(order):
            (train if rank < k else test).append((ns[i], label))
    return train, test


class LM(nn.Module):
    def __init__(self, languages, hidden, dropout):
        super().__init__()
        self.languages = languages
        self.rnn = nn.GRU(len(VOCAB) + 1 + languages, hidden)
        self.drop = nn.Dropout(dropout)
        self.head = nn.Linear(hidden, len(VOCAB) + 1)

    def inputs(self, seqs, langs):
        """[T, B, 59 + L] two-hot inputs of START + each name (padded), and their lengths."""
        T = max(len(s) for s in seqs) + 1
        x = torch.zeros(T, len(seqs), len(VOCAB) + 1 + self.languages)
        for b, (s, l) in enumerate(zip(seqs, langs)):
            x[0, b, START] = 1
            for t, c in enumerate(s):
                x[t + 1, b, c] = 1
            x[:len(s) + 1, b, len(VOCAB) + 1 + l] = 1
        return x, torch.tensor([len(s) + 1 for s in seqs])

    def forward(self, x, lengths, h=None):
        packed = pack_padded_sequence(x, lengths, enforce_sorted=False)
        y, h = self.rnn(packed, h)
        y, _ = pad_packed_sequence(y)
        return self.head(self.drop(y)), h


def targets(seqs):
    T = max(len(s) for s in seqs) + 1
    t = torch.full((T, len(seqs)), -100, dtype=torch.long)
    for b, s in enumerate(seqs):
        for i, c in enumerate(s):
            t[i, b] = c
        t[len(s), b] = END
    return t


def nll(model, data, batch=512):
    model.eval()
    total, count = 0.0, 0
    with torch.no_grad():
        for i in range(0, len(data), batch):
            part = data[i:i + batch]
            seqs = [[VOCAB.index(c) for c in n] for n, _ in part]
            x, lengths = model.inputs(seqs, [l for _, l in part])
            logits, _ = model(x, lengths)
            t = targets(seqs)
            total += F.cross_entropy(logits.reshape(-1, logits.shape[-1]), t.reshape(-1), ignore_index=-100, reduction='sum').item()
            count += int((t != -100).sum())
    model.train()
    return total / count


def sample(model, lang, count, temperature, max_length=20, gen=None):
    model.eval()
    names = [''] * count
    done = [False] * count
    with torch.no_grad():
        x = torch.zeros(1, count, len(VOCAB) + 1 + model.languages)
        x[0, :, START] = 1
        x[0, :, len(VOCAB) + 1 + lang] = 1
        h = None
        for _ in range(max_length + 1):
            y, h = model.rnn(x, h)
            p = F.softmax(model.head(y[0]) / temperature, dim=-1)
            c = torch.multinomial(p, 1, generator=gen)[:, 0]
            x = torch.zeros(1, count, len(VOCAB) + 1 + model.languages)
            x[0, :, len(VOCAB) + 1 + lang] = 1
            for b in range(count):
                if not done[b]:
                    if int(c[b]) == END:
                        done[b] = True
                    else:
                        names[b] += VOCAB[int(c[b])]
                x[0, b, int(c[b]) if int(c[b]) != END else START] = 1
    model.train()
    return names


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--data', required=True)
    ap.add_argument('--epochs', type=int, default=10)
    ap.add_argument('--batch', type=int, default=32)
    ap.add_argument('--hidden', type=int, default=128)
    ap.add_argument('--lr', type=float, default=0.005)
    ap.add_argument('--schedule', choices=['cosine', 'constant'], default='cosine')
    ap.add_argument('--dropout', type=float, default=0.2)
    ap.add_argument('--clip', type=float, default=1.0)
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--threads', type=int, default=1)
    ap.add_argument('--progress', action='store_true')
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    langs, names = load(a.data)
    train, test = split(names)
    model = LM(len(langs), a.hidden, a.dropout)
    params = sum(p.numel() for p in model.parameters())
    print(f'data {len(langs)} languages, {len(train)} train / {len(test)} test names; GRU-{a.hidden}, {params:,} parameters; '
          f'batch {a.batch}, adam lr {a.lr} ({a.schedule}), dropout {a.dropout}, clip {a.clip}, {a.epochs} epochs, torch {torch.__version__}, {a.threads} threads')
    opt = torch.optim.Adam(model.parameters(), lr=a.lr, eps=1e-8)
    steps_per_epoch = math.ceil(len(train) / a.batch)
    total = a.epochs * steps_per_epoch
    rng = random.Random(a.seed)
    step = 0
    for epoch in range(1, a.epochs + 1):
        t0 = time.time()
        order = list(range(len(train)))
        rng.shuffle(order)
        loss_sum, sym = 0.0, 0
        for i in range(0, len(order), a.batch):
            part = [train[j] for j in order[i:i + a.batch]]
            seqs = [[VOCAB.index(c) for c in n] for n, _ in part]
            x, lengths = model.inputs(seqs, [l for _, l in part])
            t = targets(seqs)
            logits, _ = model(x, lengths)
            loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), t.reshape(-1), ignore_index=-100)
            lr = a.lr if a.schedule == 'constant' else 0.5 * a.lr * (1 + math.cos(math.pi * min(step, total) / total))
            for g in opt.param_groups:
                g['lr'] = lr
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), a.clip)
            opt.step()
            step += 1
            if a.progress and step % 100 == 0:
                print(f'  step {step}/{total} loss {loss.item():.3f} {time.time() - t0:.1f} s', flush=True)
            n = int((t != -100).sum())
            loss_sum += loss.item() * n
            sym += n
        secs = time.time() - t0
        v = nll(model, test)
        print(f'epoch {epoch:2d}/{a.epochs}  train loss {loss_sum / sym:.3f}  test NLL {v:.3f} nats/symbol ({v / math.log(2):.3f} bits)  {secs:.1f} s  {len(train) / secs:,.0f} names/s', flush=True)
    known = {n for n, _ in train}
    gen = torch.Generator().manual_seed(a.seed)
    fresh, count = 0, 0
    for l in range(len(langs)):
        got = sample(model, l, 100, 0.8, gen=gen)
        fresh += sum(n not in known for n in got)
        count += len(got)
    print(f'new names at temperature 0.8: {fresh}/{count} ({100 * fresh / count:.1f}%; 100 per language)')


if __name__ == '__main__':
    main()
