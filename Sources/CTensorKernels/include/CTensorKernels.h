// Element-wise kernels of the tensor core written in C, so that they can use AVX-512 where the
// CPU has it (chosen at run time) while the package itself builds for the baseline x86-64 (or
// any other) target. Each works on a range of chunks so that the caller can split the work over
// its threads.
#ifndef CTENSORKERNELS_H
#define CTENSORKERNELS_H

#include <stdint.h>

// Instance norm over a channel-blocked [N, C/16, H, W, 16] tensor. A chunk is one image's 16
// channels: `size` (H * W) vectors of 16 floats, one lane per channel. Chunk k covers planes
// 16k ..< 16k + 16 (plane = image * C + channel) and channels 16k % C ..< 16k % C + 16.

// Forward over chunks [begin, end): writes out = (x - mean) * inv * gamma + beta (max(., 0) when
// relu is non-zero), and per plane the mean and inv = 1 / sqrt(biased variance + epsilon).
void tk_blocked_instance_norm_forward(const float *x, float *out, float *means, float *inverse_stds,
                                      const float *gamma, const float *beta, int64_t begin, int64_t end,
                                      int64_t channels, int64_t size, float epsilon, int relu);

// Backward over chunks [begin, end): with xhat = (x - mean) * inv and g masked where the fused
// ReLU cut its input (relu non-zero), writes per plane sum g and sum g * xhat into plane_sums
// (two doubles per plane) and dx = inv * gamma * (g - mean(g) - xhat * mean(g * xhat)).
void tk_blocked_instance_norm_backward(const float *g, const float *x, float *dx, const float *means,
                                       const float *inverse_stds, const float *gamma, const float *beta,
                                       double *plane_sums, int64_t begin, int64_t end, int64_t channels,
                                       int64_t size, int relu);

// Whether the kernels above run their AVX-512 versions on this CPU.
int tk_uses_avx512(void);

// With a non-zero argument, every kernel runs its portable version (for tests of that version on
// a CPU that has AVX-512); zero restores the choice by CPU.
void tk_set_portable_only(int on);

#endif
