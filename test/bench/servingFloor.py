"""The serving floor for `npm run bench`: the same signature the server answers, called in process
(no HTTP, no JSON), on the same inputs. Prints one JSON object: per batch size, the latencies in ms.

    python servingFloor.py --model DIR/retrieval/VERSION --count N [--extra-op-modules a,b]
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
    a = p.parse_args(argv)
    for m in [x for x in a.extra_op_modules.split(",") if x]:
        importlib.import_module(m)
    import numpy as np
    import tensorflow as tf

    fn = tf.saved_model.load(a.model).signatures["serving_default"]
    out = {"tensorflow": tf.__version__, "count": a.count, "batches": {}}
    for batch in [int(b) for b in a.batches.split(",")]:
        users = np.array(["user_%d" % (i * 37 % 1000) for i in range(batch)], dtype=object)
        hours = np.array([float(i % 24) for i in range(batch)], dtype=np.float32)
        feed = {"user_id": tf.constant(users), "hour_of_day": tf.constant(hours)}
        for _ in range(20):  # warm up (tracing, caches)
            fn(**feed)
        samples = []
        for _ in range(a.count):
            t0 = time.perf_counter()
            result = fn(**feed)
            # What the server does next: the tensors as numpy, ready to write.
            {k: v.numpy() for k, v in result.items()}
            samples.append((time.perf_counter() - t0) * 1000)
        out["batches"][str(batch)] = samples
    print(json.dumps(out))


if __name__ == "__main__":
    main(sys.argv[1:])
