"""The upstream TF Serving REST cases (../shared/fixtures/tf_serving_cases.json) replayed against
the Python server with stand-ins of the models they name. Cases the Python server does not serve
(classify/regress, Prometheus) are checked for the answer it gives instead or skipped with why."""

import json
import os
import re
import unittest

import numpy as np

import support
import response_json
from model_backend import Signature, TensorSpec
from server import create_app
from standin_model import StandInModel, half_plus_three, half_plus_two
from tfs_errors import not_found

CASES_FILE = os.path.join(support.FIXTURES, "tf_serving_cases.json")


def load_cases():
    if not os.path.isfile(CASES_FILE):
        return None
    with open(CASES_FILE) as f:
        return {c["id"]: c for c in json.load(f)["cases"]}


CASES = load_cases()
SKIP_REASON = "fixtures absent: %s (the shared reference folder beside the repository)" % CASES_FILE


def app_for(case):
    """The server as the case's upstream test ran it: the model under the name it was served as."""
    served = (case.get("model") or {}).get("served_as")
    if served == "saved_model_half_plus_three":
        return create_app(model=half_plus_three(), model_name=served, labels={})
    if served == "saved_model_half_plus_two_2_versions":
        # http_rest_api_handler_test.cc serves version 123 with the label Version_Label.
        return create_app(model=half_plus_two("123"), model_name=served, labels={"Version_Label": "123"})
    cpu_export = "saved_model_half_plus_two_cpu" in (case.get("model") or {}).get("saved_model_dir", "")
    return create_app(model=half_plus_two("123", cpu_export=cpu_export),
                      model_name=served or "saved_model_half_plus_two_2_versions", labels={"Version_Label": "123"})


def request_body(req):
    if "json" in req:
        return json.dumps(req["json"])
    return req.get("body", "")


def _not_applicable(case):
    """Why the Python server does not answer this case as TF Serving does, or None."""
    req = case.get("request")
    if case.get("kind") == "response_formatting_unit_test":
        return "classify/regress result formatting: the Python server serves :predict only"
    if not req or "http_status" not in case.get("expected", {}):
        return "not an HTTP exchange (%s)" % (case.get("kind") or "no request")
    if req["path"].startswith("/monitoring/"):
        return "no Prometheus endpoint in the Python server"
    return None


def _is_classify_or_regress(case):
    return bool(re.search(r":(classify|regress)$", case["request"]["path"]))


@unittest.skipIf(CASES is None, SKIP_REASON)
class UpstreamRestCases(unittest.TestCase):
    """One test per upstream case (test_case_<id>)."""

    def check_case(self, case_id):
        case = CASES[case_id]
        reason = _not_applicable(case)
        if reason:
            self.skipTest(reason)
        req, want = case["request"], case["expected"]
        c = support.Client(app_for(case))
        status, body, text, resp = c.call(req["method"], req["path"], raw=request_body(req))
        if _is_classify_or_regress(case) and want["http_status"] == 200:
            # The Python server serves :predict only; it says so and names the alternative.
            self.assertEqual(status, 501, text)
            self.assertIn("call :predict", body["error"])
            return
        self.assertEqual(status, want["http_status"], text)
        if status == 200:
            self.assertEqual(resp.headers["Content-Type"], "application/json")
        if "json" in want:
            self.assertEqual(body, want["json"])
        if "body" in want:
            self.assertEqual(body, json.loads(want["body"]))
        if "json_file" in want:
            with open(os.path.join(support.FIXTURES, want["json_file"])) as f:
                self.assertEqual(body, json.load(f))
        if "error_message_contains" in want:
            self.assertEqual(set(body), {"error"}, text)
            self.assertIn(want["error_message_contains"], body["error"])
        if want.get("body_shape", "").startswith('{"error"'):
            self.assertEqual(set(body), {"error"}, text)

    def test_scann_error_text_reaches_the_client_unchanged(self):
        """A model error keeps its TensorFlow status and text (issue_scann_op_not_registered)."""
        case = CASES["issue_scann_op_not_registered"]
        want = json.loads(case["expected"]["body_verbatim"])["error"]

        def fail(**_):
            raise not_found(want)
        sig = Signature({"q": TensorSpec("DT_STRING", [-1], "q:0")}, {"ids": TensorSpec("DT_STRING", [-1, 10], "ids:0")},
                        "tensorflow/serving/predict")
        c = support.Client(create_app(model=StandInModel("1", {"serving_default": sig}, {"serving_default": fail}),
                                      model_name="retrieval", labels={}))
        status, body, _, _ = c.post("/v1/models/retrieval:predict", case["request"]["json"])
        self.assertEqual((status, body), (404, {"error": want}))


def _add_case_tests():
    for case_id in sorted(CASES or {}):
        if case_id == "issue_scann_op_not_registered" or case_id.startswith("format_fromjson") \
                or case_id == "format_statuserror":
            continue  # checked by the dedicated tests below

        def test(self, case_id=case_id):
            self.check_case(case_id)
        test.__doc__ = "upstream case %s" % case_id
        setattr(UpstreamRestCases, "test_case_" + re.sub(r"\W", "_", case_id), test)


_add_case_tests()


def _text_proto_tensors(verbatim):
    """{name: numpy array} from the TensorProto text blocks of a json_tensor_test.cc case."""
    tensors = {}
    for block, name in re.findall(r'ParseFromString\(R"\((.*?)\)",\s*&tensormap\["([^"]+)"\]', verbatim, re.S):
        dtype = re.search(r"dtype:\s*(DT_\w+)", block).group(1)
        shape = [int(d) for d in re.findall(r"dim\s*{\s*size:\s*(\d+)\s*}", block)]
        raw = re.findall(r"\w+_val:\s*(\"[^\"]*\"|\S+)", block)
        if dtype == "DT_STRING":
            values = np.array([v.strip('"').encode() for v in raw], dtype=object)
        else:
            np_type = {"DT_INT32": np.int32, "DT_FLOAT": np.float32, "DT_DOUBLE": np.float64}[dtype]
            values = np.array([float(v) for v in raw], dtype=np.float64).astype(np_type)
        tensors[name] = values.reshape(shape)
    return tensors


def _expected_bodies(verbatim):
    """[(format, expected JSON text)] in the order the case checks them."""
    out = []
    for fmt, expected in re.findall(
            r'MakeJsonFromTensors\(\s*tensormap,\s*JsonPredictRequestFormat::k(Row|Columnar),\s*&json\)\);'
            r'\s*TF_EXPECT_OK\(\s*CompareJson\w*\(\s*json,\s*R"\((.*?)\)"', verbatim, re.S):
        out.append((fmt.lower(), expected))
    return out


def _same(a, b):
    """JSON equality with floats compared as float32 (CompareJsonAllValuesAsStrings reads both)."""
    if isinstance(a, float) or isinstance(b, float):
        if isinstance(a, (int, float)) and isinstance(b, (int, float)):
            fa, fb = np.float32(a), np.float32(b)
            return (np.isnan(fa) and np.isnan(fb)) or fa == fb
        return False
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    return a == b


@unittest.skipIf(CASES is None, SKIP_REASON)
class UpstreamResponseFormatting(unittest.TestCase):
    """json_tensor_test.cc's MakeJsonFromTensors cases through response_json.predict_body."""

    def test_tensor_formatting_cases(self):
        checked = 0
        for case_id, case in sorted(CASES.items()):
            if not case_id.startswith("format_fromjson"):
                continue
            verbatim = case["source"]["verbatim"]
            tensors = _text_proto_tensors(verbatim)
            expectations = _expected_bodies(verbatim)
            self.assertTrue(tensors and expectations, case_id)
            for fmt, expected in expectations:
                with self.subTest(case=case_id, format=fmt):
                    text = response_json.predict_body(tensors, fmt)
                    got, want = json.loads(text), json.loads(expected)
                    self.assertTrue(_same(got, want), "%s\n got: %s\nwant: %s" % (case_id, text, expected))
                    checked += 1
        self.assertGreaterEqual(checked, 9)

    def test_error_body_escaping(self):
        verbatim = CASES["format_statuserror"]["source"]["verbatim"]
        pairs = re.findall(r'errors::InvalidArgument\("((?:[^"\\]|\\.)*)"\).*?CompareJson\(json, R"\((.*?)\)"\)',
                           verbatim, re.S)
        self.assertEqual(len(pairs), 2)
        for message, expected in pairs:
            message = message.replace('\\"', '"')
            self.assertEqual(json.loads(response_json.error_body(message)), json.loads(expected))


if __name__ == "__main__":
    unittest.main()
