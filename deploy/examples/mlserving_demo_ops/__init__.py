"""mlserving_demo_ops: a real TensorFlow custom op library, registered the way ScaNN registers its
ops, that stands in for ScaNN (which has no wheel for this TensorFlow).

    import mlserving_demo_ops            # builds (once) and loads the op library
    mlserving_demo_ops.top_k_dot(queries, candidates, k=100)  # -> (scores, indices)

Importing the package registers `MlServingDemo>TopKDot` with tf.load_op_library, so a SavedModel
whose graph uses it loads (the Python server imports it first with EXTRA_OP_MODULES). The library
is compiled from top_k_dot.cc with g++ against the installed TensorFlow the first time (about
10 s) and kept in a folder keyed by the source, the TensorFlow version and the compile flags:
MLSERVING_DEMO_OPS_BUILD_DIR, else _build/ beside this file, else the temp folder when that is
read-only. Never committed.
"""

import hashlib
import os
import subprocess
import sys
import tempfile

import tensorflow as tf

OP_NAME = "MlServingDemo>TopKDot"
_HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.join(_HERE, "top_k_dot.cc")


def _build_key():
    h = hashlib.sha256()
    with open(SOURCE, "rb") as f:
        h.update(f.read())
    h.update(tf.__version__.encode())
    h.update(" ".join(tf.sysconfig.get_compile_flags() + tf.sysconfig.get_link_flags()).encode())
    return h.hexdigest()[:16]


def _candidate_dirs():
    if os.environ.get("MLSERVING_DEMO_OPS_BUILD_DIR"):
        return [os.path.abspath(os.environ["MLSERVING_DEMO_OPS_BUILD_DIR"])]
    return [os.path.join(_HERE, "_build"), os.path.join(tempfile.gettempdir(), "mlserving_demo_ops-%d" % os.getuid())]


def _compile(target):
    """g++ against the installed TensorFlow; writes target atomically."""
    os.makedirs(os.path.dirname(target), exist_ok=True)
    partial = "%s.%d.tmp" % (target, os.getpid())
    cmd = (["g++", "-shared", "-fPIC", "-O2", SOURCE, "-o", partial]
           + tf.sysconfig.get_compile_flags() + tf.sysconfig.get_link_flags())
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0:
        raise ImportError("mlserving_demo_ops: building %s failed (%s):\n%s" % (SOURCE, " ".join(cmd), done.stderr[-4000:]))
    os.replace(partial, target)


def library_path():
    """The compiled library for this TensorFlow, built when missing."""
    name = "top_k_dot-%s.so" % _build_key()
    errors = []
    for folder in _candidate_dirs():
        target = os.path.join(folder, name)
        if os.path.exists(target):
            return target
        try:
            print("mlserving_demo_ops: compiling %s for TensorFlow %s into %s" % (SOURCE, tf.__version__, folder),
                  file=sys.stderr)
            _compile(target)
            return target
        except OSError as e:  # read-only folder: try the next one
            errors.append("%s: %s" % (folder, e))
    raise ImportError("mlserving_demo_ops: no writable build folder (%s)" % "; ".join(errors))


_ops = tf.load_op_library(library_path())


def top_k_dot(queries, candidates, k):
    """(scores float [batch, k], indices int32 [batch, k]) of the k candidates with the highest dot
    product with each query."""
    return _ops.ml_serving_demo_top_k_dot(queries=queries, candidates=candidates, k=k)
