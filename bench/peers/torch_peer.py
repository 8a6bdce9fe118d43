#!/usr/bin/env python3
"""PyTorch peer of `node bench --peers`: the same GRU classifier trained the way PyTorch users train it.

Derived from ../shared/gpu/torch_peer.py (the cuDNN/CPU peer script). Same data and split as the bench:
names zip data/names/<Language>.txt, NFD without combining marks, characters outside ascii_letters + " .,;'"
read as '_' (58 symbols), 80/20 split stratified per language (languages in alphabetical order, one
random.Random(20240601) stream, round(0.8 n) names of each to train). Same model and optimizer as the TF.js
peers and webgpu-rnn's bench: one-hot(58) -> nn.GRU(58, 128) -> Linear(128, 18), batch 64, Adam lr 0.002
(eps 1e-8), clip_grad_norm_ 1.0, mean cross-entropy. A batch is padded to its longest name and packed with
pack_padded_sequence(enforce_sorted=False), as the PyTorch char-RNN tutorial's users batch it. Batch order:
random.Random(seed) shuffling each epoch (what the TF.js peers use too).

Runs `warmup` batches, times `batches` (names/s, ms/batch, wall clock around whole steps: batch tensors
are built before the timed window so the time is the network's), trains on up to `max_batches`, then
evaluates on the test split. `learned` as the TF.js peers: the mean loss of the last 20 batches below the
class-prior entropy and test accuracy 5 points above always answering the majority language.

Prints one line `PEER_RESULT {json}` (bench/peers/types.ts PeerResult) on stdout.

usage: python3 torch_peer.py --data names.zip [--batches 60] [--warmup 5] [--max-batches 150]
       [--hidden 128] [--batch 64] [--threads N] [--seed 1]
"""
import argparse, json, math, os, random, string, time, unicodedata, zipfile

import torch
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence

LETTERS = string.ascii_letters + " .,;'"
VOCAB = LETTERS + "_"
C2I = {c: i for i, c in enumerate(VOCAB)}


def normalize(s):
    s = "".join(c for c in unicodedata.normalize("NFD", s) if unicodedata.category(c) != "Mn")
    return "".join(c if c in LETTERS else "_" for c in s)


def read_names(path):
    data = {}
    if os.path.isdir(path):
        folder = os.path.join(path, "data", "names") if os.path.isdir(os.path.join(path, "data", "names")) else path
        for f in os.listdir(folder):
            if f.endswith(".txt"):
                with open(os.path.join(folder, f), encoding="utf-8") as h:
                    data[f[:-4]] = h.read().split("\n")
    else:
        with zipfile.ZipFile(path) as z:
            for n in z.namelist():
                if "/names/" in n and n.endswith(".txt"):
                    data[os.path.basename(n)[:-4]] = z.read(n).decode("utf-8").split("\n")
    return {k: [normalize(l.strip()) for l in v if l.strip()] for k, v in data.items()}


def load_split(path, seed=20240601, frac=0.8):
    data = read_names(path)
    langs = sorted(data)
    rng = random.Random(seed)
    train, test = [], []
    for li, lang in enumerate(langs):
        idx = list(range(len(data[lang])))
        rng.shuffle(idx)
        k = int(round(frac * len(idx)))
        train += [(data[lang][i], li) for i in idx[:k]]
        test += [(data[lang][i], li) for i in idx[k:]]
    return langs, train, test


class Net(nn.Module):
    def __init__(self, hidden, ncls):
        super().__init__()
        self.rnn = nn.GRU(len(VOCAB), hidden, batch_first=True)
        self.out = nn.Linear(hidden, ncls)
        self.register_buffer("eye", torch.eye(len(VOCAB)))

    def forward(self, idx, lengths, packed=True):
        if packed:
            x = pack_padded_sequence(self.eye[idx], lengths, batch_first=True, enforce_sorted=False)
            _, h = self.rnn(x)
            return self.out(h[-1])
        # Padded: the GRU runs over every position of the padded batch (one large op per layer instead of
        # one per position and batch size), and each name's state is taken at its last character. The same
        # result for a one-directional GRU (padding comes after a name's end), more arithmetic, far fewer ops.
        out, _ = self.rnn(self.eye[idx])
        return self.out(out[torch.arange(idx.shape[0]), lengths - 1])


def blas_in_use():
    """The BLAS this process really loaded (Debian's python3-torch takes whichever libblas.so.3 the loader
    finds: the reference one is ~10x slower than OpenBLAS, so the peer's figure means little without it)."""
    torch.mm(torch.ones(8, 8), torch.ones(8, 8))
    try:
        libs = open("/proc/self/maps").read().lower()
    except OSError:
        libs = ""
    if "openblas" in libs:
        return "OpenBLAS"
    if "mkl" in libs or "mkl" in torch.__config__.show().lower():
        return "MKL"
    if "libblas" in libs:
        return "the reference BLAS (slow: apt-get install libopenblas0-pthread)"
    return "unknown BLAS"


def batchify(rows):
    lens = torch.tensor([len(n) for n, _ in rows])
    idx = torch.zeros(len(rows), int(lens.max()), dtype=torch.long)
    for r, (n, _) in enumerate(rows):
        idx[r, : len(n)] = torch.tensor([C2I[c] for c in n])
    return idx, lens, torch.tensor([l for _, l in rows])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--hidden", type=int, default=128)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--warmup", type=int, default=5)
    ap.add_argument("--batches", type=int, default=60)
    ap.add_argument("--max-batches", type=int, default=150)
    ap.add_argument("--threads", type=int, default=os.cpu_count() or 0)  # lavapipe uses every core too
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--formulation", choices=["packed", "padded"], default="packed")
    a = ap.parse_args()
    if a.threads:
        torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    langs, train, test = load_split(a.data)
    model = Net(a.hidden, len(langs))
    opt = torch.optim.Adam(model.parameters(), lr=0.002, eps=1e-8)
    lossf = nn.CrossEntropyLoss()
    total = max(a.max_batches, a.warmup + a.batches)
    rng = random.Random(a.seed)
    batches = []
    while len(batches) < total:
        order = list(range(len(train)))
        rng.shuffle(order)
        batches += [batchify([train[i] for i in order[s:s + a.batch]]) for s in range(0, len(order), a.batch)]
    batches = batches[:total]
    losses, t0, t1 = [], None, None
    for i, (idx, lens, y) in enumerate(batches):
        if i == a.warmup:
            t0 = time.perf_counter()
        loss = lossf(model(idx, lens, a.formulation == "packed"), y)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        losses.append(float(loss))
        if i == a.warmup + a.batches - 1:
            t1 = time.perf_counter()
    timed_names = sum(len(b[1]) for b in batches[a.warmup:a.warmup + a.batches])
    seconds = t1 - t0
    model.eval()
    with torch.no_grad():
        correct = 0
        for s in range(0, len(test), 512):
            idx, lens, y = batchify(test[s:s + 512])
            correct += int((model(idx, lens, a.formulation == "packed").argmax(1) == y).sum())
    acc = correct / len(test)
    counts = [0] * len(langs)
    for _, l in train:
        counts[l] += 1
    prior = -sum(c / len(train) * math.log(c / len(train)) for c in counts if c)
    tcounts = [0] * len(langs)
    for _, l in test:
        tcounts[l] += 1
    majority = max(tcounts) / len(test)
    final = sum(losses[-20:]) / len(losses[-20:])
    learned = final < prior and acc > majority + 0.05
    blas = blas_in_use()
    device = f"CPU, {torch.get_num_threads()} threads, {blas}"
    notes = (f"{'learned' if learned else 'did NOT learn'}: loss of the last 20 batches {final:.3f} "
             f"(class prior {prior:.3f}), test accuracy {100 * acc:.1f}% (majority {100 * majority:.1f}%); "
             f"timed {a.batches} batches after {a.warmup}; {'padded + pack_padded_sequence' if a.formulation == 'packed' else 'padded, state at each name end'}; torch {torch.__version__}, {device}")
    peer = "pytorch-cpu" if a.formulation == "packed" else "pytorch-cpu-padded"
    result = dict(peer=peer, backend="pytorch", formulation=f"torch.nn.GRU (PyTorch's equations), {a.formulation}", learned=learned,
                  namesPerSec=timed_names / seconds, msPerBatch=1000 * seconds / a.batches, batches=a.batches,
                  finalLoss=final, testAccuracy=acc, notes=notes, device=device, trainedBatches=len(batches),
                  lossCurve=[sum(losses[i:i + 10]) / len(losses[i:i + 10]) for i in range(0, len(losses), 10)],
                  testExamples=len(test), majorityAccuracy=majority, torchVersion=torch.__version__)
    print("PEER_RESULT " + json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
