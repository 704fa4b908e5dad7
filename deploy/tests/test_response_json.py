"""Number formatting of predict outputs: float32 values with TF Serving's six-or-nine digits."""

import json
import unittest

import numpy as np

import support  # noqa: F401  import paths
from response_json import float32_decimals, predict_body


class Float32Digits(unittest.TestCase):
    def test_six_digits_when_they_read_back_else_nine(self):
        a = np.array([0.1, 2.05, 555557.5, 0.3333333, 1e-40, 3.4028235e38, -0.0], dtype=np.float32)
        text = [repr(float(x)) for x in float32_decimals(a)]
        self.assertEqual(text, ["0.1", "2.05", "555557.5", "0.333333313", "1e-40", "3.4028235e+38", "-0.0"])

    def test_every_value_reads_back_to_the_same_float32(self):
        rng = np.random.default_rng(7)
        a = (rng.standard_normal(20000) * 10.0 ** rng.integers(-30, 30, 20000)).astype(np.float32)
        d = float32_decimals(a)
        self.assertTrue(np.array_equal(d.astype(np.float32), a))
        # Significant digits: the mantissa without sign, point, leading or trailing zeros.
        longest = max(len(repr(float(x)).split("e")[0].lstrip("-").replace(".", "").strip("0")) for x in d)
        self.assertLessEqual(longest, 9)

    def test_non_finite_values_are_written_unquoted(self):
        a = np.array([[np.nan, np.inf], [3, -np.inf]], dtype=np.float32)
        text = predict_body({"float_tensor": a}, "row")
        self.assertEqual(text, '{"predictions": [[NaN, Infinity], [3.0, -Infinity]]}')

    def test_float16_and_double(self):
        # Halves go through the float rule: 0.1 as a half is 0.0999755859375, nine digits.
        half = json.loads(predict_body({"h": np.array([0.1], np.float16)}, "columnar"))["outputs"][0]
        self.assertEqual((half, np.float16(half)), (0.0999755859, np.float16(0.1)))
        self.assertEqual(json.loads(predict_body({"d": np.array([0.1 + 2e-17])}, "columnar")),
                         {"outputs": [0.1 + 2e-17]})


if __name__ == "__main__":
    unittest.main()
