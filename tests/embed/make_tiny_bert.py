#!/usr/bin/env python3
"""Writes a tiny random BERT model (config.json, vocab.txt, model.safetensors)
and the reference embeddings of a few token sequences, computed independently
with NumPy, for tests/embed/bert_test.cc.

    make_tiny_bert.py OUT_DIR DTYPE        DTYPE: F32, F16 or BF16

OUT_DIR/reference.txt: per sequence, a line of token ids, then a line of the
expected embedding. The batch is padded to its longest sequence and masked, as
Hugging Face's BertModel does, so the C++ code (which never pads) is checked
against the masked form; mean pooling uses the attention mask.
"""
import json
import math
import os
import struct
import sys

import numpy as np

VOCAB = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "the", "cart", "total", "price",
         "tax", "add", "##s", "##ing", "un", "##aff", "##able", "hello", "world", ",", ".",
         "!", "cafe", "中", "文", "parse", "##r", "http", "request", "retry", "back",
         "##off", "def", "return", "(", ")", ":", "=", "+", "1", "2"]
HIDDEN, HEADS, LAYERS, INTER, POSITIONS, TYPES = 32, 4, 2, 64, 16, 2


def round_to(dtype, a):
    a = a.astype(np.float32)
    if dtype == "F16":
        return a.astype(np.float16).astype(np.float32)
    if dtype == "BF16":
        bits = a.view(np.uint32).astype(np.uint64)
        rounded = ((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16) << 16
        return rounded.astype(np.uint32).view(np.float32)
    return a


def encode(dtype, a):
    a = round_to(dtype, a)
    if dtype == "F16":
        return a.astype(np.float16).tobytes()
    if dtype == "BF16":
        return (a.view(np.uint32) >> 16).astype(np.uint16).tobytes()
    return a.astype(np.float32).tobytes()


def main():
    out, dtype = sys.argv[1], sys.argv[2]
    rng = np.random.default_rng(20261125)
    tensors = {}

    def add(name, *shape, scale=0.2):
        tensors[name] = round_to(dtype, rng.normal(0, scale, shape))

    add("embeddings.word_embeddings.weight", len(VOCAB), HIDDEN)
    add("embeddings.position_embeddings.weight", POSITIONS, HIDDEN)
    add("embeddings.token_type_embeddings.weight", TYPES, HIDDEN)
    tensors["embeddings.LayerNorm.weight"] = round_to(dtype, 1 + rng.normal(0, 0.1, HIDDEN))
    add("embeddings.LayerNorm.bias", HIDDEN, scale=0.1)
    for l in range(LAYERS):
        p = f"encoder.layer.{l}."
        for n in ("query", "key", "value"):
            add(p + f"attention.self.{n}.weight", HIDDEN, HIDDEN)
            add(p + f"attention.self.{n}.bias", HIDDEN, scale=0.05)
        add(p + "attention.output.dense.weight", HIDDEN, HIDDEN)
        add(p + "attention.output.dense.bias", HIDDEN, scale=0.05)
        tensors[p + "attention.output.LayerNorm.weight"] = round_to(dtype, 1 + rng.normal(0, 0.1, HIDDEN))
        add(p + "attention.output.LayerNorm.bias", HIDDEN, scale=0.1)
        add(p + "intermediate.dense.weight", INTER, HIDDEN)
        add(p + "intermediate.dense.bias", INTER, scale=0.05)
        add(p + "output.dense.weight", HIDDEN, INTER)
        add(p + "output.dense.bias", HIDDEN, scale=0.05)
        tensors[p + "output.LayerNorm.weight"] = round_to(dtype, 1 + rng.normal(0, 0.1, HIDDEN))
        add(p + "output.LayerNorm.bias", HIDDEN, scale=0.1)

    # safetensors: u64 header length, JSON header, data.
    header, data, offset = {}, b"", 0
    for name in sorted(tensors):
        blob = encode(dtype, tensors[name])
        header[name] = {"dtype": dtype, "shape": list(tensors[name].shape),
                        "data_offsets": [offset, offset + len(blob)]}
        data += blob
        offset += len(blob)
    header["__metadata__"] = {"format": "pt"}
    text = json.dumps(header).encode()
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "model.safetensors"), "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + data)
    with open(os.path.join(out, "vocab.txt"), "w") as f:
        f.write("\n".join(VOCAB) + "\n")
    with open(os.path.join(out, "config.json"), "w") as f:
        json.dump({"hidden_size": HIDDEN, "num_attention_heads": HEADS,
                   "num_hidden_layers": LAYERS, "intermediate_size": INTER,
                   "max_position_embeddings": POSITIONS, "type_vocab_size": TYPES,
                   "vocab_size": len(VOCAB), "hidden_act": "gelu",
                   "layer_norm_eps": 1e-12}, f)

    # Reference forward pass over a padded, masked batch.
    sequences = [
        [2, 16, 17, 20, 3],
        [2, 13, 14, 15, 3],
        [2, 1, 1, 3],                                   # unknown words
        [2] + [5, 6, 7, 8, 9, 10, 11, 12, 24, 25, 26, 27, 28, 29] + [3],  # 16: the limit
        [2, 3],                                         # empty text
        [2, 22, 23, 21, 18, 19, 3],                     # CJK and accents, folded
    ]
    t = tensors
    batch = len(sequences)
    length = max(len(s) for s in sequences)
    ids = np.zeros((batch, length), dtype=np.int64)
    mask = np.zeros((batch, length), dtype=np.float64)
    for i, s in enumerate(sequences):
        ids[i, :len(s)] = s
        mask[i, :len(s)] = 1

    def layer_norm(x, g, b):
        mean = x.mean(-1, keepdims=True)
        var = ((x - mean) ** 2).mean(-1, keepdims=True)
        return (x - mean) / np.sqrt(var + 1e-12) * g + b

    def linear(x, name):
        return x @ t[name + ".weight"].astype(np.float64).T + t[name + ".bias"]

    erf = np.vectorize(math.erf)
    x = (t["embeddings.word_embeddings.weight"][ids] +
         t["embeddings.position_embeddings.weight"][np.arange(length)][None, :, :] +
         t["embeddings.token_type_embeddings.weight"][0][None, None, :]).astype(np.float64)
    x = layer_norm(x, t["embeddings.LayerNorm.weight"], t["embeddings.LayerNorm.bias"])
    d = HIDDEN // HEADS
    bias = (1.0 - mask)[:, None, None, :] * np.finfo(np.float32).min
    for l in range(LAYERS):
        p = f"encoder.layer.{l}."
        split = lambda y: y.reshape(batch, length, HEADS, d).transpose(0, 2, 1, 3)
        q = split(linear(x, p + "attention.self.query"))
        k = split(linear(x, p + "attention.self.key"))
        v = split(linear(x, p + "attention.self.value"))
        scores = q @ k.transpose(0, 1, 3, 2) / math.sqrt(d) + bias
        scores = np.exp(scores - scores.max(-1, keepdims=True))
        scores /= scores.sum(-1, keepdims=True)
        ctx = (scores @ v).transpose(0, 2, 1, 3).reshape(batch, length, HIDDEN)
        x = layer_norm(x + linear(ctx, p + "attention.output.dense"),
                       t[p + "attention.output.LayerNorm.weight"], t[p + "attention.output.LayerNorm.bias"])
        inner = linear(x, p + "intermediate.dense")
        inner = 0.5 * inner * (1 + erf(inner / math.sqrt(2)))
        x = layer_norm(x + linear(inner, p + "output.dense"),
                       t[p + "output.LayerNorm.weight"], t[p + "output.LayerNorm.bias"])
    pooled = (x * mask[:, :, None]).sum(1) / mask.sum(1, keepdims=True)
    pooled /= np.linalg.norm(pooled, axis=1, keepdims=True)
    with open(os.path.join(out, "reference.txt"), "w") as f:
        for s, e in zip(sequences, pooled):
            f.write(" ".join(map(str, s)) + "\n")
            f.write(" ".join(f"{v:.9g}" for v in e) + "\n")


if __name__ == "__main__":
    main()
