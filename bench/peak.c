/*
 * The core's peak arithmetic rate, measured (bench/matmul-bench.ts compiles and
 * runs this): independent chains of vector operations that keep every floating-
 * point pipe busy, one thread.
 *   float64 without FMA (as backends/native/backend.c's float64 products):
 *     a multiply then an add, 4 lanes each, 2 flops per pair;
 *   float32 with FMA (as its float32 products): fused multiply-adds, 8 lanes, 2 flops each,
 *     or 16 lanes on a CPU with AVX-512 (unless BNLAB_NO_AVX512 is set, as for the products).
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

/* reps rounds of one operation on each of a kernel's independent chains; what it returns only keeps the work from being dropped */
typedef double Chains(long reps, double c);

/* s += a·b on 12 independent sums, the products apart from the sums: the float64 products' pattern (12 × 4 lanes × 2 flops a round) */
__attribute__((target("avx2"))) static double chains64(long reps, double c) {
  const __m256d a0 = _mm256_set1_pd(c), a1 = _mm256_set1_pd(1e-3 * c), b0 = _mm256_set1_pd(1.1), b1 = _mm256_set1_pd(1.2);
  __m256d s[12];
  for (int i = 0; i < 12; i++) s[i] = _mm256_set1_pd(i);
  for (long r = 0; r < reps; r++)
#pragma GCC unroll 12
    for (int i = 0; i < 12; i++) s[i] = _mm256_add_pd(s[i], _mm256_mul_pd(i & 1 ? a1 : a0, i & 2 ? b1 : b0));
  double sink = 0, l[4];
  for (int i = 0; i < 12; i++) {
    _mm256_storeu_pd(l, s[i]);
    sink += l[0];
  }
  return sink;
}

/*
 * z = z·f + g on 10 independent chains of V (a GCC vector of floats), which the compiler fuses
 * into multiply-adds (GNU C contracts by default): 10 × lanes × 2 flops a round. chains32 is 8
 * lanes of AVX2; chains32x16 is 16 lanes, the peak of the AVX-512 block of the float32 products.
 */
#define FMA_CHAINS(name, isa, V)                                                   \
  __attribute__((target(isa))) static double name(long reps, double c) {           \
    const V f = (V){0} + (float)c, g = (V){0} + 1e-3f;                              \
    V z[10];                                                                        \
    for (int i = 0; i < 10; i++) z[i] = (V){0} + (1.0f + i);                        \
    for (long r = 0; r < reps; r++) {                                               \
      _Pragma("GCC unroll 10") for (int i = 0; i < 10; i++) z[i] = z[i] * f + g;    \
    }                                                                               \
    float sink = 0;                                                                 \
    for (int i = 0; i < 10; i++) sink += z[i][0];                                   \
    return sink;                                                                    \
  }
typedef float Float8 __attribute__((vector_size(32)));
typedef float Float16 __attribute__((vector_size(64)));
FMA_CHAINS(chains32, "avx2,fma", Float8)
FMA_CHAINS(chains32x16, "avx512f", Float16)

/* GFLOP/s of `run` (flopsPerRep flops a round): the best of 20 short rounds, the least disturbed by other work */
static double peak(Chains *run, double flopsPerRep, double c) {
  const long reps = 5000000;
  double best = 0;
  for (int round = 0; round < 20; round++) {
    const double t0 = now();
    if (run(reps, c) == 42.0) puts("");
    const double rate = reps * flopsPerRep / (now() - t0) / 1e9;
    if (rate > best) best = rate;
  }
  return best;
}

int main(int argc, char **argv) {
  const double c = argc > 1 ? atof(argv[1]) : 1e-9; /* read at run time, so nothing is folded */
  const int wide = __builtin_cpu_supports("avx512f") && getenv("BNLAB_NO_AVX512") == NULL;
  const double f64 = peak(chains64, 12.0 * 4 * 2, c), f32 = wide ? peak(chains32x16, 10.0 * 16 * 2, c) : peak(chains32, 10.0 * 8 * 2, c);
  printf("%.2f %.2f\n", f64, f32);
  return 0;
}
