// MlServingDemo>TopKDot: brute-force top-k by dot product, a stand-in for ScaNN's
// Scann>ScannSearchBatched. Namespaced the way ScaNN names its ops, so the stock TF Serving binary
// does not have it and a graph that uses it needs this library loaded (tf.load_op_library).
//
//   queries    float [batch, dim]
//   candidates float [n, dim]
//   attr k     int >= 1, k <= n
//   -> scores  float [batch, k]   highest first (ties: lower index first)
//   -> indices int32 [batch, k]   rows of `candidates`
#include <algorithm>
#include <numeric>
#include <vector>

#include "tensorflow/core/framework/op.h"
#include "tensorflow/core/framework/op_kernel.h"
#include "tensorflow/core/framework/shape_inference.h"

using tensorflow::DEVICE_CPU;
using tensorflow::OpKernel;
using tensorflow::OpKernelConstruction;
using tensorflow::OpKernelContext;
using tensorflow::Tensor;
using tensorflow::TensorShape;
using tensorflow::shape_inference::InferenceContext;
using tensorflow::shape_inference::ShapeHandle;

REGISTER_OP("MlServingDemo>TopKDot")
    .Input("queries: float")
    .Input("candidates: float")
    .Attr("k: int >= 1")
    .Output("scores: float")
    .Output("indices: int32")
    .SetShapeFn([](InferenceContext* c) {
      ShapeHandle q, cand;
      TF_RETURN_IF_ERROR(c->WithRank(c->input(0), 2, &q));
      TF_RETURN_IF_ERROR(c->WithRank(c->input(1), 2, &cand));
      int64_t k;
      TF_RETURN_IF_ERROR(c->GetAttr("k", &k));
      c->set_output(0, c->Matrix(c->Dim(q, 0), k));
      c->set_output(1, c->Matrix(c->Dim(q, 0), k));
      return absl::OkStatus();
    })
    .Doc("Top-k candidates by dot product with each query (ML Serving demo op).");

class TopKDotOp : public OpKernel {
 public:
  explicit TopKDotOp(OpKernelConstruction* ctx) : OpKernel(ctx) {
    OP_REQUIRES_OK(ctx, ctx->GetAttr("k", &k_));
  }

  void Compute(OpKernelContext* ctx) override {
    const Tensor& queries = ctx->input(0);
    const Tensor& candidates = ctx->input(1);
    OP_REQUIRES(ctx, queries.dims() == 2 && candidates.dims() == 2,
                absl::InvalidArgumentError("TopKDot: queries and candidates must be matrices"));
    const int64_t batch = queries.dim_size(0), dim = queries.dim_size(1), n = candidates.dim_size(0);
    OP_REQUIRES(ctx, candidates.dim_size(1) == dim,
                absl::InvalidArgumentError("TopKDot: queries and candidates differ in dimension"));
    OP_REQUIRES(ctx, k_ <= n, absl::InvalidArgumentError("TopKDot: k is larger than the number of candidates"));

    Tensor* scores = nullptr;
    Tensor* indices = nullptr;
    OP_REQUIRES_OK(ctx, ctx->allocate_output(0, TensorShape({batch, k_}), &scores));
    OP_REQUIRES_OK(ctx, ctx->allocate_output(1, TensorShape({batch, k_}), &indices));
    auto q = queries.matrix<float>();
    auto c = candidates.matrix<float>();
    auto out_scores = scores->matrix<float>();
    auto out_indices = indices->matrix<int32_t>();

    std::vector<float> dots(n);
    std::vector<int32_t> order(n);
    for (int64_t b = 0; b < batch; ++b) {
      for (int64_t i = 0; i < n; ++i) {
        float s = 0.f;
        for (int64_t d = 0; d < dim; ++d) s += q(b, d) * c(i, d);
        dots[i] = s;
      }
      std::iota(order.begin(), order.end(), 0);
      std::partial_sort(order.begin(), order.begin() + k_, order.end(), [&](int32_t x, int32_t y) {
        return dots[x] > dots[y] || (dots[x] == dots[y] && x < y);
      });
      for (int64_t j = 0; j < k_; ++j) {
        out_scores(b, j) = dots[order[j]];
        out_indices(b, j) = order[j];
      }
    }
  }

 private:
  int64_t k_;
};

REGISTER_KERNEL_BUILDER(Name("MlServingDemo>TopKDot").Device(DEVICE_CPU), TopKDotOp);
