// Measures this machine's BF16 peak: each thread runs independent chains of AVX-512 BF16 dot
// products (`vdpbf16ps`: 16 Float32 lanes, each adding two bf16 products, so 64 flops per
// instruction) for about a second. Built by bench/run.sh with -march=native; on a CPU without
// AVX512_BF16 it prints a peak of 0.
// Usage: bf16_peak THREADS   Prints one JSON line: {"threads": T, "gflops": G, "isa": "..."}.
#include <immintrin.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

enum { CHAINS = 12, ROUNDS = 1 << 20 };  // 12 chains cover 2 ports x a latency of up to 6 cycles

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

#if defined(__AVX512BF16__)
#define ISA "avx512_bf16"
#define CHAINS_DO(X) X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(9) X(10) X(11)
#define DECLARE(c) __m512 acc##c = _mm512_set1_ps(1.0f + c * 1e-3f);
#define STEP(c) acc##c = _mm512_dpbf16_ps(acc##c, a, b);
#define GATHER(c) total = _mm512_add_ps(total, acc##c);

static void *run(void *sink) {
  CHAINS_DO(DECLARE)
  const __m512bh a = _mm512_cvtne2ps_pbh(_mm512_set1_ps(0.999f), _mm512_set1_ps(0.999f));
  const __m512bh b = _mm512_cvtne2ps_pbh(_mm512_set1_ps(1e-7f), _mm512_set1_ps(1e-7f));
  for (long r = 0; r < ROUNDS * 20L; r++) {
    CHAINS_DO(STEP)
  }
  __m512 total = _mm512_set1_ps(0.0f);
  CHAINS_DO(GATHER)
  *(float *)sink = _mm512_reduce_add_ps(total);  // keeps the loop from being optimized away
  return NULL;
}
#endif

int main(int argc, char **argv) {
  int threads = argc > 1 ? atoi(argv[1]) : 1;
  if (threads < 1 || threads > 256) {
    fprintf(stderr, "usage: bf16_peak THREADS (1-256)\n");
    return 2;
  }
#if defined(__AVX512BF16__)
  pthread_t ids[256];
  float sinks[256];
  double start = now();
  for (int t = 0; t < threads; t++) pthread_create(&ids[t], NULL, run, &sinks[t]);
  for (int t = 0; t < threads; t++) pthread_join(ids[t], NULL);
  double seconds = now() - start;
  double flops = 64.0 * CHAINS * (double)ROUNDS * 20 * threads;
  printf("{\"threads\": %d, \"gflops\": %.1f, \"isa\": \"%s\", \"check\": %g}\n", threads, flops / seconds / 1e9, ISA,
         (double)sinks[0]);
#else
  (void)now;
  printf("{\"threads\": %d, \"gflops\": 0, \"isa\": \"none (no AVX512_BF16)\", \"check\": 0}\n", threads);
#endif
  return 0;
}
