#!/usr/bin/env python3
"""Golden fixtures from real PyTorch for webgpu-rnn's interop tests (test/golden.test.ts, test/interop.test.ts).

Run from the repository root (Debian: apt-get install python3-torch; OpenBLAS is the fast BLAS there):

    LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-pthread /usr/bin/python3 scripts/interop/pytorch_fixtures.py

It writes, into test/fixtures/interop/ (all committed; CI has no torch):
  golden.json            for nn.RNN / nn.GRU / nn.LSTM x 1-2 layers x uni/bidirectional x with/without the
                         project's attention head: weights (state_dict names), a ragged batch that needs
                         packing (lengths 1..7, unsorted, ties), labels, class weights, and - computed in
                         float64 - the logits, the plain and the class-weighted mean cross-entropy, and the
                         gradient of every parameter for both losses.
  pytorch-*.safetensors  models saved by PyTorch the way the README documents (any module prefix), with
  pytorch-probs.json     PyTorch's probabilities for a few names: `webgpu-rnn import` must reproduce them.
  ours-in-pytorch.json   logits PyTorch computes after loading our exports (ours-*.safetensors, written by
                         `INTEROP_WRITE_FIXTURES=1 npx vitest run test/interop.test.ts`) into nn.GRU etc.

Everything is seeded: running it again writes the same files (up to the last printed digit).
"""
import json
import os
import struct
import unicodedata

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence, pad_sequence

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'test', 'fixtures', 'interop')
# The project's 58 symbols, the PyTorch tutorial's order (src/data/vocab.ts).
LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ .,;'"
VOCAB = LETTERS + '_'
LANGUAGES = ['Arabic', 'Chinese', 'Czech', 'Dutch', 'English', 'French', 'German', 'Greek', 'Irish', 'Italian',
             'Japanese', 'Korean', 'Polish', 'Portuguese', 'Russian', 'Scottish', 'Spanish', 'Vietnamese']
CELLS = {'rnn': nn.RNN, 'gru': nn.GRU, 'lstm': nn.LSTM}


class Classifier(nn.Module):
    """The project's model in PyTorch: recurrent layers on one-hot symbols, final states (forward | backward)
    or attention (shaders/attention_fwd.wgsl: e_t = w.y_t + b over each row's own positions, softmax, sum
    alpha_t y_t), then a linear head."""

    def __init__(self, cell, hidden, layers, bidirectional, attention, classes, inputs=len(VOCAB)):
        super().__init__()
        self.inputs = inputs
        self.dirs = 2 if bidirectional else 1
        self.rnn = CELLS[cell](inputs, hidden, layers, bidirectional=bidirectional)
        d = self.dirs * hidden
        self.att = nn.Linear(d, 1) if attention else None
        self.out = nn.Linear(d, classes)

    def forward(self, seqs):
        dtype = self.out.weight.dtype
        lengths = torch.tensor([len(s) for s in seqs])
        # One-hot over the 58 symbols; a 57-wide model (the older tutorial's alphabet) sees "_" as a zero input.
        x = pad_sequence([F.one_hot(torch.tensor(s), len(VOCAB))[:, :self.inputs].to(dtype) for s in seqs])  # [T, B, in]
        y, h = self.rnn(pack_padded_sequence(x, lengths, enforce_sorted=False))
        if isinstance(h, tuple):
            h = h[0]
        if self.att is None:
            feat = torch.cat([h[-self.dirs + d] for d in range(self.dirs)], dim=1)  # top layer: forward | backward
        else:
            y, _ = pad_packed_sequence(y)  # [T, B, D]
            e = self.att(y).squeeze(-1)  # [T, B]
            valid = torch.arange(y.shape[0])[:, None] < lengths[None, :]
            alpha = torch.softmax(e.masked_fill(~valid, float('-inf')), dim=0)
            feat = (alpha.unsqueeze(-1) * y).sum(0)
        return self.out(feat)


def f32(x):
    return float('%.9g' % x)  # 9 significant digits: every float32 exactly


def ref(x):
    return float('%.10g' % x)


def tensor_json(t, fmt):
    return {'shape': list(t.shape), 'data': [fmt(v) for v in t.detach().reshape(-1).tolist()]}


def golden():
    torch.manual_seed(20261130)
    hidden, classes = 3, 4
    # A batch that needs packing: unsorted, with ties, the shortest of length 1; symbols include "_" (57).
    lengths = [4, 1, 7, 3, 7, 2]
    cases = []
    for cell in CELLS:
        for layers in (1, 2):
            for bidirectional in (False, True):
                for attention in (False, True):
                    m = Classifier(cell, hidden, layers, bidirectional, attention, classes)
                    with torch.no_grad():  # larger than the default init: saturating gates get checked too
                        for p in m.parameters():
                            p.mul_(2.0)
                    weights = {k: tensor_json(v, f32) for k, v in m.state_dict().items()}
                    m = m.double()
                    seqs = [torch.randint(0, len(VOCAB), (n,)).tolist() for n in lengths]
                    seqs[2][0] = len(VOCAB) - 1
                    labels = torch.randint(0, classes, (len(lengths),))
                    cw = torch.tensor([f32(v) for v in (0.5 + torch.rand(classes)).tolist()], dtype=torch.float64)
                    logits = m(seqs)
                    case = {
                        'config': {'cell': cell, 'hidden': hidden, 'layers': layers, 'bidirectional': bidirectional,
                                   'attention': attention, 'numClasses': classes},
                        'weights': weights, 'seqs': seqs, 'labels': labels.tolist(),
                        'classWeights': cw.tolist(), 'logits': tensor_json(logits, ref),
                    }
                    for key, loss_fn in (('plain', nn.CrossEntropyLoss()), ('weighted', nn.CrossEntropyLoss(weight=cw))):
                        m.zero_grad()
                        loss = loss_fn(m(seqs), labels)
                        loss.backward()
                        case[key] = {'loss': ref(loss.item()),
                                     'grads': {k: tensor_json(p.grad, ref) for k, p in m.named_parameters()}}
                    cases.append(case)
    write_json('golden.json', {'about': 'written by scripts/interop/pytorch_fixtures.py (torch %s, float64)' % torch.__version__,
                               'vocab': VOCAB, 'cases': cases})


# --- safetensors by hand (the format: 8-byte LE header length, JSON header, raw LE bytes) -----------------

def save_safetensors(state_dict, path, metadata=None):
    """The README's snippet: what safetensors.torch.save_file writes, for float32 tensors."""
    header, blobs, off = {}, [], 0
    if metadata:
        header['__metadata__'] = metadata
    for k, v in state_dict.items():
        b = v.detach().to(torch.float32).contiguous().numpy().tobytes()
        header[k] = {'dtype': 'F32', 'shape': list(v.shape), 'data_offsets': [off, off + len(b)]}
        blobs.append(b)
        off += len(b)
    h = json.dumps(header).encode()
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(h)) + h + b''.join(blobs))


def load_safetensors(path):
    """The README's other snippet: a safetensors file (F32) as a state_dict and its metadata."""
    import numpy as np
    raw = open(path, 'rb').read()
    n = struct.unpack('<Q', raw[:8])[0]
    header = json.loads(raw[8:8 + n])
    meta = header.pop('__metadata__', {})
    sd = {k: torch.from_numpy(np.frombuffer(raw[8 + n + v['data_offsets'][0]:8 + n + v['data_offsets'][1]], dtype='<f4').copy()).reshape(v['shape'])
          for k, v in header.items()}
    return sd, meta


def encode(name):
    """src/data/vocab.ts normalizeName + encodeName: NFD, drop combining marks, anything else outside -> '_'."""
    s = ''.join(c for c in unicodedata.normalize('NFD', name.strip()) if unicodedata.category(c) != 'Mn')
    return [VOCAB.index(c) if c in LETTERS else len(VOCAB) - 1 for c in s]


NAMES = ['Nguyen', 'Schmidt', "O'Neil", 'Dvořák', 'Ng', 'A', 'Papadopoulos', 'Zhou-Li']


def pytorch_written():
    """Models saved by PyTorch in the documented form, with module prefixes of their own."""
    torch.manual_seed(7)
    probs = {}

    class Tutorial(nn.Module):  # the tutorial's shape: a GRU and a Linear, here inside a wrapper
        def __init__(self):
            super().__init__()
            self.gru = nn.GRU(58, 8)
            self.fc = nn.Linear(8, 18)

    t = Tutorial()
    wrapped = {'model.' + k: v for k, v in t.state_dict().items()}  # any prefix
    save_safetensors(wrapped, os.path.join(OUT, 'pytorch-gru.safetensors'))
    m = Classifier('gru', 8, 1, False, False, 18)
    m.rnn.load_state_dict(t.gru.state_dict())
    m.out.load_state_dict(t.fc.state_dict())
    with torch.no_grad():
        probs['pytorch-gru.safetensors'] = {'languages': LANGUAGES, 'probs': torch.softmax(m([encode(n) for n in NAMES]), 1).tolist()}

    # The older tutorial's 57-symbol alphabet (no "_": here a step with zero input, as the import reads it),
    # a 2-layer bidirectional LSTM, 5 classes of its own.
    langs = ['Dutch', 'Greek', 'Irish', 'Polish', 'Russian']
    m57 = Classifier('lstm', 4, 2, True, False, 5, inputs=57)
    sd = {('encoder.' + k[4:] if k.startswith('rnn.') else 'head.' + k[4:]): v for k, v in m57.state_dict().items()}
    save_safetensors(sd, os.path.join(OUT, 'pytorch-bilstm57.safetensors'))
    with torch.no_grad():
        probs['pytorch-bilstm57.safetensors'] = {'languages': langs, 'probs': torch.softmax(m57([encode(n) for n in NAMES]), 1).tolist()}
    write_json('pytorch-probs.json', {'names': NAMES, 'files': probs})


def ours_in_pytorch():
    """Our exports (ours-*.safetensors) loaded into nn.GRU / nn.LSTM / nn.RNN + nn.Linear: PyTorch's logits."""
    out = {}
    for f in sorted(os.listdir(OUT)):
        if not (f.startswith('ours-') and f.endswith('.safetensors')):
            continue
        sd, meta = load_safetensors(os.path.join(OUT, f))
        c = json.loads(meta['config'])
        m = Classifier(c['cell'], c['hidden'], c['layers'], c['bidirectional'], c['attention'], c['numClasses'])
        m.load_state_dict(sd)  # strict: every name and shape must match
        with torch.no_grad():
            out[f] = m([encode(n) for n in NAMES]).tolist()
    if not out:
        print('no ours-*.safetensors in %s yet: run INTEROP_WRITE_FIXTURES=1 npx vitest run test/interop.test.ts, then this again' % OUT)
        return
    write_json('ours-in-pytorch.json', {'names': NAMES, 'logits': out})


def write_json(name, doc):
    path = os.path.join(OUT, name)
    with open(path, 'w') as f:
        json.dump(doc, f, separators=(',', ':'))
        f.write('\n')
    print('wrote %s (%d bytes)' % (path, os.path.getsize(path)))


if __name__ == '__main__':
    os.makedirs(OUT, exist_ok=True)
    golden()
    pytorch_written()
    ours_in_pytorch()
