/*
 * The core's peak arithmetic rate, measured (bench/matmul-bench.ts compiles and
 * runs this): independent chains of AVX2 operations that keep every floating-
 * point pipe busy, one thread.
 *   float64 without FMA (as backends/native/backend.c's float64 products):
 *     a multiply then an add, 4 lanes each, 2 flops per pair;
 *   float32 with FMA (as its float32 products): fused multiply-adds, 8 lanes, 2 flops each.
 * Prints "<float64 GFLOP/s> <float32 GFLOP/s>".
 */
#include <immintrin.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

__attribute__((target("avx2"))) static double peak64(long reps, double c) {
  /* s += a·b on 12 independent sums, the products apart from the sums: the float64 products' pattern */
  const __m256d a0 = _mm256_set1_pd(c), a1 = _mm256_set1_pd(1e-3 * c), b0 = _mm256_set1_pd(1.1), b1 = _mm256_set1_pd(1.2);
  __m256d s[12];
  for (int i = 0; i < 12; i++) s[i] = _mm256_set1_pd(i);
  const double t0 = now();
  for (long r = 0; r < reps; r++)
#pragma GCC unroll 12
    for (int i = 0; i < 12; i++) s[i] = _mm256_add_pd(s[i], _mm256_mul_pd(i & 1 ? a1 : a0, i & 2 ? b1 : b0));
  const double t = now() - t0;
  double sink = 0, l[4];
  for (int i = 0; i < 12; i++) {
    _mm256_storeu_pd(l, s[i]);
    sink += l[0];
  }
  if (sink == 42.0) puts("");
  return reps * 12.0 * 2 * 4 / t / 1e9;
}

__attribute__((target("avx2,fma"))) static double peak32(long reps, float c) {
  __m256 z[10];
  const __m256 f = _mm256_set1_ps(c), g = _mm256_set1_ps(1e-3f);
  for (int i = 0; i < 10; i++) z[i] = _mm256_set1_ps(1.0f + i);
  const double t0 = now();
  for (long r = 0; r < reps; r++)
#pragma GCC unroll 10
    for (int i = 0; i < 10; i++) z[i] = _mm256_fmadd_ps(z[i], f, g);
  const double t = now() - t0;
  float sink = 0, l[8];
  for (int i = 0; i < 10; i++) {
    _mm256_storeu_ps(l, z[i]);
    sink += l[0];
  }
  if (sink == 42.0f) puts("");
  return reps * 10.0 * 2 * 8 / t / 1e9;
}

int main(int argc, char **argv) {
  const double c = argc > 1 ? atof(argv[1]) : 1e-9; /* read at run time, so nothing is folded */
  double best64 = 0, best32 = 0;
  for (int round = 0; round < 20; round++) { /* the best of 20 short rounds: the least disturbed by other work */
    const double a = peak64(5000000, c), b = peak32(5000000, (float)c);
    if (a > best64) best64 = a;
    if (b > best32) best32 = b;
  }
  printf("%.2f %.2f\n", best64, best32);
  return 0;
}
