"""The Python server's REST API against stand-in models: status, metadata, predict in row and
columnar form, b64, NaN/Infinity, labels, routing and every request validation error."""

import base64
import math
import unittest

import numpy as np

import support
from server import ConfigError, Servable, create_app, parse_labels
from standin_model import echo_model, half_plus_two


def client(model=None, name="hp2", labels=None):
    model = model or half_plus_two()
    return support.Client(create_app(model=model, model_name=name, labels=labels or {})), model


class StatusAndMetadata(unittest.TestCase):
    def setUp(self):
        self.c, self.model = client(labels={"stable": "123"})

    def test_status_of_the_served_version(self):
        want = {"model_version_status": [{"version": "123", "state": "AVAILABLE",
                                          "status": {"error_code": "OK", "error_message": ""}}]}
        for path in ("/v1/models/hp2", "/v1/models/hp2/versions/123", "/v1/models/hp2/labels/stable",
                     "/v1/models/hp2/versions/00123"):
            status, body, _, r = self.c.get(path)
            self.assertEqual((status, body), (200, want), path)
            self.assertEqual(r.headers["Content-Type"], "application/json", path)

    def test_status_of_unknown_model_or_version(self):
        self.assertEqual(self.c.get("/v1/models/other")[:2],
                         (404, {"error": "Could not find any versions of model other"}))
        self.assertEqual(self.c.get("/v1/models/hp2/versions/124")[:2],
                         (404, {"error": "Could not find version 124 of model hp2"}))
        self.assertEqual(self.c.get("/v1/models/hp2/labels/canary")[:2],
                         (400, {"error": "Unrecognized servable version label: canary"}))

    def test_metadata_nests_signature_def_twice_with_string_sizes(self):
        status, body, _, _ = self.c.get("/v1/models/hp2/metadata")
        self.assertEqual(status, 200)
        self.assertEqual(body["model_spec"], {"name": "hp2", "signature_name": "", "version": "123"})
        defs = body["metadata"]["signature_def"]["signature_def"]
        self.assertEqual(sorted(defs), ["classify_x2_to_y3", "classify_x_to_y", "regress_x2_to_y3",
                                        "regress_x_to_y", "regress_x_to_y2", "serving_default"])
        self.assertEqual(defs["serving_default"], {
            "inputs": {"x": {"dtype": "DT_FLOAT", "name": "x:0", "tensor_shape": {
                "dim": [{"size": "-1", "name": ""}, {"size": "1", "name": ""}], "unknown_rank": False}}},
            "outputs": {"y": {"dtype": "DT_FLOAT", "name": "y:0", "tensor_shape": {
                "dim": [{"size": "-1", "name": ""}, {"size": "1", "name": ""}], "unknown_rank": False}}},
            "method_name": "tensorflow/serving/predict", "defaults": {}})
        self.assertEqual(defs["classify_x_to_y"]["inputs"]["inputs"]["tensor_shape"], {"dim": [], "unknown_rank": True})

    def test_metadata_skips_saved_model_init_op(self):
        c, _ = client(echo_model(), name="echo")
        status, body, _, _ = c.get("/v1/models/echo/versions/7/metadata")
        self.assertEqual(status, 200)
        defs = body["metadata"]["signature_def"]["signature_def"]
        self.assertNotIn("__saved_model_init_op", defs)
        self.assertIn("serving_default", defs)

    def test_metadata_of_unknown_model(self):
        self.assertEqual(self.c.get("/v1/models/nope/metadata")[:2],
                         (404, {"error": "Servable not found for request: Latest(nope)"}))
        self.assertEqual(self.c.get("/v1/models/hp2/versions/9/metadata")[:2],
                         (404, {"error": "Servable not found for request: Specific(hp2, 9)"}))


class PredictHalfPlusTwo(unittest.TestCase):
    def setUp(self):
        self.c, self.model = client()

    def test_row_form(self):
        status, body, _, _ = self.c.post("/v1/models/hp2:predict", {"instances": [[1.0], [2.0], [5.0]]})
        self.assertEqual((status, body), (200, {"predictions": [[2.5], [3.0], [4.5]]}))
        sig, inputs = self.model.calls[-1]
        self.assertEqual(sig, "serving_default")
        # One float32 tensor for the whole batch reaches the model.
        self.assertEqual((inputs["x"].dtype, inputs["x"].shape), (np.float32, (3, 1)))

    def test_columnar_form(self):
        status, body, _, _ = self.c.post("/v1/models/hp2/versions/123:predict", {"inputs": [[1.0], [3]]})
        self.assertEqual((status, body), (200, {"outputs": [[2.5], [3.5]]}))

    def test_named_inputs_in_both_forms(self):
        self.assertEqual(self.c.post("/v1/models/hp2:predict", {"instances": [{"x": [1.0]}, {"x": [7.0]}]})[:2],
                         (200, {"predictions": [[2.5], [5.5]]}))
        self.assertEqual(self.c.post("/v1/models/hp2:predict", {"inputs": {"x": [[1.0], [7.0]]}})[:2],
                         (200, {"outputs": [[2.5], [5.5]]}))

    def test_signature_name_selects_the_signature(self):
        status, body, _, _ = self.c.post("/v1/models/hp2:predict",
                                         {"signature_name": "regress_x2_to_y3", "instances": [[2.0]]})
        self.assertEqual((status, body), (200, {"predictions": [[4.0]]}))
        self.assertEqual(self.model.calls[-1][0], "regress_x2_to_y3")

    def test_unknown_signature(self):
        self.assertEqual(self.c.post("/v1/models/hp2:predict", {"signature_name": "nope", "instances": [1.0]})[:2],
                         (400, {"error": 'Serving signature name: "nope" not found in signature def'}))

    def test_unknown_model_version_or_label(self):
        self.assertEqual(self.c.post("/v1/models/foo:predict", {"instances": [1.0]})[:2],
                         (404, {"error": "Servable not found for request: Latest(foo)"}))
        self.assertEqual(self.c.post("/v1/models/hp2/versions/124:predict", {"instances": [1.0]})[:2],
                         (404, {"error": "Servable not found for request: Specific(hp2, 124)"}))
        self.assertEqual(self.c.post("/v1/models/hp2/labels/canary:predict", {"instances": [1.0]})[:2],
                         (400, {"error": "Unrecognized servable version label: canary"}))

    def test_floats_are_written_with_float32_digits(self):
        # 0.1f * 0.5 + 2 = 2.05f, written as 2.05 (not 2.049999952316284).
        status, _, text, _ = self.c.post("/v1/models/hp2:predict", {"instances": [[0.1]]})
        self.assertEqual(status, 200)
        self.assertIn("2.05]", text)
        self.assertNotIn("2.0499", text)

    def test_classify_and_regress_answer_unimplemented(self):
        status, body, _, _ = self.c.post("/v1/models/hp2:classify",
                                         {"signature_name": "classify_x_to_y", "examples": [{"x": 2.0}]})
        self.assertEqual(status, 501)
        self.assertIn(":classify is not served by the Python server", body["error"])
        self.assertIn("call :predict", body["error"])
        # The model is resolved first: an unknown model is still a 404.
        self.assertEqual(self.c.post("/v1/models/nope:regress", {"examples": []})[0], 404)


class PredictDtypesAndB64(unittest.TestCase):
    def setUp(self):
        self.c, self.model = client(echo_model(), name="echo")

    def test_every_dtype_in_and_out_row_form(self):
        body = {"instances": [
            {"x": [1.5, 2], "ids": 9007199254740993, "flag": True, "text": "héllo"},
            {"x": [-0.25, 1e-3], "ids": -3, "flag": False, "text": {"b64": base64.b64encode(b"\x00\xff").decode()}},
        ]}
        status, out, _, _ = self.c.post("/v1/models/echo:predict", body)
        self.assertEqual(status, 200, out)
        _, inputs = self.model.calls[-1]
        self.assertEqual(inputs["x"].dtype, np.float32)
        self.assertEqual(inputs["x"].shape, (2, 2))
        self.assertEqual(inputs["ids"].dtype, np.int64)
        self.assertEqual(int(inputs["ids"][0]), 9007199254740993)  # beyond 2**53: no float detour
        self.assertEqual(inputs["flag"].dtype, np.bool_)
        self.assertEqual(list(inputs["text"]), ["héllo".encode("utf-8"), b"\x00\xff"])
        self.assertEqual(out["predictions"][0], {
            "x": [1.5, 2.0], "ids": 9007199254740993, "flag": True, "text": "héllo",
            "text_bytes": {"b64": base64.b64encode("héllo".encode()).decode()}})
        self.assertEqual(out["predictions"][1]["text_bytes"], {"b64": "AP8="})
        self.assertEqual(out["predictions"][1]["x"], [-0.25, 0.001])

    def test_columnar_outputs_are_an_object_of_lists(self):
        body = {"inputs": {"x": [[1, 2]], "ids": [4], "flag": [True], "text": ["a"]}}
        status, out, _, _ = self.c.post("/v1/models/echo:predict", body)
        self.assertEqual(status, 200, out)
        self.assertEqual(out, {"outputs": {"x": [[1.0, 2.0]], "ids": [4], "flag": [True], "text": ["a"],
                                           "text_bytes": [{"b64": "YQ=="}]}})

    def test_web_safe_and_unpadded_b64(self):
        raw = b"\xfb\xff\xbe"  # "+/++" in the standard alphabet, "-_-+" web-safe
        body = {"instances": [{"x": [0, 0], "ids": 1, "flag": True, "text": {"b64": "-_--"}}]}
        status, out, _, _ = self.c.post("/v1/models/echo:predict", body)
        self.assertEqual(status, 200, out)
        self.assertEqual(self.model.calls[-1][1]["text"][0], raw)
        body["instances"][0]["text"] = {"b64": "YQ"}
        self.assertEqual(self.c.post("/v1/models/echo:predict", body)[0], 200)
        self.assertEqual(self.model.calls[-1][1]["text"][0], b"a")

    def test_nan_and_infinity_are_written_unquoted(self):
        status, _, text, _ = self.c.post(
            "/v1/models/echo:predict",
            raw='{"signature_name": "scores", "instances": [1, -1, 0, Infinity, 2.718281828459045]}')
        self.assertEqual(status, 200, text)
        self.assertRegex(text, r'"predictions": \[NaN, NaN, -Infinity, Infinity, 1\.0\]')
        values = support.load_body(text)["predictions"]
        self.assertTrue(math.isnan(values[0]) and math.isnan(values[1]))
        self.assertEqual(values[2:], [-math.inf, math.inf, 1.0])

    def test_nan_in_the_request_is_accepted(self):
        status, out, text, _ = self.c.post("/v1/models/echo:predict", raw='{"signature_name":"scores","inputs":[NaN]}')
        self.assertEqual(status, 200, text)
        self.assertIn("NaN", text)

    def test_int8_and_uint8_are_range_checked(self):
        ok = self.c.post("/v1/models/echo:predict", {"signature_name": "small_ints",
                                                     "instances": [{"v": -128, "u": 255}]})
        self.assertEqual(ok[:2], (200, {"predictions": [-128]}))
        self.assertEqual(self.model.calls[-1][1]["u"].dtype, np.uint8)
        status, body, _, _ = self.c.post("/v1/models/echo:predict", {"signature_name": "small_ints",
                                                                     "instances": [{"v": 1, "u": 256}]})
        self.assertEqual(status, 400)
        self.assertIn("key: u of 'instances' list", body["error"])
        self.assertIn("JSON Value: 256 Type: Number is not of expected type: uint8", body["error"])


class PredictValidation(unittest.TestCase):
    """Every request field is checked, and the error names it, with TF Serving's texts."""

    def setUp(self):
        self.c, self.model = client(echo_model(), name="echo")
        self.h, _ = client()

    def err(self, body=None, raw=None, path="/v1/models/echo:predict", c=None):
        status, parsed, text, _ = (c or self.c).post(path, body, raw)
        self.assertIsNotNone(parsed, text)
        self.assertEqual(set(parsed), {"error"})
        return status, parsed["error"]

    def test_body_must_be_a_json_object(self):
        self.assertEqual(self.err(raw=""), (400, "JSON Parse error: The document is empty"))
        self.assertEqual(self.err(raw="instances = [1]"), (400, "JSON Parse error: Invalid value. at offset: 0"))
        self.assertEqual(self.err(raw='{"instances": [1] } x'),
                         (400, "JSON Parse error: The document root must not be followed by other values. at offset: 20"))
        self.assertEqual(self.err(raw="[1, 2]"), (400, "JSON Value: [1,2] Is not object"))

    def test_signature_name_must_be_a_string(self):
        status, msg = self.err({"signature_name": 7, "instances": [1]})
        self.assertEqual(status, 400)
        self.assertTrue(msg.endswith("not formatted correctly. 'signature_name' key must be a string value."), msg)

    def test_instances_and_inputs(self):
        self.assertEqual(self.err({"signature_name": "scores"}), (400, "Missing 'inputs' or 'instances' key"))
        status, msg = self.err({"signature_name": "scores", "instances": [1], "inputs": [1]})
        self.assertEqual(status, 400)
        self.assertIn("expecting only one of 'inputs' or 'instances' keys to exist", msg)
        self.assertIn("Excepting 'instances' to be an list/array", self.err({"signature_name": "scores", "instances": 1})[1])
        self.assertIn("No values in 'instances' array", self.err({"signature_name": "scores", "instances": []})[1])

    def test_wrong_types_name_the_element(self):
        status, msg = self.err({"signature_name": "scores", "instances": [1.0, "x"]})
        self.assertEqual(status, 400)
        self.assertEqual(msg, "Failed to process element: 1 of 'instances' list. Error: INVALID_ARGUMENT: "
                              'JSON Value: "x" Type: String is not of expected type: double')
        self.assertIn('JSON Value: true Type: True is not of expected type: double',
                      self.err({"signature_name": "scores", "instances": [1, True]})[1])
        self.assertIn("JSON Value: null Type: Null is not of expected type: double",
                      self.err({"signature_name": "scores", "inputs": [None]})[1])

    def test_bool_and_string_inputs_reject_numbers(self):
        good = {"x": [0, 0], "ids": 1, "flag": True, "text": "a"}
        for key, bad, kind in (("flag", 1, "bool"), ("text", 5, "string"), ("ids", 1.0, "int64"),
                               ("ids", True, "int64"), ("x", ["a", 1], "float")):
            item = dict(good, **{key: bad})
            status, msg = self.err({"instances": [good, item]})
            self.assertEqual(status, 400, (key, bad))
            self.assertIn("Failed to process element: 1 key: %s of 'instances' list." % key, msg)
            self.assertIn("is not of expected type: %s" % kind, msg)

    def test_instance_objects_must_have_exactly_the_inputs(self):
        good = {"x": [0, 0], "ids": 1, "flag": True, "text": "a"}
        status, msg = self.err({"instances": [good, {"x": [0, 0], "ids": 1, "flag": True}]})
        self.assertEqual(status, 400)
        self.assertIn("Failed to process element: 1 of 'instances' list. JSON object: ", msg)
        self.assertIn("keys must be equal to: flag,ids,text,x", msg)
        msg = self.err({"instances": [dict(good, extra=1)]})[1]
        self.assertIn("key: extra of 'instances' list", msg)
        self.assertIn("does not have named input: extra", msg)
        self.assertIn("expecting list of objects as multiple input tensors",
                      self.err({"instances": [1, 2]})[1])
        self.assertEqual(self.err({"instances": [good, [1]]}),
                         (400, "Expecting object but got list at item 1 of input list"))
        self.assertEqual(self.err({"signature_name": "scores", "instances": [1, {"q": 1}]}),
                         (400, "Expecting value/list but got object at item 1 of input list"))

    def test_columnar_inputs_are_checked_by_name(self):
        self.assertEqual(self.err({"inputs": {"x": [[1, 2]], "ids": [1], "flag": [True]}}),
                         (400, "Missing named input: text in 'inputs' object."))
        self.assertIn("expecting an object as multiple input tensors", self.err({"inputs": [1, 2]})[1])
        msg = self.err({"inputs": {"x": [[1, 2]], "ids": [1], "flag": ["yes"], "text": ["a"]}})[1]
        self.assertIn("Failed to process input: flag of 'inputs' object.", msg)
        self.assertIn('JSON Value: "yes" Type: String is not of expected type: bool', msg)
        msg = self.err({"inputs": {"x": [[1, 2]], "ids": [1], "flag": [True], "text": ["a"], "typo": 1}})[1]
        self.assertEqual(msg, "JSON object: does not have named input: typo")

    def test_ragged_and_misplaced_values(self):
        self.assertIn("Encountered list at unexpected size: 1 at level: 1 expected size: 2",
                      self.err({"inputs": [[1.0, 2.0], [3.0]]}, c=self.h, path="/v1/models/hp2:predict")[1])
        self.assertIn("JSON Value: 3.0 found at incorrect level: 2 in the JSON DOM. Expected at level: 2",
                      self.err({"inputs": [[1.0, 2.0], 3.0]}, c=self.h, path="/v1/models/hp2:predict")[1])
        self.assertIn("Encountered list at unexpected level: 1 expected < 1",
                      self.err({"inputs": [1.0, [2.0]]}, c=self.h, path="/v1/models/hp2:predict")[1])
        msg = self.err({"instances": [[1.0], [2.0, 3.0]]}, c=self.h, path="/v1/models/hp2:predict")[1]
        self.assertIn("Failed to process element: 1 of 'instances' list. Error: INVALID_ARGUMENT: "
                      "Expecting tensor size: 1 but got: 2", msg)
        msg = self.err({"instances": [[[1.0, 2.0]], [[1.0], [2.0]]]}, c=self.h, path="/v1/models/hp2:predict")[1]
        self.assertIn("Expecting shape [1,2] but got: [2,1]", msg)

    def test_precision_loss_is_refused(self):
        msg = self.err({"instances": [[16777217]]}, c=self.h, path="/v1/models/hp2:predict")[1]
        self.assertIn("Cannot convert JSON value: 16777217 to float without loss of precision.", msg)
        msg = self.err({"instances": [[1e39]]}, c=self.h, path="/v1/models/hp2:predict")[1]
        self.assertIn("to float without loss of precision.", msg)
        self.assertEqual(self.c.post("/v1/models/echo:predict", {"signature_name": "scores", "inputs": [1e39]})[0], 200)

    def test_bad_b64(self):
        good = {"x": [0, 0], "ids": 1, "flag": True, "text": "a"}
        msg = self.err({"instances": [dict(good, text={"b64": "not base64!"})]})[1]
        self.assertIn("key: text of 'instances' list", msg)
        self.assertIn("Unable to base64 decode", msg)
        msg = self.err({"instances": [dict(good, text={"b64": "YQ==", "more": 1})]})[1]
        self.assertIn("key: text", msg)
        self.assertIn('not formatted correctly for base64 data', msg)
        msg = self.err({"instances": [dict(good, x=[{"b64": "YQ=="}, 1])]})[1]
        self.assertIn('JSON Value: {"b64":"YQ=="} Type: Object is not of expected type: float', msg)

    def test_unsupported_dtype_and_empty_signature(self):
        status, msg = self.err({"signature_name": "complex", "inputs": [1]})
        self.assertEqual(status, 501)
        self.assertIn("Conversion of JSON Value: 1 to type: complex64", msg)
        self.assertEqual(self.err({"signature_name": "no_inputs", "inputs": [1]}),
                         (400, "Failed to get input map for signature: no_inputs"))

    def test_model_errors_keep_their_status(self):
        def failing(**_):
            raise RuntimeError("kernel exploded")
        c, _ = client(echo_model(outputs_fn=failing), name="echo")
        with self.assertLogs("tf_serving_python", "ERROR") as logged:
            status, body, _, _ = c.post("/v1/models/echo:predict",
                                        {"inputs": {"x": [[1, 2]], "ids": [1], "flag": [True], "text": ["a"]}})
        self.assertIn("kernel exploded", "\n".join(logged.output))
        self.assertEqual(status, 500)
        self.assertEqual(body, {"error": "RuntimeError: kernel exploded"})


class BoundedInput(unittest.TestCase):
    """Body size and batch caps, and error answers that stay small whatever the request."""

    def app(self, **env):
        return support.Client(create_app(model=half_plus_two(), model_name="hp2", labels={}, environ=env))

    def test_bodies_over_max_request_bytes_get_413(self):
        c = self.app(MAX_REQUEST_BYTES="64")
        ok = '{"instances": [[1.0], [2.0]]}'
        self.assertEqual(c.post("/v1/models/hp2:predict", raw=ok)[:2], (200, {"predictions": [[2.5], [3.0]]}))
        status, body, _, r = c.post("/v1/models/hp2:predict", raw='{"instances": [%s]}' % ", ".join(["[1.0]"] * 20))
        self.assertEqual(status, 413)
        self.assertEqual(body, {"error": "Request body too large: the limit is 64 bytes (MAX_REQUEST_BYTES; "
                                         "Cloud Run accepts at most 32 MiB)"})
        self.assertEqual(r.headers["Connection"], "close")

    def test_the_default_body_limit_is_cloud_runs_32_mib(self):
        app = create_app(model=half_plus_two(), model_name="hp2", labels={}, environ={})
        self.assertEqual(app.config["MAX_CONTENT_LENGTH"], 32 * 1024 * 1024)

    def test_instances_over_the_cap_are_refused_naming_the_setting(self):
        c = self.app(MAX_INSTANCES_PER_REQUEST="3")
        self.assertEqual(c.post("/v1/models/hp2:predict", {"instances": [[1.0]] * 3})[0], 200)
        for body in ({"instances": [[1.0]] * 4}, {"inputs": [[1.0]] * 4}, {"inputs": {"x": [[1.0]] * 4}}):
            status, out, _, _ = c.post("/v1/models/hp2:predict", body)
            self.assertEqual((status, out), (400, {"error": "Request has 4 instances; this server accepts at most 3 per "
                                                            "request (MAX_INSTANCES_PER_REQUEST): split it into smaller "
                                                            "requests"}), body)

    def test_limit_settings_are_validated(self):
        for name in ("MAX_INSTANCES_PER_REQUEST", "MAX_REQUEST_BYTES"):
            for bad in ("0", "-1", "lots"):
                with self.assertRaisesRegex(ConfigError, "%s: expected a positive whole number" % name):
                    create_app(model=half_plus_two(), model_name="hp2", labels={}, environ={name: bad})

    def test_errors_do_not_echo_a_large_request(self):
        c = self.app()
        rows = [[float(i)] for i in range(5000)] + [["x"]]
        status, body, text, _ = c.post("/v1/models/hp2:predict", {"instances": rows, "inputs": rows})
        self.assertEqual(status, 400)
        self.assertIn("expecting only one of 'inputs' or 'instances' keys to exist", body["error"])
        self.assertLess(len(text), 600)
        big = "y" * 100000
        status, body, text, _ = c.post("/v1/models/hp2:predict", {"instances": [[1.0], [big]]})
        self.assertEqual(status, 400)
        self.assertIn("Failed to process element: 1 of 'instances' list.", body["error"])
        self.assertIn("(100002 characters)", body["error"])
        self.assertLess(len(text), 600)

    def test_names_from_the_request_are_cut_too(self):
        c, _ = client(echo_model(), name="echo")
        long_name = "k" * 50000
        for body in ({"signature_name": long_name, "instances": [1]},
                     {"instances": [{"x": [0, 0], "ids": 1, "flag": True, "text": "a", long_name: 1}]},
                     {"inputs": {"x": [[1, 2]], "ids": [1], "flag": [True], "text": ["a"], long_name: 1}}):
            status, out, text, _ = c.post("/v1/models/echo:predict", body)
            self.assertEqual(status, 400, text[:300])
            self.assertIn("(50000 characters)", out["error"])
            self.assertLess(len(text), 600)

    def test_the_error_path_converts_only_the_failing_instance_again(self):
        import request_json

        calls = []
        real = request_json.to_tensor

        def counting(value, dtype, row_items=False):
            calls.append(row_items)
            return real(value, dtype, row_items)
        request_json.to_tensor = counting
        self.addCleanup(setattr, request_json, "to_tensor", real)
        c = self.app()
        rows = [[float(i)] for i in range(10000)]
        for bad_row, message in (([True], "JSON Value: true Type: True is not of expected type: float"),
                                 ([1.0, 2.0], "Expecting tensor size: 1 but got: 2"),
                                 ([16777217], "Cannot convert JSON value: 16777217 to float without loss of precision.")):
            calls.clear()
            status, body, _, _ = c.post("/v1/models/hp2:predict", {"instances": rows[:9999] + [bad_row]})
            self.assertEqual(status, 400)
            self.assertIn("Failed to process element: 9999 of 'instances' list. Error: INVALID_ARGUMENT: " + message,
                          body["error"])
            self.assertLessEqual(len(calls), 3, "to_tensor ran %d times for one bad instance" % len(calls))


class Routing(unittest.TestCase):
    def setUp(self):
        self.c, _ = client()

    def test_malformed_paths(self):
        for method, path in (("GET", "/v1/foo"), ("POST", "/v1/models"), ("GET", "/v1/models/hp2:predict"),
                             ("PUT", "/v1/models/hp2"), ("POST", "/v1/models/hp2:Predict"),
                             ("POST", "/v1/models/hp2/metadata")):
            status, body, _, _ = self.c.call(method, path, {})
            self.assertEqual(status, 400, (method, path))
            self.assertEqual(body, {"error": "Malformed request: %s %s" % (method, path)})
        self.assertEqual(self.c.get("/v1/models")[:2], (400, {"error": "Missing model name in request."}))
        self.assertEqual(self.c.post("/v1/models/hp2/versions/9223372036854775808:predict", {})[:2],
                         (400, {"error": "Failed to convert version: 9223372036854775808 to numeric."}))

    def test_paths_match_case_insensitively_and_names_are_url_decoded(self):
        self.assertEqual(self.c.get("/V1/MODELS/hp2")[0], 200)
        c, _ = client(name="my model")
        self.assertEqual(c.get("/v1/models/my%20model")[0], 200)
        self.assertEqual(c.post("/v1/models/my%20model:predict", {"instances": [[1.0]]})[:2],
                         (200, {"predictions": [[2.5]]}))

    def test_outside_v1_is_not_found(self):
        status, body, _, _ = self.c.get("/healthz")
        self.assertEqual(status, 404)
        self.assertIn("/v1/models/", body["error"])


class Configuration(unittest.TestCase):
    def test_labels_from_env(self):
        self.assertEqual(parse_labels("stable=123, canary=00123", "123"), {"stable": "123", "canary": "123"})
        with self.assertRaisesRegex(ConfigError, "MODEL_VERSION_LABELS: expected label=version"):
            parse_labels("stable", "123")
        with self.assertRaisesRegex(ConfigError, "label canary names version 124, but the served version is 123"):
            parse_labels("canary=124", "123")

    def test_model_name_and_version_are_validated(self):
        with self.assertRaisesRegex(ConfigError, "MODEL_NAME"):
            create_app(model=half_plus_two(), environ={"MODEL_NAME": "a/b"})
        with self.assertRaisesRegex(ConfigError, "model.version"):
            Servable("m", half_plus_two(version="v1"))

    def test_labels_env_is_used(self):
        app = create_app(model=half_plus_two(), environ={"MODEL_NAME": "hp2", "MODEL_VERSION_LABELS": "stable=123"})
        self.assertEqual(support.Client(app).get("/v1/models/hp2/labels/stable")[0], 200)


if __name__ == "__main__":
    unittest.main()
