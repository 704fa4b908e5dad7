"""The serving floor for `npm run bench`: the same signature the server answers, called in process
(no HTTP, no JSON), on the same inputs. Prints one JSON object: per batch size, the latencies in ms.

    python servingFloor.py --model DIR/retrieval/VERSION --count N [--extra-op-modules a,b]
    python servingFloor.py --model ... --blocks   # reads "BATCH COUNT" lines, answers each with
                                                  # one JSON list of latencies (so the bench can
                                                  # interleave floor and server blocks)
"""
import argparse
import importlib
import json
import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def main(argv):
    p = argparse.ArgumentParser()
    p.add_argument("--model", required=True)
    p.add_argument("--count", type=int, default=300)
    p.add_argument("--batches", default="1,64")
    p.add_argument("--extra-op-modules", default="")
    p.add_argument("--blocks", action="store_true")
    a = p.parse_args(argv)
    for m in [x for x in a.extra_op_modules.split(",") if x]:
        importlib.import_module(m)
    import numpy as np
    import tensorflow as tf

    fn = tf.saved_model.load(a.model).signatures["serving_default"]
    feeds = {}

    def feed_for(batch):
        if batch not in feeds:
            users = np.array(["user_%d" % (i * 37 % 1000) for i in range(batch)], dtype=object)
            hours = np.array([float(i % 24) for i in range(batch)], dtype=np.float32)
            feeds[batch] = {"user_id": tf.constant(users), "hour_of_day": tf.constant(hours)}
            for _ in range(20):  # warm up (tracing, caches)
                fn(**feeds[batch])
        return feeds[batch]

    def block(batch, count):
        feed = feed_for(batch)
        samples = []
        for _ in range(count):
            t0 = time.perf_counter()
            result = fn(**feed)
            # What the server does next: the tensors as numpy, ready to write.
            {k: v.numpy() for k, v in result.items()}
            samples.append((time.perf_counter() - t0) * 1000)
        return samples

    if a.blocks:
        print(json.dumps({"ready": True, "tensorflow": tf.__version__}), flush=True)
        for line in sys.stdin:
            batch, count = (int(x) for x in line.split())
            print(json.dumps(block(batch, count)), flush=True)
        return
    out = {"tensorflow": tf.__version__, "count": a.count, "batches": {}}
    for batch in [int(b) for b in a.batches.split(",")]:
        out["batches"][str(batch)] = block(batch, a.count)
    print(json.dumps(out))


if __name__ == "__main__":
    main(sys.argv[1:])
