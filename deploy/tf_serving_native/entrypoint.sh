#!/usr/bin/env bash
# Starts tensorflow_model_server on the model Cloud Run mounts from Cloud Storage at
# $MODEL_BASE_PATH/$MODEL_NAME/<version>/ (nothing is downloaded: no gsutil, no Cloud SDK).
#
# Flags given as container args win; every flag not given is filled from the environment:
#   PORT (default 8501)           -> --rest_api_port   (Cloud Run sends traffic to $PORT)
#   MODEL_NAME (default model)    -> --model_name
#   MODEL_BASE_PATH (default /models) -> --model_base_path=$MODEL_BASE_PATH/$MODEL_NAME
#   ENABLE_BATCHING (default true)    -> --enable_batching
#   BATCHING_PARAMETERS_FILE (default /etc/tf_serving/batching.config) -> --batching_parameters_file
#   GRPC_PORT (default 8500; not reachable through Cloud Run, kept for in-container use)
# TF_SERVING_BIN overrides the server binary (the project's tests point it at a fake).
set -euo pipefail

bin="${TF_SERVING_BIN:-tensorflow_model_server}"
args=("$@")

# The value of --NAME=VALUE (or --NAME VALUE) among the args, empty when absent.
flag_value() {
  local name="$1" i
  for ((i = 0; i < ${#args[@]}; i++)); do
    case "${args[i]}" in
      "--$name="*) printf '%s' "${args[i]#--"$name"=}"; return 0 ;;
      "--$name")
        # A bare boolean flag (--enable_batching) means true; otherwise the value is the next arg.
        if ((i + 1 < ${#args[@]})) && [[ "${args[i + 1]}" != --* ]]; then
          printf '%s' "${args[i + 1]}"
        else
          printf 'true'
        fi
        return 0 ;;
    esac
  done
  return 1
}
has_flag() { flag_value "$1" >/dev/null; }

fail() { echo "entrypoint: $*" >&2; exit 64; }

model_name="${MODEL_NAME:-model}"
base_path="${MODEL_BASE_PATH:-/models}"

if has_flag rest_api_port; then
  rest_port="$(flag_value rest_api_port)"
else
  rest_port="${PORT:-8501}"
  args+=("--rest_api_port=$rest_port")
fi
[[ "$rest_port" =~ ^[0-9]+$ ]] || fail "--rest_api_port / PORT: expected a port number, got '$rest_port'"
if [[ -n "${PORT:-}" && "$PORT" != "$rest_port" ]]; then
  echo "entrypoint: warning: PORT=$PORT but --rest_api_port=$rest_port; Cloud Run sends requests to \$PORT" >&2
fi

if ! has_flag port; then
  grpc_port="${GRPC_PORT:-8500}"
  # Both servers cannot share a port.
  if [[ "$grpc_port" == "$rest_port" ]]; then grpc_port=$((rest_port + 1)); fi
  args+=("--port=$grpc_port")
fi

# A model config file names its own models and paths; otherwise serve one model.
if ! has_flag model_config_file; then
  if has_flag model_name; then
    model_name="$(flag_value model_name)"
  else
    args+=("--model_name=$model_name")
  fi
  [[ -n "$model_name" ]] || fail "--model_name / MODEL_NAME: must not be empty"
  if has_flag model_base_path; then
    model_dir="$(flag_value model_base_path)"
  else
    model_dir="${base_path%/}/$model_name"
    args+=("--model_base_path=$model_dir")
  fi
  # Fail with a readable message instead of TF Serving polling an empty path forever.
  if [[ ! -d "$model_dir" ]]; then
    fail "model folder $model_dir does not exist: mount the model (gs://.../<version>/) at $model_dir/<version>/"
  fi
  if ! compgen -G "$model_dir/[0-9]*/saved_model.pb*" >/dev/null; then
    fail "no <version>/saved_model.pb under $model_dir: TF Serving serves $model_dir/<numeric version>/saved_model.pb"
  fi
fi

if ! has_flag enable_batching; then
  args+=("--enable_batching=${ENABLE_BATCHING:-true}")
fi
batching="$(flag_value enable_batching || true)"
if [[ "$batching" == "true" || "$batching" == "1" ]] && ! has_flag batching_parameters_file; then
  args+=("--batching_parameters_file=${BATCHING_PARAMETERS_FILE:-/etc/tf_serving/batching.config}")
fi
if [[ "$batching" == "true" || "$batching" == "1" ]]; then
  file="$(flag_value batching_parameters_file)"
  [[ -r "$file" ]] || fail "--batching_parameters_file: cannot read $file"
fi

echo "entrypoint: $bin ${args[*]}" >&2
exec "$bin" "${args[@]}"
