"""A stand-in for model_backend.TfSavedModel: the same interface (version, signatures, predict)
with numpy functions instead of TensorFlow, so the server's HTTP/JSON layer is tested without
TensorFlow. It records the tensors each call received."""

import numpy as np

from model_backend import Signature, TensorSpec
from tfs_errors import unimplemented


class StandInModel:
    def __init__(self, version, signatures, functions):
        self.version = version
        self.signatures = signatures
        self._functions = functions
        self.calls = []

    def predict(self, signature_name, inputs):
        self.calls.append((signature_name, inputs))
        fn = self._functions.get(signature_name)
        if fn is None:
            raise unimplemented("the stand-in has no function for signature ", signature_name)
        return fn(**inputs)


def _float(name, shape=(-1, 1)):
    return TensorSpec("DT_FLOAT", list(shape), name)


def half_plus_two(version="123", cpu_export=False):
    """TF Serving's testdata half_plus_two: y = 0.5x + 2 (and y3 = 0.5x2 + 3), with its six
    signatures as the SavedModel declares them. The older saved_model_half_plus_two_cpu export
    (cpu_export) lacks classify_x2_to_y3."""
    examples = TensorSpec("DT_STRING", None, "tf_example:0")
    sigs = {
        "serving_default": Signature({"x": _float("x:0")}, {"y": _float("y:0")}, "tensorflow/serving/predict"),
        "regress_x_to_y": Signature({"inputs": examples}, {"outputs": _float("y:0")}, "tensorflow/serving/regress"),
        "regress_x_to_y2": Signature({"inputs": examples}, {"outputs": _float("y2:0")}, "tensorflow/serving/regress"),
        "regress_x2_to_y3": Signature({"inputs": _float("x2:0")}, {"outputs": _float("y3:0")},
                                      "tensorflow/serving/regress"),
        "classify_x_to_y": Signature({"inputs": examples}, {"scores": _float("y:0")}, "tensorflow/serving/classify"),
        "classify_x2_to_y3": Signature({"inputs": _float("x2:0")}, {"scores": _float("y3:0")},
                                       "tensorflow/serving/classify"),
    }
    if cpu_export:
        del sigs["classify_x2_to_y3"]
    fns = {
        "serving_default": lambda x: {"y": (x * np.float32(0.5) + np.float32(2)).astype(np.float32)},
        "regress_x2_to_y3": lambda inputs: {"outputs": inputs * np.float32(0.5) + np.float32(3)},
        "classify_x2_to_y3": lambda inputs: {"scores": inputs * np.float32(0.5) + np.float32(3)},
    }
    return StandInModel(version, sigs, fns)


def half_plus_three(version="123"):
    """TF Serving's testdata half_plus_three: y = 0.5x + 3 on a scalar x."""
    sigs = {"serving_default": Signature({"x": _float("x:0", ())}, {"y": _float("y:0", ())},
                                         "tensorflow/serving/predict")}
    return StandInModel(version, sigs, {"serving_default": lambda x: {"y": x * np.float32(0.5) + np.float32(3)}})


def echo_model(version="7", outputs_fn=None):
    """Several dtypes in, the same tensors out (plus *_bytes and non-finite outputs), to check the
    conversion in both directions."""
    sigs = {
        "serving_default": Signature(
            {"x": TensorSpec("DT_FLOAT", [-1, 2], "x:0"), "ids": TensorSpec("DT_INT64", [-1], "ids:0"),
             "flag": TensorSpec("DT_BOOL", [-1], "flag:0"), "text": TensorSpec("DT_STRING", [-1], "text:0")},
            {"x": TensorSpec("DT_FLOAT", [-1, 2], "Identity:0"), "ids": TensorSpec("DT_INT64", [-1], "Identity_1:0"),
             "flag": TensorSpec("DT_BOOL", [-1], "Identity_2:0"), "text_bytes": TensorSpec("DT_STRING", [-1], "Identity_3:0"),
             "text": TensorSpec("DT_STRING", [-1], "Identity_4:0")},
            "tensorflow/serving/predict"),
        "scores": Signature({"q": TensorSpec("DT_DOUBLE", [-1], "q:0")},
                            {"s": TensorSpec("DT_FLOAT", [-1], "s:0")}, "tensorflow/serving/predict"),
        "small_ints": Signature({"v": TensorSpec("DT_INT8", [-1], "v:0"), "u": TensorSpec("DT_UINT8", [-1], "u:0")},
                                {"v": TensorSpec("DT_INT8", [-1], "v_out:0")}, "tensorflow/serving/predict"),
        "no_inputs": Signature({}, {"y": TensorSpec("DT_FLOAT", [1], "y:0")}, "tensorflow/serving/predict"),
        "complex": Signature({"c": TensorSpec("DT_COMPLEX64", [-1], "c:0")}, {"y": TensorSpec("DT_FLOAT", [-1], "y:0")},
                             "tensorflow/serving/predict"),
        "__saved_model_init_op": Signature({}, {"__saved_model_init_op": TensorSpec("DT_INVALID", None, "NoOp")}, ""),
    }

    def echo(x, ids, flag, text):
        return {"x": x, "ids": ids, "flag": flag, "text_bytes": text, "text": text}

    def scores(q):
        # log of negative -> NaN, divide by zero -> +/-Infinity, as a model might produce them.
        with np.errstate(divide="ignore", invalid="ignore"):
            return {"s": (np.log(q) / np.where(q == 1, 0, 1)).astype(np.float32)}

    fns = {"serving_default": outputs_fn or echo, "scores": scores,
           "small_ints": lambda v, u: {"v": v}}
    return StandInModel(version, sigs, fns)
