"""The container definitions without a Docker daemon: what the Dockerfiles, the batching file,
gunicorn's settings and the Cloud Build files say, and the native entrypoint's behaviour (run with
bash against a fake tensorflow_model_server)."""

import os
import re
import runpy
import shutil
import subprocess
import tempfile
import unittest

import support


def read(*parts):
    with open(os.path.join(*parts)) as f:
        return f.read()


def without_comments(text):
    return "\n".join(line.split("#", 1)[0] for line in text.splitlines())


class NativeImageFiles(unittest.TestCase):
    def setUp(self):
        self.dockerfile = read(support.NATIVE, "Dockerfile")
        self.entrypoint = read(support.NATIVE, "entrypoint.sh")

    def test_based_on_tf_serving_2_19_without_cloud_sdk(self):
        self.assertRegex(self.dockerfile, r"(?m)^FROM tensorflow/serving:2\.19\.0\s*$")
        for text, what in ((self.dockerfile, "Dockerfile"), (self.entrypoint, "entrypoint.sh")):
            code = without_comments(text).lower()
            for banned in ("gsutil", "gcloud", "google-cloud-sdk", "cloud-sdk", "gcsfuse", "curl ", "wget "):
                self.assertNotIn(banned, code, "%s must not download the model or install the Cloud SDK" % what)

    def test_copies_the_batching_file_where_the_deploy_flags_point(self):
        self.assertRegex(self.dockerfile, r"(?m)^COPY batching\.config /etc/tf_serving/batching\.config\s*$")
        self.assertRegex(self.dockerfile, r'(?m)^ENTRYPOINT \["/usr/local/bin/ml-serving-entrypoint\.sh"\]')
        self.assertRegex(self.dockerfile, r"(?m)^COPY entrypoint\.sh /usr/local/bin/ml-serving-entrypoint\.sh")
        self.assertIn("/etc/tf_serving/batching.config", self.entrypoint)

    def test_batching_parameters(self):
        text = without_comments(read(support.NATIVE, "batching.config"))
        params = {k: int(v) for k, v in re.findall(r"(\w+)\s*\{\s*value:\s*(\d+)\s*\}", text)}
        self.assertEqual(params, {"max_batch_size": 256, "max_execution_batch_size": 64, "batch_timeout_micros": 10000,
                                  "max_enqueued_batches": 4, "num_batch_threads": 4})
        # Online serving: no deeper queue than there are threads to drain it.
        self.assertEqual(params["max_enqueued_batches"], params["num_batch_threads"])

    def test_a_request_larger_than_one_batch_is_split_not_refused(self):
        # Without splitting TF Serving refuses any request with more instances than max_batch_size.
        text = without_comments(read(support.NATIVE, "batching.config"))
        params = {k: int(v) for k, v in re.findall(r"(\w+)\s*\{\s*value:\s*(\d+)\s*\}", text)}
        flags = dict(re.findall(r"(\w+)\s*\{\s*value:\s*(true|false)\s*\}", text))
        self.assertEqual(flags.get("enable_large_batch_splitting"), "true")
        self.assertLess(params["max_execution_batch_size"], params["max_batch_size"])
        # The largest request (max_batch_size) split into execution batches fits an empty queue.
        self.assertLessEqual(params["max_batch_size"], params["max_execution_batch_size"] * params["max_enqueued_batches"])
        # Every field is one TF Serving's BatchingParameters has (a typo would stop the server).
        known = {"max_batch_size", "batch_timeout_micros", "max_enqueued_batches", "num_batch_threads",
                 "max_execution_batch_size", "enable_large_batch_splitting", "allowed_batch_sizes",
                 "pad_variable_length_inputs", "thread_pool_name"}
        fields = set(re.findall(r"(?m)^\s*(\w+)\s*[{:]", text))
        self.assertTrue(fields <= known, "unknown fields: %s" % sorted(fields - known))


@unittest.skipIf(shutil.which("bash") is None, "bash not found")
class NativeEntrypoint(unittest.TestCase):
    """Runs entrypoint.sh with TF_SERVING_BIN pointing at a script that records its arguments."""

    # The container args the deploy code sends (src/serving/deploy/serviceSpec.ts), with the
    # batching file path swapped for this checkout's copy.
    def deploy_args(self, name):
        return ["--rest_api_port=8501", "--model_name=%s" % name, "--model_base_path=%s/%s" % (self.models, name),
                "--enable_batching=true", "--batching_parameters_file=%s" % self.batching]

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="entrypoint-")
        self.addCleanup(shutil.rmtree, self.tmp)
        self.models = os.path.join(self.tmp, "models")
        os.makedirs(os.path.join(self.models, "retrieval", "3"))
        open(os.path.join(self.models, "retrieval", "3", "saved_model.pb"), "wb").close()
        self.batching = os.path.join(support.NATIVE, "batching.config")
        self.record = os.path.join(self.tmp, "argv")
        self.fake = os.path.join(self.tmp, "fake_model_server")
        with open(self.fake, "w") as f:
            f.write('#!/usr/bin/env bash\nprintf "%%s\\n" "$@" > %s\n' % self.record)
        os.chmod(self.fake, 0o755)

    def run_entrypoint(self, args, **env):
        full_env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "TF_SERVING_BIN": self.fake}
        full_env.update(env)
        proc = subprocess.run(["bash", os.path.join(support.NATIVE, "entrypoint.sh")] + args,
                              env=full_env, capture_output=True, text=True, timeout=30)
        argv = None
        if os.path.exists(self.record):
            with open(self.record) as f:
                argv = f.read().splitlines()
            os.remove(self.record)
        return proc, argv

    def test_cloud_run_args_pass_through_and_grpc_port_is_added(self):
        proc, argv = self.run_entrypoint(self.deploy_args("retrieval"), PORT="8501", MODEL_NAME="retrieval",
                                         MODEL_BASE_PATH=self.models)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(argv, self.deploy_args("retrieval") + ["--port=8500"])

    def test_env_alone_fills_every_flag(self):
        proc, argv = self.run_entrypoint([], PORT="9000", MODEL_NAME="retrieval", MODEL_BASE_PATH=self.models,
                                         BATCHING_PARAMETERS_FILE=self.batching)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(argv, ["--rest_api_port=9000", "--port=8500", "--model_name=retrieval",
                                "--model_base_path=%s/retrieval" % self.models, "--enable_batching=true",
                                "--batching_parameters_file=%s" % self.batching])

    def test_defaults_when_nothing_is_set(self):
        os.makedirs(os.path.join(self.models, "model", "1"))
        open(os.path.join(self.models, "model", "1", "saved_model.pb"), "wb").close()
        proc, argv = self.run_entrypoint(["--model_base_path=%s/model" % self.models],
                                         BATCHING_PARAMETERS_FILE=self.batching)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertIn("--rest_api_port=8501", argv)
        self.assertIn("--model_name=model", argv)

    def test_batching_can_be_turned_off(self):
        proc, argv = self.run_entrypoint([], MODEL_NAME="retrieval", MODEL_BASE_PATH=self.models,
                                         ENABLE_BATCHING="false")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertIn("--enable_batching=false", argv)
        self.assertFalse([a for a in argv if a.startswith("--batching_parameters_file")])

    def test_grpc_port_moves_off_the_rest_port(self):
        proc, argv = self.run_entrypoint(["--rest_api_port=8500"], MODEL_NAME="retrieval",
                                         MODEL_BASE_PATH=self.models, BATCHING_PARAMETERS_FILE=self.batching)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertIn("--port=8501", argv)

    def test_model_config_file_skips_the_single_model_flags(self):
        proc, argv = self.run_entrypoint(["--model_config_file=/etc/models.config"],
                                         BATCHING_PARAMETERS_FILE=self.batching)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertFalse([a for a in argv if a.startswith(("--model_name", "--model_base_path"))])

    def test_missing_mount_fails_with_the_path(self):
        proc, argv = self.run_entrypoint([], MODEL_NAME="absent", MODEL_BASE_PATH=self.models)
        self.assertEqual(proc.returncode, 64)
        self.assertIsNone(argv)
        self.assertIn("model folder %s/absent does not exist" % self.models, proc.stderr)

    def test_no_version_folder_fails(self):
        os.makedirs(os.path.join(self.models, "flat"))
        open(os.path.join(self.models, "flat", "saved_model.pb"), "wb").close()
        proc, argv = self.run_entrypoint([], MODEL_NAME="flat", MODEL_BASE_PATH=self.models)
        self.assertEqual(proc.returncode, 64)
        self.assertIsNone(argv)
        self.assertIn("no <version>/saved_model.pb under %s/flat" % self.models, proc.stderr)

    def test_bad_port_and_unreadable_batching_file(self):
        proc, _ = self.run_entrypoint([], PORT="http", MODEL_NAME="retrieval", MODEL_BASE_PATH=self.models)
        self.assertEqual(proc.returncode, 64)
        self.assertIn("--rest_api_port / PORT: expected a port number, got 'http'", proc.stderr)
        proc, _ = self.run_entrypoint([], MODEL_NAME="retrieval", MODEL_BASE_PATH=self.models,
                                      BATCHING_PARAMETERS_FILE="/nonexistent/batching.config")
        self.assertEqual(proc.returncode, 64)
        self.assertIn("--batching_parameters_file: cannot read /nonexistent/batching.config", proc.stderr)

    def test_port_mismatch_is_warned(self):
        proc, _ = self.run_entrypoint(self.deploy_args("retrieval"), PORT="8080")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertIn("warning: PORT=8080 but --rest_api_port=8501", proc.stderr)


class PythonImageFiles(unittest.TestCase):
    def setUp(self):
        self.dockerfile = read(support.PYTHON_SERVER, "Dockerfile")
        self.requirements = without_comments(read(support.PYTHON_SERVER, "requirements.txt"))

    def test_base_image_and_pinned_packages(self):
        self.assertRegex(self.dockerfile, r"(?m)^FROM python:3\.10-slim\s*$")
        pins = dict(re.findall(r"(?m)^([A-Za-z0-9_.-]+)==(\S+)\s*$", self.requirements))
        self.assertEqual(pins.get("tensorflow-cpu"), "2.15.*")
        for name in ("numpy", "flask", "gunicorn"):
            self.assertRegex(pins.get(name, ""), r"^\d+\.\d+\.\d+$", "%s must be pinned" % name)
        self.assertTrue(pins["numpy"].startswith("1."), "TensorFlow 2.15 needs numpy < 2")
        self.assertRegex(self.dockerfile, r"pip install --no-deps scann==1\.3\.0")
        self.assertNotIn("gsutil", without_comments(self.dockerfile))

    def test_every_server_module_is_copied(self):
        copy = re.search(r"(?m)^COPY (.*) \./\s*$", self.dockerfile).group(1).split()
        local = {f for f in os.listdir(support.PYTHON_SERVER) if f.endswith(".py")}
        self.assertEqual(set(copy), local)

    def test_runs_gunicorn_with_one_worker_and_threads(self):
        self.assertIn('CMD ["gunicorn", "--config", "gunicorn.conf.py", "server:create_app()"]', self.dockerfile)
        conf_path = os.path.join(support.PYTHON_SERVER, "gunicorn.conf.py")
        old = os.environ.get("PORT")
        os.environ["PORT"] = "9123"
        try:
            conf = runpy.run_path(conf_path)
            os.environ["PORT"] = "web"
            with self.assertRaisesRegex(SystemExit, "PORT: expected a port number"):
                runpy.run_path(conf_path)
        finally:
            if old is None:
                os.environ.pop("PORT", None)
            else:
                os.environ["PORT"] = old
        self.assertEqual(conf["workers"], 1)
        self.assertEqual(conf["worker_class"], "gthread")
        self.assertGreater(conf["threads"], 1)
        self.assertEqual(conf["bind"], "0.0.0.0:9123")
        self.assertEqual(conf["timeout"], 0)


class CloudBuildFiles(unittest.TestCase):
    """The built image names are the extension's defaults (src/serving/images.ts)."""

    def image_of(self, folder):
        text = read(support.DEPLOY, folder, "cloudbuild.yaml")
        tag = re.search(r"--tag=(\S+)", text).group(1)
        images = re.search(r"(?m)^images:\s*\n\s*-\s*(\S+)", text).group(1)
        self.assertEqual(tag, images)
        subs = dict(re.findall(r"(?m)^  (_[A-Z]+):\s*'?([^'\s]+)'?\s*$", text))
        image = tag.replace("$PROJECT_ID", "PROJECT")
        for key, value in subs.items():
            image = image.replace("${%s}" % key, "REGION" if key == "_REGION" else value)
        return image

    def test_image_names(self):
        self.assertEqual(self.image_of("tf_serving_native"),
                         "REGION-docker.pkg.dev/PROJECT/ml-serving/tf-serving-native:2.19.0")
        self.assertEqual(self.image_of("tf_serving_python"),
                         "REGION-docker.pkg.dev/PROJECT/ml-serving/tf-serving-python:tf2.15-scann1.3.0")

    def test_match_the_extension_defaults(self):
        images_ts = os.path.join(support.REPO_ROOT, "src", "serving", "images.ts")
        if not os.path.exists(images_ts):
            self.skipTest("src/serving/images.ts not found")
        text = read(images_ts)
        self.assertIn("-docker.pkg.dev/${project}/ml-serving", text)
        self.assertIn("/tf-serving-native:2.19.0", text)
        self.assertIn("/tf-serving-python:tf2.15-scann1.3.0", text)


if __name__ == "__main__":
    unittest.main()
