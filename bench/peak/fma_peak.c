// Measures this machine's FP32 peak: each thread runs independent chains of 16-lane (AVX-512) or
// 8-lane (AVX2) fused multiply-adds for about a second. Built by bench/run.sh with -march=native.
// Usage: fma_peak THREADS   Prints one JSON line: {"threads": T, "gflops": G, "isa": "..."}.
#include <immintrin.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#if defined(__AVX512F__)
typedef __m512 vec;
#define LANES 16
#define ISA "avx512f"
#define SET1 _mm512_set1_ps
#define FMA _mm512_fmadd_ps
#define ADD _mm512_add_ps
#define SUM(v) _mm512_reduce_add_ps(v)
#elif defined(__AVX2__) && defined(__FMA__)
typedef __m256 vec;
#define LANES 8
#define ISA "avx2"
#define SET1 _mm256_set1_ps
#define FMA _mm256_fmadd_ps
#define ADD _mm256_add_ps
static float SUM(__m256 v) {
  float out[8];
  _mm256_storeu_ps(out, v);
  return out[0] + out[1] + out[2] + out[3] + out[4] + out[5] + out[6] + out[7];
}
#else
#error "fma_peak needs AVX2 with FMA or AVX-512"
#endif

enum { CHAINS = 12, ROUNDS = 1 << 20 };  // 12 chains cover 2 FMA ports x 4-cycle latency

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

// Twelve named accumulators, so that the compiler keeps every chain in a register.
#define CHAINS_DO(X) X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(9) X(10) X(11)
#define DECLARE(c) vec acc##c = SET1(1.0f + c * 1e-3f);
#define STEP(c) acc##c = FMA(acc##c, a, b);
#define GATHER(c) total = ADD(total, acc##c);

static void *run(void *sink) {
  CHAINS_DO(DECLARE)
  const vec a = SET1(0.999999f), b = SET1(1e-7f);
  for (long r = 0; r < ROUNDS * 20L; r++) {
    CHAINS_DO(STEP)
  }
  vec total = SET1(0.0f);
  CHAINS_DO(GATHER)
  *(float *)sink = SUM(total);  // keeps the loop from being optimized away
  return NULL;
}

int main(int argc, char **argv) {
  int threads = argc > 1 ? atoi(argv[1]) : 1;
  if (threads < 1 || threads > 256) {
    fprintf(stderr, "usage: fma_peak THREADS (1-256)\n");
    return 2;
  }
  pthread_t ids[256];
  float sinks[256];
  double start = now();
  for (int t = 0; t < threads; t++) pthread_create(&ids[t], NULL, run, &sinks[t]);
  for (int t = 0; t < threads; t++) pthread_join(ids[t], NULL);
  double seconds = now() - start;
  double flops = 2.0 * LANES * CHAINS * (double)ROUNDS * 20 * threads;
  printf("{\"threads\": %d, \"gflops\": %.1f, \"isa\": \"%s\", \"check\": %g}\n", threads, flops / seconds / 1e9, ISA,
         (double)sinks[0]);
  return 0;
}
