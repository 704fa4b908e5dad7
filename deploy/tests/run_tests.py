"""Runs the deploy/ tests (unittest, no pytest) and prints one summary line.

  python3 deploy/tests/run_tests.py [--json REPORT.json] [-v]

Exit code 0 when nothing failed. The Node wrapper (test/unit/pythonServer.test.ts) reads the
JSON report to list every test under mocha.
"""

import sys

# No __pycache__ folders inside deploy/ (they would end up in the image build context and git).
sys.dont_write_bytecode = True

import json  # noqa: E402
import os  # noqa: E402
import time  # noqa: E402
import unittest  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import support  # noqa: E402,F401  sets the import paths


class _Recorder(unittest.TextTestResult):
    def __init__(self, *a, **kw):
        super().__init__(*a, **kw)
        self.records = []
        self._t0 = 0.0

    def startTest(self, test):
        self._t0 = time.monotonic()
        super().startTest(test)

    def _add(self, test, outcome, detail=""):
        self.records.append({"id": test.id(), "description": test.shortDescription() or "",
                             "outcome": outcome, "detail": detail,
                             "seconds": round(time.monotonic() - self._t0, 4)})

    def addSuccess(self, test):
        super().addSuccess(test)
        self._add(test, "passed")

    def addFailure(self, test, err):
        super().addFailure(test, err)
        self._add(test, "failed", self._exc_info_to_string(err, test))

    def addError(self, test, err):
        super().addError(test, err)
        self._add(test, "failed", self._exc_info_to_string(err, test))

    def addSkip(self, test, reason):
        super().addSkip(test, reason)
        self._add(test, "skipped", reason)

    def addSubTest(self, test, subtest, err):
        super().addSubTest(test, subtest, err)
        if err is not None:
            self._add(subtest, "failed", self._exc_info_to_string(err, test))


def main(argv):
    report = None
    if "--json" in argv:
        report = argv[argv.index("--json") + 1]
    verbosity = 2 if "-v" in argv else 1
    suite = unittest.defaultTestLoader.discover(HERE, pattern="test_*.py", top_level_dir=HERE)
    runner = unittest.TextTestRunner(stream=sys.stderr, verbosity=verbosity, resultclass=_Recorder)
    result = runner.run(suite)
    passed = sum(1 for r in result.records if r["outcome"] == "passed")
    failed = sum(1 for r in result.records if r["outcome"] == "failed")
    skipped = sum(1 for r in result.records if r["outcome"] == "skipped")
    print("deploy python tests: %d passed, %d failed, %d skipped (python %s)"
          % (passed, failed, skipped, sys.version.split()[0]))
    if report:
        with open(report, "w") as f:
            json.dump({"python": sys.version.split()[0], "tests": result.records}, f)
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
