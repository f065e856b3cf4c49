// Instance norm over channel-blocked tensors (see CTensorKernels.h): an AVX-512 version, chosen at
// run time where the CPU has AVX-512F, and a portable one of the same arithmetic (both fold
// Float sums over blocks of 512 positions into doubles, and take the statistics as sums of
// x - x0 and (x - x0)^2 with x0 the plane's first value, which gives the variance in one pass
// without the cancellation of a plain sum of squares).
#include <math.h>
#include <string.h>

#include "CTensorKernels.h"

enum { LANES = 16, BLOCK = 512 };

// MARK: - Portable

static void forward_portable(const float *x, float *out, float *means, float *inverse_stds, const float *gamma,
                             const float *beta, int64_t begin, int64_t end, int64_t channels, int64_t size,
                             float epsilon, int relu) {
  for (int64_t chunk = begin; chunk < end; chunk++) {
    const float *p = x + chunk * size * LANES;
    float *o = out + chunk * size * LANES;
    const int64_t c0 = chunk * LANES % channels;
    double shifted[LANES] = {0}, squares[LANES] = {0};
    for (int64_t start = 0; start < size; start += BLOCK) {
      int64_t stop = start + BLOCK < size ? start + BLOCK : size;
      float a[LANES] = {0}, b[LANES] = {0};
      for (int64_t i = start; i < stop; i++) {
        for (int l = 0; l < LANES; l++) {
          float d = p[i * LANES + l] - p[l];
          a[l] += d;
          b[l] += d * d;
        }
      }
      for (int l = 0; l < LANES; l++) shifted[l] += a[l], squares[l] += b[l];
    }
    float slope[LANES], intercept[LANES];
    for (int l = 0; l < LANES; l++) {
      double m = shifted[l] / (double)size;
      double variance = squares[l] / (double)size - m * m;
      if (variance < 0) variance = 0;
      float mean = (float)((double)p[l] + m);
      float inv = (float)(1 / sqrt(variance + (double)epsilon));
      means[chunk * LANES + l] = mean;
      inverse_stds[chunk * LANES + l] = inv;
      slope[l] = inv * gamma[c0 + l];
      intercept[l] = beta[c0 + l] - mean * slope[l];
    }
    for (int64_t i = 0; i < size; i++) {
      for (int l = 0; l < LANES; l++) {
        float v = p[i * LANES + l] * slope[l] + intercept[l];
        o[i * LANES + l] = relu && v < 0 ? 0 : v;
      }
    }
  }
}

static void backward_portable(const float *g, const float *x, float *dx, const float *means,
                              const float *inverse_stds, const float *gamma, const float *beta, double *plane_sums,
                              int64_t begin, int64_t end, int64_t channels, int64_t size, int relu) {
  for (int64_t chunk = begin; chunk < end; chunk++) {
    const int64_t start = chunk * size * LANES, c0 = chunk * LANES % channels;
    const float *gp = g + start, *xp = x + start;
    float *dp = dx + start;
    const float *mean = means + chunk * LANES, *inv = inverse_stds + chunk * LANES;
    double sum_g[LANES] = {0}, sum_gh[LANES] = {0};
    for (int64_t from = 0; from < size; from += BLOCK) {
      int64_t stop = from + BLOCK < size ? from + BLOCK : size;
      float a[LANES] = {0}, b[LANES] = {0};
      for (int64_t i = from; i < stop; i++) {
        for (int l = 0; l < LANES; l++) {
          float h = (xp[i * LANES + l] - mean[l]) * inv[l];
          float v = gp[i * LANES + l];
          if (relu && !(h * gamma[c0 + l] + beta[c0 + l] > 0)) v = 0;
          a[l] += v;
          b[l] += v * h;
        }
      }
      for (int l = 0; l < LANES; l++) sum_g[l] += a[l], sum_gh[l] += b[l];
    }
    float factor[LANES], shift[LANES], slope[LANES];
    for (int l = 0; l < LANES; l++) {
      plane_sums[2 * (chunk * LANES + l)] = sum_g[l];
      plane_sums[2 * (chunk * LANES + l) + 1] = sum_gh[l];
      float mean_d = (float)(sum_g[l] / (double)size) * gamma[c0 + l];
      float mean_dh = (float)(sum_gh[l] / (double)size) * gamma[c0 + l];
      factor[l] = inv[l] * gamma[c0 + l];
      shift[l] = inv[l] * mean_d;
      slope[l] = inv[l] * mean_dh;
    }
    for (int64_t i = 0; i < size; i++) {
      for (int l = 0; l < LANES; l++) {
        float h = (xp[i * LANES + l] - mean[l]) * inv[l];
        float v = gp[i * LANES + l];
        if (relu && !(h * gamma[c0 + l] + beta[c0 + l] > 0)) v = 0;
        dp[i * LANES + l] = factor[l] * v - shift[l] - h * slope[l];
      }
    }
  }
}

// MARK: - AVX-512

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#include <immintrin.h>
#define HAVE_AVX512_VERSION 1
#define AVX512 __attribute__((target("avx512f")))

AVX512 static void add_to_doubles(double *total, __m512 lanes) {
  __m512d low = _mm512_cvtps_pd(_mm512_castps512_ps256(lanes));
  __m512d high = _mm512_cvtps_pd(_mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(lanes), 1)));
  _mm512_storeu_pd(total, _mm512_add_pd(_mm512_loadu_pd(total), low));
  _mm512_storeu_pd(total + 8, _mm512_add_pd(_mm512_loadu_pd(total + 8), high));
}

AVX512 static void forward_avx512(const float *x, float *out, float *means, float *inverse_stds, const float *gamma,
                                  const float *beta, int64_t begin, int64_t end, int64_t channels, int64_t size,
                                  float epsilon, int relu) {
  for (int64_t chunk = begin; chunk < end; chunk++) {
    const float *p = x + chunk * size * LANES;
    float *o = out + chunk * size * LANES;
    const int64_t c0 = chunk * LANES % channels;
    const __m512 first = _mm512_loadu_ps(p);
    double shifted[LANES] = {0}, squares[LANES] = {0};
    for (int64_t start = 0; start < size; start += BLOCK) {
      int64_t stop = start + BLOCK < size ? start + BLOCK : size;
      __m512 a = _mm512_setzero_ps(), b = _mm512_setzero_ps();
      for (int64_t i = start; i < stop; i++) {
        __m512 d = _mm512_sub_ps(_mm512_loadu_ps(p + i * LANES), first);
        a = _mm512_add_ps(a, d);
        b = _mm512_add_ps(b, _mm512_mul_ps(d, d));
      }
      add_to_doubles(shifted, a);
      add_to_doubles(squares, b);
    }
    float slope[LANES], intercept[LANES];
    for (int l = 0; l < LANES; l++) {
      double m = shifted[l] / (double)size;
      double variance = squares[l] / (double)size - m * m;
      if (variance < 0) variance = 0;
      float mean = (float)((double)p[l] + m);
      float inv = (float)(1 / sqrt(variance + (double)epsilon));
      means[chunk * LANES + l] = mean;
      inverse_stds[chunk * LANES + l] = inv;
      slope[l] = inv * gamma[c0 + l];
      intercept[l] = beta[c0 + l] - mean * slope[l];
    }
    const __m512 s = _mm512_loadu_ps(slope), t = _mm512_loadu_ps(intercept), zero = _mm512_setzero_ps();
    for (int64_t i = 0; i < size; i++) {
      __m512 v = _mm512_add_ps(_mm512_mul_ps(_mm512_loadu_ps(p + i * LANES), s), t);
      _mm512_storeu_ps(o + i * LANES, relu ? _mm512_max_ps(v, zero) : v);
    }
  }
}

AVX512 static void backward_avx512(const float *g, const float *x, float *dx, const float *means,
                                   const float *inverse_stds, const float *gamma, const float *beta,
                                   double *plane_sums, int64_t begin, int64_t end, int64_t channels, int64_t size,
                                   int relu) {
  for (int64_t chunk = begin; chunk < end; chunk++) {
    const int64_t start = chunk * size * LANES, c0 = chunk * LANES % channels;
    const float *gp = g + start, *xp = x + start;
    float *dp = dx + start;
    const __m512 mean = _mm512_loadu_ps(means + chunk * LANES), inv = _mm512_loadu_ps(inverse_stds + chunk * LANES);
    const __m512 scale = _mm512_loadu_ps(gamma + c0), offset = _mm512_loadu_ps(beta + c0);
    const __m512 zero = _mm512_setzero_ps();
    double sum_g[LANES] = {0}, sum_gh[LANES] = {0};
    for (int64_t from = 0; from < size; from += BLOCK) {
      int64_t stop = from + BLOCK < size ? from + BLOCK : size;
      __m512 a = _mm512_setzero_ps(), b = _mm512_setzero_ps();
      for (int64_t i = from; i < stop; i++) {
        __m512 h = _mm512_mul_ps(_mm512_sub_ps(_mm512_loadu_ps(xp + i * LANES), mean), inv);
        __m512 v = _mm512_loadu_ps(gp + i * LANES);
        if (relu) {
          __mmask16 passed = _mm512_cmp_ps_mask(_mm512_add_ps(_mm512_mul_ps(h, scale), offset), zero, _CMP_GT_OQ);
          v = _mm512_maskz_mov_ps(passed, v);
        }
        a = _mm512_add_ps(a, v);
        b = _mm512_add_ps(b, _mm512_mul_ps(v, h));
      }
      add_to_doubles(sum_g, a);
      add_to_doubles(sum_gh, b);
    }
    float factor[LANES], shift[LANES], slope[LANES];
    for (int l = 0; l < LANES; l++) {
      plane_sums[2 * (chunk * LANES + l)] = sum_g[l];
      plane_sums[2 * (chunk * LANES + l) + 1] = sum_gh[l];
      float i_l = inverse_stds[chunk * LANES + l];
      float mean_d = (float)(sum_g[l] / (double)size) * gamma[c0 + l];
      float mean_dh = (float)(sum_gh[l] / (double)size) * gamma[c0 + l];
      factor[l] = i_l * gamma[c0 + l];
      shift[l] = i_l * mean_d;
      slope[l] = i_l * mean_dh;
    }
    const __m512 f = _mm512_loadu_ps(factor), sh = _mm512_loadu_ps(shift), sl = _mm512_loadu_ps(slope);
    for (int64_t i = 0; i < size; i++) {
      __m512 h = _mm512_mul_ps(_mm512_sub_ps(_mm512_loadu_ps(xp + i * LANES), mean), inv);
      __m512 v = _mm512_loadu_ps(gp + i * LANES);
      if (relu) {
        __mmask16 passed = _mm512_cmp_ps_mask(_mm512_add_ps(_mm512_mul_ps(h, scale), offset), zero, _CMP_GT_OQ);
        v = _mm512_maskz_mov_ps(passed, v);
      }
      __m512 d = _mm512_sub_ps(_mm512_sub_ps(_mm512_mul_ps(f, v), sh), _mm512_mul_ps(h, sl));
      _mm512_storeu_ps(dp + i * LANES, d);
    }
  }
}
#endif

// MARK: - Dispatch

static int portable_only = 0;

void tk_set_portable_only(int on) { portable_only = on; }

int tk_uses_avx512(void) {
#ifdef HAVE_AVX512_VERSION
  if (portable_only) return 0;
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512f");
#else
  return 0;
#endif
}

void tk_blocked_instance_norm_forward(const float *x, float *out, float *means, float *inverse_stds,
                                      const float *gamma, const float *beta, int64_t begin, int64_t end,
                                      int64_t channels, int64_t size, float epsilon, int relu) {
#ifdef HAVE_AVX512_VERSION
  if (tk_uses_avx512()) {
    forward_avx512(x, out, means, inverse_stds, gamma, beta, begin, end, channels, size, epsilon, relu);
    return;
  }
#endif
  forward_portable(x, out, means, inverse_stds, gamma, beta, begin, end, channels, size, epsilon, relu);
}

void tk_blocked_instance_norm_backward(const float *g, const float *x, float *dx, const float *means,
                                       const float *inverse_stds, const float *gamma, const float *beta,
                                       double *plane_sums, int64_t begin, int64_t end, int64_t channels,
                                       int64_t size, int relu) {
#ifdef HAVE_AVX512_VERSION
  if (tk_uses_avx512()) {
    backward_avx512(g, x, dx, means, inverse_stds, gamma, beta, plane_sums, begin, end, channels, size, relu);
    return;
  }
#endif
  backward_portable(g, x, dx, means, inverse_stds, gamma, beta, plane_sums, begin, end, channels, size, relu);
}
