/*
 * The native backend of bnlab: the same functions as the WebAssembly backend
 * (backends/wasm/index.ts), with 256-bit AVX2 vectors instead of 128-bit
 * ones, called through Node-API on the Float64Arrays themselves (no copies).
 *
 * Why it exists: a matrix product in WebAssembly SIMD tops out at 4 multiply-
 * adds per cycle (2 multiplies of 2 lanes); AVX2 does 8. On the course's
 * reference MLP the products are ~70% of a training step.
 *
 * Results are bit for bit those of the WebAssembly backend (for the elementwise
 * passes at the end, of src/tensor/elementwise.ts): every sum is taken
 * in the same order, products and sums are separate roundings (no fused
 * multiply-add: the file is compiled for AVX2 without FMA and with
 * -ffp-contract=off), and the batch-norm passes and the logistic function
 * repeat the WebAssembly code's operations lane for lane. So a notebook shows
 * the same numbers whichever of the two backends runs it.
 *
 * Built by `npm run build:native` (scripts/build-native.mjs) into
 * src/tensor/native/backend.node; loaded by src/tensor/backend-native.ts, which
 * falls back to the WebAssembly backend when this file cannot be built or the
 * CPU has no AVX2. Every function checks its arrays' lengths (a RangeError, not
 * a crash) and writes `out` whole.
 */
#include <node_api.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef BNLAB_SOURCE_HASH
#define BNLAB_SOURCE_HASH "unknown"
#endif

#if defined(__x86_64__) || defined(_M_X64)
#define BNLAB_X86 1
#include <immintrin.h>
#else
#define BNLAB_X86 0
#endif

/* ------------------------------------------------------------------------ */
/* the arithmetic (AVX2 only; compiled for it, called only when the CPU has it) */

#if BNLAB_X86
#pragma GCC push_options
#pragma GCC target("avx2")

typedef __m256d v4;

static inline v4 madd(v4 c, v4 a, v4 b) { return _mm256_add_pd(c, _mm256_mul_pd(a, b)); }

/*
 * out(m×n) (+)= A · B for an A whose entry (i, p) is at a[i·rs + p·ks], B (k×n)
 * row-major: 4×8 blocks of out (8 accumulators), each entry summed over p in
 * order, as the WebAssembly backend's panels().
 */
static void panels(const double *a, size_t rs, size_t ks, const double *b, double *out, int m, int k, int n, int acc) {
  const int n8 = n & ~7, n4 = n & ~3, m4 = m & ~3;
  for (int j = 0; j < n8; j += 8) {
    int i = 0;
    for (; i < m4; i += 4) {
      double *po = out + (size_t)i * n + j;
      v4 c00, c01, c10, c11, c20, c21, c30, c31;
      if (acc) {
        c00 = _mm256_loadu_pd(po); c01 = _mm256_loadu_pd(po + 4);
        c10 = _mm256_loadu_pd(po + n); c11 = _mm256_loadu_pd(po + n + 4);
        c20 = _mm256_loadu_pd(po + 2 * n); c21 = _mm256_loadu_pd(po + 2 * n + 4);
        c30 = _mm256_loadu_pd(po + 3 * n); c31 = _mm256_loadu_pd(po + 3 * n + 4);
      } else {
        c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = _mm256_setzero_pd();
      }
      const double *pa = a + (size_t)i * rs;
      const double *pb = b + j;
      for (int p = 0; p < k; p++) {
        const v4 b0 = _mm256_loadu_pd(pb), b1 = _mm256_loadu_pd(pb + 4);
        const v4 a0 = _mm256_broadcast_sd(pa), a1 = _mm256_broadcast_sd(pa + rs);
        const v4 a2 = _mm256_broadcast_sd(pa + 2 * rs), a3 = _mm256_broadcast_sd(pa + 3 * rs);
        c00 = madd(c00, a0, b0); c01 = madd(c01, a0, b1);
        c10 = madd(c10, a1, b0); c11 = madd(c11, a1, b1);
        c20 = madd(c20, a2, b0); c21 = madd(c21, a2, b1);
        c30 = madd(c30, a3, b0); c31 = madd(c31, a3, b1);
        pa += ks;
        pb += n;
      }
      _mm256_storeu_pd(po, c00); _mm256_storeu_pd(po + 4, c01);
      _mm256_storeu_pd(po + n, c10); _mm256_storeu_pd(po + n + 4, c11);
      _mm256_storeu_pd(po + 2 * n, c20); _mm256_storeu_pd(po + 2 * n + 4, c21);
      _mm256_storeu_pd(po + 3 * n, c30); _mm256_storeu_pd(po + 3 * n + 4, c31);
    }
    for (; i < m; i++) { /* the last m mod 4 rows, one at a time */
      double *po = out + (size_t)i * n + j;
      v4 c0 = acc ? _mm256_loadu_pd(po) : _mm256_setzero_pd();
      v4 c1 = acc ? _mm256_loadu_pd(po + 4) : _mm256_setzero_pd();
      const double *pa = a + (size_t)i * rs;
      const double *pb = b + j;
      for (int p = 0; p < k; p++) {
        const v4 ai = _mm256_broadcast_sd(pa);
        c0 = madd(c0, ai, _mm256_loadu_pd(pb));
        c1 = madd(c1, ai, _mm256_loadu_pd(pb + 4));
        pa += ks;
        pb += n;
      }
      _mm256_storeu_pd(po, c0);
      _mm256_storeu_pd(po + 4, c1);
    }
  }
  for (int j = n8; j < n4; j += 4) { /* 4 more columns */
    for (int i = 0; i < m; i++) {
      double *po = out + (size_t)i * n + j;
      v4 c = acc ? _mm256_loadu_pd(po) : _mm256_setzero_pd();
      const double *pa = a + (size_t)i * rs;
      const double *pb = b + j;
      for (int p = 0; p < k; p++) {
        c = madd(c, _mm256_broadcast_sd(pa), _mm256_loadu_pd(pb));
        pa += ks;
        pb += n;
      }
      _mm256_storeu_pd(po, c);
    }
  }
  for (int i = 0; i < m; i++) { /* the last n mod 4 columns, one entry at a time */
    for (int j = n4; j < n; j++) {
      double s = acc ? out[(size_t)i * n + j] : 0.0;
      const double *pa = a + (size_t)i * rs;
      const double *pb = b + j;
      for (int p = 0; p < k; p++) {
        s += *pa * *pb;
        pa += ks;
        pb += n;
      }
      out[(size_t)i * n + j] = s;
    }
  }
}

/* Two rows' pairs side by side: [x[p], x[p+1], y[p], y[p+1]]. */
static inline v4 pairs(const double *x, const double *y) {
  return _mm256_insertf128_pd(_mm256_castpd128_pd256(_mm_loadu_pd(x)), _mm_loadu_pd(y), 1);
}

/* The two dot products held in c, lanes (0, 1) and (2, 3), plus their odd-k tails. */
static inline void store2(double *o, v4 c, double t0, double t1) {
  double l[4];
  _mm256_storeu_pd(l, c);
  o[0] = (l[0] + l[1]) + t0;
  o[1] = (l[2] + l[3]) + t1;
}

/*
 * out(m×n) = a · bᵀ, a (m×k), b (n×k): dot products of rows in the WebAssembly
 * backend's order (lane 0 sums the even p, lane 1 the odd p, then lane 0 +
 * lane 1, then the last product when k is odd). A vector holds two such
 * dot products: (row i of a)·(row j of b) and (row i)·(row j+1).
 */
static void matmul_trans_b(const double *a, const double *b, double *out, int m, int k, int n) {
  const int k2 = k & ~1, odd = k & 1, n2 = n & ~1, m4 = m & ~3;
  const size_t last = (size_t)k - 1;
#define TAIL(x, y) (odd ? (x)[last] * (y)[last] : 0.0)
  int j = 0;
  for (; j + 4 <= n2; j += 4) { /* 4 rows × 4 columns: 8 accumulators (more would spill: x86 has 16 vector registers) */
    const double *b0 = b + (size_t)j * k, *b1 = b0 + k, *b2 = b1 + k, *b3 = b2 + k;
    int i = 0;
    for (; i < m4; i += 4) {
      const double *a0 = a + (size_t)i * k, *a1 = a0 + k, *a2 = a1 + k, *a3 = a2 + k;
      v4 c00 = _mm256_setzero_pd(), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
      for (int p = 0; p < k2; p += 2) {
        const v4 x0 = pairs(b0 + p, b1 + p), x1 = pairs(b2 + p, b3 + p);
        v4 r = _mm256_broadcast_pd((const __m128d *)(a0 + p));
        c00 = madd(c00, r, x0); c01 = madd(c01, r, x1);
        r = _mm256_broadcast_pd((const __m128d *)(a1 + p));
        c10 = madd(c10, r, x0); c11 = madd(c11, r, x1);
        r = _mm256_broadcast_pd((const __m128d *)(a2 + p));
        c20 = madd(c20, r, x0); c21 = madd(c21, r, x1);
        r = _mm256_broadcast_pd((const __m128d *)(a3 + p));
        c30 = madd(c30, r, x0); c31 = madd(c31, r, x1);
      }
      double *po = out + (size_t)i * n + j;
      store2(po, c00, TAIL(a0, b0), TAIL(a0, b1)); store2(po + 2, c01, TAIL(a0, b2), TAIL(a0, b3));
      po += n;
      store2(po, c10, TAIL(a1, b0), TAIL(a1, b1)); store2(po + 2, c11, TAIL(a1, b2), TAIL(a1, b3));
      po += n;
      store2(po, c20, TAIL(a2, b0), TAIL(a2, b1)); store2(po + 2, c21, TAIL(a2, b2), TAIL(a2, b3));
      po += n;
      store2(po, c30, TAIL(a3, b0), TAIL(a3, b1)); store2(po + 2, c31, TAIL(a3, b2), TAIL(a3, b3));
    }
    for (; i < m; i++) { /* the last m mod 4 rows */
      const double *ai = a + (size_t)i * k;
      v4 c0 = _mm256_setzero_pd(), c1 = c0;
      for (int p = 0; p < k2; p += 2) {
        const v4 r = _mm256_broadcast_pd((const __m128d *)(ai + p));
        c0 = madd(c0, r, pairs(b0 + p, b1 + p));
        c1 = madd(c1, r, pairs(b2 + p, b3 + p));
      }
      double *po = out + (size_t)i * n + j;
      store2(po, c0, TAIL(ai, b0), TAIL(ai, b1)); store2(po + 2, c1, TAIL(ai, b2), TAIL(ai, b3));
    }
  }
  for (; j < n2; j += 2) { /* the remaining pairs of columns */
    const double *b0 = b + (size_t)j * k, *b1 = b0 + k;
    for (int i = 0; i < m; i++) {
      const double *ai = a + (size_t)i * k;
      v4 c = _mm256_setzero_pd();
      for (int p = 0; p < k2; p += 2) c = madd(c, _mm256_broadcast_pd((const __m128d *)(ai + p)), pairs(b0 + p, b1 + p));
      store2(out + (size_t)i * n + j, c, TAIL(ai, b0), TAIL(ai, b1));
    }
  }
  if (n2 < n) { /* the last column when n is odd: the same sums, two lanes used of four */
    const double *bj = b + (size_t)n2 * k;
    for (int i = 0; i < m; i++) {
      const double *ai = a + (size_t)i * k;
      double e = 0.0, o = 0.0;
      for (int p = 0; p < k2; p += 2) {
        e += ai[p] * bj[p];
        o += ai[p + 1] * bj[p + 1];
      }
      out[(size_t)i * n + n2] = (e + o) + TAIL(ai, bj);
    }
  }
#undef TAIL
}

/* ---- batch norm: per-column passes over an n×c batch, four columns at a time ---- */

static void bn_stats(const double *x, double *mean, double *var, int n, int c) {
  const int c4 = c & ~3;
  memset(mean, 0, sizeof(double) * c);
  memset(var, 0, sizeof(double) * c);
  for (int i = 0; i < n; i++) {
    const double *xi = x + (size_t)i * c;
    int q = 0;
    for (; q < c4; q += 4) _mm256_storeu_pd(mean + q, _mm256_add_pd(_mm256_loadu_pd(mean + q), _mm256_loadu_pd(xi + q)));
    for (; q < c; q++) mean[q] = mean[q] + xi[q];
  }
  const double invN = 1.0 / (double)n;
  for (int q = 0; q < c; q++) mean[q] = mean[q] * invN;
  for (int i = 0; i < n; i++) {
    const double *xi = x + (size_t)i * c;
    int q = 0;
    for (; q < c4; q += 4) {
      const v4 d = _mm256_sub_pd(_mm256_loadu_pd(xi + q), _mm256_loadu_pd(mean + q));
      _mm256_storeu_pd(var + q, madd(_mm256_loadu_pd(var + q), d, d));
    }
    for (; q < c; q++) {
      const double d = xi[q] - mean[q];
      var[q] = var[q] + d * d;
    }
  }
  for (int q = 0; q < c; q++) var[q] = var[q] * invN;
}

static void bn_normalize(const double *x, const double *mean, const double *invStd, const double *gamma, const double *beta,
                         double *xhat, double *y, int n, int c, int affine) {
  const int c4 = c & ~3;
  for (int i = 0; i < n; i++) {
    const size_t r = (size_t)i * c;
    int q = 0;
    for (; q < c4; q += 4) {
      const v4 h = _mm256_mul_pd(_mm256_sub_pd(_mm256_loadu_pd(x + r + q), _mm256_loadu_pd(mean + q)), _mm256_loadu_pd(invStd + q));
      _mm256_storeu_pd(xhat + r + q, h);
      if (affine) {
        const v4 b = beta ? _mm256_loadu_pd(beta + q) : _mm256_setzero_pd();
        _mm256_storeu_pd(y + r + q, _mm256_add_pd(_mm256_mul_pd(h, _mm256_loadu_pd(gamma + q)), b));
      }
    }
    for (; q < c; q++) {
      const double h = (x[r + q] - mean[q]) * invStd[q];
      xhat[r + q] = h;
      if (affine) y[r + q] = h * gamma[q] + (beta ? beta[q] : 0.0);
    }
  }
}

/* sums: scratch for 4·c numbers */
static void bn_backward(const double *dy, const double *xhat, const double *invStd, const double *gamma, double *dgamma, double *dbeta,
                        double *dx, int n, int c, int affine, int batchStats, double *sums) {
  const int c4 = c & ~3;
  double *sDyXhat = sums, *sDy = sums + c, *sDxhat = sums + 2 * c, *sDxhatXhat = sums + 3 * c;
  memset(sums, 0, sizeof(double) * 4 * c);
  for (int i = 0; i < n; i++) {
    const size_t r = (size_t)i * c;
    int q = 0;
    for (; q < c4; q += 4) {
      const v4 g = _mm256_loadu_pd(dy + r + q), h = _mm256_loadu_pd(xhat + r + q);
      const v4 d = affine ? _mm256_mul_pd(g, _mm256_loadu_pd(gamma + q)) : g;
      _mm256_storeu_pd(dx + r + q, d);
      _mm256_storeu_pd(sDyXhat + q, madd(_mm256_loadu_pd(sDyXhat + q), g, h));
      _mm256_storeu_pd(sDy + q, _mm256_add_pd(_mm256_loadu_pd(sDy + q), g));
      _mm256_storeu_pd(sDxhat + q, _mm256_add_pd(_mm256_loadu_pd(sDxhat + q), d));
      _mm256_storeu_pd(sDxhatXhat + q, madd(_mm256_loadu_pd(sDxhatXhat + q), d, h));
    }
    for (; q < c; q++) {
      const double g = dy[r + q], h = xhat[r + q];
      const double d = affine ? g * gamma[q] : g;
      dx[r + q] = d;
      sDyXhat[q] = sDyXhat[q] + g * h;
      sDy[q] = sDy[q] + g;
      sDxhat[q] = sDxhat[q] + d;
      sDxhatXhat[q] = sDxhatXhat[q] + d * h;
    }
  }
  if (affine) {
    for (int q = 0; q < c; q++) {
      if (dgamma) dgamma[q] = dgamma[q] + sDyXhat[q];
      if (dbeta) dbeta[q] = dbeta[q] + sDy[q];
    }
  }
  if (!batchStats) {
    for (size_t e = 0; e < (size_t)n * c; e++) dx[e] = dx[e] * invStd[e % c];
    return;
  }
  const double nf = (double)n, invN = 1.0 / nf;
  const v4 vn = _mm256_set1_pd(nf), vInvN = _mm256_set1_pd(invN);
  for (int i = 0; i < n; i++) {
    const size_t r = (size_t)i * c;
    int q = 0;
    for (; q < c4; q += 4) {
      const v4 t = _mm256_sub_pd(_mm256_sub_pd(_mm256_mul_pd(vn, _mm256_loadu_pd(dx + r + q)), _mm256_loadu_pd(sDxhat + q)),
                                 _mm256_mul_pd(_mm256_loadu_pd(xhat + r + q), _mm256_loadu_pd(sDxhatXhat + q)));
      _mm256_storeu_pd(dx + r + q, _mm256_mul_pd(t, _mm256_mul_pd(_mm256_loadu_pd(invStd + q), vInvN)));
    }
    for (; q < c; q++) {
      const double t = nf * dx[r + q] - sDxhat[q] - xhat[r + q] * sDxhatXhat[q];
      dx[r + q] = t * (invStd[q] * invN);
    }
  }
}

/* ---- the logistic function: the WebAssembly backend's e^x and σ, lane for lane ---- */

static inline v4 exp_non_positive(v4 a) {
  const v4 shift = _mm256_set1_pd(6755399441055744.0); /* 1.5·2⁵² */
  const v4 t = _mm256_add_pd(_mm256_mul_pd(a, _mm256_set1_pd(1.4426950408889634)), shift);
  const v4 nn = _mm256_sub_pd(t, shift);
  const v4 r = _mm256_sub_pd(_mm256_sub_pd(a, _mm256_mul_pd(nn, _mm256_set1_pd(6.93147180369123816490e-1))),
                             _mm256_mul_pd(nn, _mm256_set1_pd(1.90821492927058770002e-10)));
  v4 p = _mm256_set1_pd(1.0 / 6227020800.0);
  p = madd(_mm256_set1_pd(1.0 / 479001600.0), p, r);
  p = madd(_mm256_set1_pd(1.0 / 39916800.0), p, r);
  p = madd(_mm256_set1_pd(1.0 / 3628800.0), p, r);
  p = madd(_mm256_set1_pd(1.0 / 362880.0), p, r);
  p = madd(_mm256_set1_pd(1.0 / 40320.0), p, r);
  p = madd(_mm256_set1_pd(1.0 / 5040.0), p, r);
  p = madd(_mm256_set1_pd(1.0 / 720.0), p, r);
  p = madd(_mm256_set1_pd(1.0 / 120.0), p, r);
  p = madd(_mm256_set1_pd(1.0 / 24.0), p, r);
  p = madd(_mm256_set1_pd(1.0 / 6.0), p, r);
  p = madd(_mm256_set1_pd(0.5), p, r);
  p = madd(_mm256_set1_pd(1.0), p, r);
  p = madd(_mm256_set1_pd(1.0), p, r);
  const __m256i bits = _mm256_sub_epi64(_mm256_castpd_si256(t), _mm256_castpd_si256(shift));
  const v4 twoN = _mm256_castsi256_pd(_mm256_slli_epi64(_mm256_add_epi64(bits, _mm256_set1_epi64x(1023)), 52));
  const v4 result = _mm256_mul_pd(p, twoN);
  return _mm256_andnot_pd(_mm256_cmp_pd(a, _mm256_set1_pd(-708.0), _CMP_LT_OQ), result);
}

static inline v4 sigmoid4(v4 v) {
  const v4 one = _mm256_set1_pd(1.0);
  const v4 sign = _mm256_set1_pd(-0.0);
  const v4 e = exp_non_positive(_mm256_xor_pd(_mm256_andnot_pd(sign, v), sign)); /* e^(−|x|) */
  const v4 inv = _mm256_div_pd(one, _mm256_add_pd(one, e));
  return _mm256_blendv_pd(_mm256_mul_pd(e, inv), inv, _mm256_cmp_pd(v, _mm256_setzero_pd(), _CMP_GE_OQ));
}

static void sigmoid(const double *x, double *y, size_t len) {
  size_t q = 0;
  for (; q + 4 <= len; q += 4) _mm256_storeu_pd(y + q, sigmoid4(_mm256_loadu_pd(x + q)));
  for (; q < len; q++) {
    double l[4];
    _mm256_storeu_pd(l, sigmoid4(_mm256_set1_pd(x[q])));
    y[q] = l[0];
  }
}

/* ---- the training step's elementwise passes (src/tensor/elementwise.ts, operation for operation) ---- */

static void axpy(double alpha, const double *x, double *y, size_t len) {
  const v4 va = _mm256_set1_pd(alpha);
  size_t i = 0;
  for (; i + 4 <= len; i += 4) _mm256_storeu_pd(y + i, _mm256_add_pd(_mm256_loadu_pd(y + i), _mm256_mul_pd(va, _mm256_loadu_pd(x + i))));
  for (; i < len; i++) y[i] = y[i] + alpha * x[i];
}

static void sum_rows(const double *x, double *out, int rows, int cols) {
  memset(out, 0, sizeof(double) * cols);
  for (int i = 0; i < rows; i++) {
    const double *xi = x + (size_t)i * cols;
    int j = 0;
    for (; j + 4 <= cols; j += 4) _mm256_storeu_pd(out + j, _mm256_add_pd(_mm256_loadu_pd(out + j), _mm256_loadu_pd(xi + j)));
    for (; j < cols; j++) out[j] = out[j] + xi[j];
  }
}

static void add_row(double *x, const double *row, int rows, int cols) {
  for (int i = 0; i < rows; i++) {
    double *xi = x + (size_t)i * cols;
    int j = 0;
    for (; j + 4 <= cols; j += 4) _mm256_storeu_pd(xi + j, _mm256_add_pd(_mm256_loadu_pd(xi + j), _mm256_loadu_pd(row + j)));
    for (; j < cols; j++) xi[j] = xi[j] + row[j];
  }
}

/* dx = (dy·s)·(1 − s), s = y */
static void sigmoid_backward(const double *y, const double *dy, double *dx, size_t len) {
  const v4 one = _mm256_set1_pd(1.0);
  size_t i = 0;
  for (; i + 4 <= len; i += 4) {
    const v4 s = _mm256_loadu_pd(y + i);
    _mm256_storeu_pd(dx + i, _mm256_mul_pd(_mm256_mul_pd(_mm256_loadu_pd(dy + i), s), _mm256_sub_pd(one, s)));
  }
  for (; i < len; i++) dx[i] = (dy[i] * y[i]) * (1.0 - y[i]);
}

/* ---- the convolutional network's passes over NCHW batches (src/tensor/conv-passes.ts, operation for operation) ---- */

/* The output positions ox in [lo, hi) whose input column ox·stride − padding + j lies in [0, w). */
static void inside_range(int w, int ow, int stride, int padding, int j, int *lo, int *hi) {
  const int first = padding - j; /* ox·stride ≥ first */
  int l = first <= 0 ? 0 : stride == 1 ? first : (first + stride - 1) / stride; /* no division for stride 1: it costs more than a row's copy */
  const int end = w + padding - j; /* ox·stride < end */
  int h = end <= 0 ? 0 : stride == 1 ? end : (end + stride - 1) / stride;
  if (l > ow) l = ow;
  if (h > ow) h = ow;
  if (h < l) h = l;
  *lo = l;
  *hi = h;
}

/*
 * im2col and col2im, written once for columns of doubles and of float32 (the
 * float32 convolution's, in conv32): T is the columns' type. im2col copies
 * x (T, n×c×h×w) into cols [n, c·kh·kw, oh·ow], zeros in the padding (whole
 * rows of them above and below the image), a stride-1 run of a row with COPY;
 * col2im sets x (double) to 0, then adds each column entry, as a double, back
 * where it was copied from (LOAD4 reads 4 of them as doubles).
 */
#define DEFINE_IM2COL(name, T, COPY)                                                                                            \
  static void name(const T *x, T *cols, int n, int c, int h, int w, int kh, int kw, int stride, int padding, int oh, int ow) { \
    const size_t p = (size_t)oh * ow, hw = (size_t)h * w;                                                                      \
    for (int s = 0; s < n; s++) {                                                                                              \
      for (int ci = 0; ci < c; ci++) {                                                                                         \
        const T *plane = x + ((size_t)s * c + ci) * hw;                                                                        \
        for (int i = 0; i < kh; i++) {                                                                                         \
          int top, bottom; /* the output rows oy in [top, bottom) read an input row */                                        \
          inside_range(h, oh, stride, padding, i, &top, &bottom);                                                              \
          for (int j = 0; j < kw; j++, cols += p) {                                                                            \
            int lo, hi;                                                                                                        \
            inside_range(w, ow, stride, padding, j, &lo, &hi);                                                                 \
            if (top > 0) memset(cols, 0, sizeof(T) * top * ow);                                                                \
            if (stride == 1 && lo == 0 && hi == ow) { /* every output column reads the row: one copy a row */                  \
              const T *from = plane + (size_t)(top - padding + i) * w + (j - padding);                                         \
              for (int oy = top; oy < bottom; oy++, from += w) COPY(cols + (size_t)oy * ow, from, ow);                         \
            } else {                                                                                                           \
              for (int oy = top; oy < bottom; oy++) {                                                                          \
                T *o = cols + (size_t)oy * ow;                                                                                 \
                const T *row = plane + (size_t)(oy * stride - padding + i) * w; /* input column ox·stride − padding + j */    \
                for (int ox = 0; ox < lo; ox++) o[ox] = 0;                                                                     \
                if (stride == 1) COPY(o + lo, row + (lo - padding + j), hi - lo);                                              \
                else for (int ox = lo; ox < hi; ox++) o[ox] = row[ox * stride - padding + j];                                  \
                for (int ox = hi; ox < ow; ox++) o[ox] = 0;                                                                    \
              }                                                                                                                \
            }                                                                                                                  \
            if (bottom < oh) memset(cols + (size_t)bottom * ow, 0, sizeof(T) * (oh - bottom) * ow);                            \
          }                                                                                                                    \
        }                                                                                                                      \
      }                                                                                                                        \
    }                                                                                                                          \
  }

#define DEFINE_COL2IM(name, T, LOAD4)                                                                                               \
  static void name(const T *cols, double *x, int n, int c, int h, int w, int kh, int kw, int stride, int padding, int oh, int ow) { \
    const size_t p = (size_t)oh * ow, rows = (size_t)c * kh * kw, hw = (size_t)h * w;                                              \
    memset(x, 0, sizeof(double) * n * c * hw);                                                                                      \
    for (int s = 0; s < n; s++) {                                                                                                   \
      for (int ci = 0; ci < c; ci++) {                                                                                              \
        double *plane = x + ((size_t)s * c + ci) * hw;                                                                              \
        for (int i = 0; i < kh; i++) {                                                                                              \
          for (int j = 0; j < kw; j++) {                                                                                            \
            const T *r = cols + ((size_t)s * rows + ((size_t)ci * kh + i) * kw + j) * p;                                            \
            int lo, hi;                                                                                                             \
            inside_range(w, ow, stride, padding, j, &lo, &hi);                                                                      \
            for (int oy = 0; oy < oh; oy++) {                                                                                       \
              const int iy = oy * stride - padding + i;                                                                             \
              if (iy < 0 || iy >= h) continue;                                                                                      \
              double *row = plane + (size_t)iy * w; /* input column ix = ox·stride − padding + j */                                \
              const T *src = r + (size_t)oy * ow;                                                                                   \
              if (stride == 1) {                                                                                                    \
                double *dst = row + (lo - padding + j); /* dst[t]: input column of ox = lo + t */                                  \
                const T *from = src + lo;                                                                                           \
                const int len = hi - lo;                                                                                            \
                int t = 0;                                                                                                          \
                for (; t + 4 <= len; t += 4) _mm256_storeu_pd(dst + t, _mm256_add_pd(_mm256_loadu_pd(dst + t), LOAD4(from + t)));  \
                for (; t < len; t++) dst[t] = dst[t] + (double)from[t];                                                             \
              } else {                                                                                                              \
                for (int ox = lo; ox < hi; ox++) {                                                                                  \
                  const int ix = ox * stride - padding + j;                                                                         \
                  row[ix] = row[ix] + (double)src[ox];                                                                              \
                }                                                                                                                   \
              }                                                                                                                     \
            }                                                                                                                       \
          }                                                                                                                         \
        }                                                                                                                           \
      }                                                                                                                             \
    }                                                                                                                               \
  }

/* len doubles; len floats 8 at a time, the last copy running up to 7 past both ends (written over after it, in
   im2col's order: the floats' x and cols need 7 to spare), as a call to memcpy for each short run of floats
   costs more than the copy. */
#define COPY_DOUBLES(dst, src, len) memcpy(dst, src, sizeof(double) * (len))
#define COPY_FLOATS(dst, src, len) \
  for (int t_ = 0; t_ < (len); t_ += 8) _mm256_storeu_ps((dst) + t_, _mm256_loadu_ps((src) + t_))
#define LOAD4_DOUBLE(q) _mm256_loadu_pd(q)
#define LOAD4_FLOAT(q) _mm256_cvtps_pd(_mm_loadu_ps(q))
DEFINE_IM2COL(im2col, double, COPY_DOUBLES)
DEFINE_IM2COL(im2col_float, float, COPY_FLOATS)
DEFINE_COL2IM(col2im, double, LOAD4_DOUBLE)
DEFINE_COL2IM(col2im_float, float, LOAD4_FLOAT)

static void add_channel_bias(double *x, const double *bias, int n, int c, size_t p) {
  for (int s = 0; s < n; s++) {
    for (int ch = 0; ch < c; ch++) {
      double *xs = x + ((size_t)s * c + ch) * p;
      const v4 vb = _mm256_set1_pd(bias[ch]);
      size_t i = 0;
      for (; i + 4 <= p; i += 4) _mm256_storeu_pd(xs + i, _mm256_add_pd(_mm256_loadu_pd(xs + i), vb));
      for (; i < p; i++) xs[i] = xs[i] + bias[ch];
    }
  }
}

/* (l0 + l1) + (l2 + l3) */
static inline double lane_total(v4 v) {
  double l[4];
  _mm256_storeu_pd(l, v);
  return (l[0] + l[1]) + (l[2] + l[3]);
}

/* lane 0 of acc += x */
static inline v4 add_lane0(v4 acc, double x) {
  double l[4];
  _mm256_storeu_pd(l, acc);
  l[0] = l[0] + x;
  return _mm256_loadu_pd(l);
}

/* acc + channel ch's n·p numbers, in four lanes by position mod 4, each image's tail into lane 0 */
static v4 channel_lanes(v4 acc, const double *x, int n, int c, size_t p, int ch) {
  const size_t p4 = p & ~(size_t)3;
  for (int s = 0; s < n; s++) {
    const double *xs = x + ((size_t)s * c + ch) * p;
    size_t i = 0;
    for (; i < p4; i += 4) acc = _mm256_add_pd(acc, _mm256_loadu_pd(xs + i));
    if (i < p) {
      double l[4];
      _mm256_storeu_pd(l, acc);
      for (; i < p; i++) l[0] = l[0] + xs[i];
      acc = _mm256_loadu_pd(l);
    }
  }
  return acc;
}

/* Σ of channel ch's n·p numbers (channel_lanes' order) */
static double channel_sum(const double *x, int n, int c, size_t p, int ch) { return lane_total(channel_lanes(_mm256_setzero_pd(), x, n, c, p, ch)); }

static void sum_channels(const double *x, double *out, int n, int c, size_t p) {
  for (int ch = 0; ch < c; ch++) out[ch] = channel_sum(x, n, c, p, ch);
}

static void bn2d_stats(const double *x, double *mean, double *var, int n, int c, size_t p) {
  const double invM = 1.0 / (double)((size_t)n * p);
  const size_t p4 = p & ~(size_t)3;
  for (int ch = 0; ch < c; ch++) {
    const double mu = channel_sum(x, n, c, p, ch) * invM;
    const v4 vmu = _mm256_set1_pd(mu);
    v4 acc = _mm256_setzero_pd();
    for (int s = 0; s < n; s++) {
      const double *xs = x + ((size_t)s * c + ch) * p;
      size_t i = 0;
      for (; i < p4; i += 4) {
        const v4 d = _mm256_sub_pd(_mm256_loadu_pd(xs + i), vmu);
        acc = madd(acc, d, d);
      }
      if (i < p) {
        double l[4];
        _mm256_storeu_pd(l, acc);
        for (; i < p; i++) {
          const double d = xs[i] - mu;
          l[0] = l[0] + d * d;
        }
        acc = _mm256_loadu_pd(l);
      }
    }
    mean[ch] = mu;
    var[ch] = lane_total(acc) * invM;
  }
}

static void bn2d_normalize(const double *x, const double *mean, const double *invStd, const double *gamma, const double *beta,
                           double *xhat, double *y, int n, int c, size_t p) {
  for (int s = 0; s < n; s++) {
    for (int ch = 0; ch < c; ch++) {
      const size_t off = ((size_t)s * c + ch) * p;
      const double mu = mean[ch], is = invStd[ch];
      const v4 vmu = _mm256_set1_pd(mu), vis = _mm256_set1_pd(is);
      size_t i = 0;
      for (; i + 4 <= p; i += 4) _mm256_storeu_pd(xhat + off + i, _mm256_mul_pd(_mm256_sub_pd(_mm256_loadu_pd(x + off + i), vmu), vis));
      for (; i < p; i++) xhat[off + i] = (x[off + i] - mu) * is;
      if (!gamma) continue;
      const double g = gamma[ch], b = beta ? beta[ch] : 0.0;
      const v4 vg = _mm256_set1_pd(g), vb = _mm256_set1_pd(b);
      i = 0;
      for (; i + 4 <= p; i += 4) _mm256_storeu_pd(y + off + i, _mm256_add_pd(_mm256_mul_pd(_mm256_loadu_pd(xhat + off + i), vg), vb));
      for (; i < p; i++) y[off + i] = xhat[off + i] * g + b;
    }
  }
}

static void bn2d_backward(const double *dy, const double *xhat, const double *invStd, const double *gamma, double *dgamma, double *dbeta,
                          double *dx, int n, int c, size_t p, int batchStats) {
  const size_t m = (size_t)n * p, p4 = p & ~(size_t)3;
  const double mf = (double)m, invM = 1.0 / mf;
  for (int ch = 0; ch < c; ch++) {
    const double g = gamma ? gamma[ch] : 1.0; /* dxhat = dy·g: without γ, dy·1 is dy exactly */
    const v4 vg = _mm256_set1_pd(g);
    v4 sDyXhat = _mm256_setzero_pd(), sDy = sDyXhat, sDxhat = sDyXhat, sDxhatXhat = sDyXhat;
    for (int s = 0; s < n; s++) {
      const size_t off = ((size_t)s * c + ch) * p;
      size_t i = 0;
      for (; i < p4; i += 4) {
        const v4 e = _mm256_loadu_pd(dy + off + i), h = _mm256_loadu_pd(xhat + off + i);
        const v4 d = _mm256_mul_pd(e, vg);
        sDyXhat = madd(sDyXhat, e, h);
        sDy = _mm256_add_pd(sDy, e);
        sDxhat = _mm256_add_pd(sDxhat, d);
        sDxhatXhat = madd(sDxhatXhat, d, h);
      }
      for (; i < p; i++) {
        const double e = dy[off + i], h = xhat[off + i];
        const double d = e * g;
        sDyXhat = add_lane0(sDyXhat, e * h);
        sDy = add_lane0(sDy, e);
        sDxhat = add_lane0(sDxhat, d);
        sDxhatXhat = add_lane0(sDxhatXhat, d * h);
      }
    }
    if (gamma) {
      if (dgamma) dgamma[ch] = dgamma[ch] + lane_total(sDyXhat);
      if (dbeta) dbeta[ch] = dbeta[ch] + lane_total(sDy);
    }
    const double is = invStd[ch];
    const v4 vis = _mm256_set1_pd(is);
    if (!batchStats) { /* dx = dxhat·invStd */
      for (int s = 0; s < n; s++) {
        const size_t off = ((size_t)s * c + ch) * p;
        size_t i = 0;
        for (; i + 4 <= p; i += 4) {
          const v4 e = _mm256_loadu_pd(dy + off + i);
          _mm256_storeu_pd(dx + off + i, _mm256_mul_pd(_mm256_mul_pd(e, vg), vis));
        }
        for (; i < p; i++) dx[off + i] = dy[off + i] * g * is;
      }
      continue;
    }
    const double sumDxhat = lane_total(sDxhat), sumDxhatXhat = lane_total(sDxhatXhat), scale = is * invM;
    const v4 vm = _mm256_set1_pd(mf), v1 = _mm256_set1_pd(sumDxhat), v2 = _mm256_set1_pd(sumDxhatXhat), vs = _mm256_set1_pd(scale);
    for (int s = 0; s < n; s++) {
      const size_t off = ((size_t)s * c + ch) * p;
      size_t i = 0;
      for (; i + 4 <= p; i += 4) {
        const v4 e = _mm256_loadu_pd(dy + off + i);
        const v4 t = _mm256_sub_pd(_mm256_sub_pd(_mm256_mul_pd(vm, _mm256_mul_pd(e, vg)), v1),
                                   _mm256_mul_pd(_mm256_loadu_pd(xhat + off + i), v2));
        _mm256_storeu_pd(dx + off + i, _mm256_mul_pd(t, vs));
      }
      for (; i < p; i++) dx[off + i] = (mf * (dy[off + i] * g) - sumDxhat - xhat[off + i] * sumDxhatXhat) * scale;
    }
  }
}

static void max_pool2d(const double *x, double *y, int32_t *argmax, int n, int c, int h, int w, int k, int stride, int oh, int ow) {
  const size_t hw = (size_t)h * w;
  size_t o = 0;
  for (size_t plane = 0; plane < (size_t)n * c; plane++) {
    const double *base = x + plane * hw;
    for (int oy = 0; oy < oh; oy++) {
      int ox = 0;
      if (k == 2 && stride == 2) { /* LeNet's pooling: four windows at a time, the loop below's comparisons in its order */
        for (; ox + 4 <= ow; ox += 4, o += 4) {
          v4 best = _mm256_set1_pd(-__builtin_inf());
          const v4 first = _mm256_set_pd(2 * oy * w + 2 * ox + 6, 2 * oy * w + 2 * ox + 4, 2 * oy * w + 2 * ox + 2, 2 * oy * w + 2 * ox);
          v4 at = first;
          for (int i = 0; i < 2; i++) {
            const double *row = base + (size_t)(2 * oy + i) * w + 2 * ox;
            const v4 a = _mm256_loadu_pd(row), b = _mm256_loadu_pd(row + 4);
            const v4 pair[2] = {_mm256_permute4x64_pd(_mm256_unpacklo_pd(a, b), 0xd8), _mm256_permute4x64_pd(_mm256_unpackhi_pd(a, b), 0xd8)};
            for (int j = 0; j < 2; j++) {
              const v4 v = pair[j];
              const v4 take = _mm256_or_pd(_mm256_cmp_pd(v, best, _CMP_GT_OQ), _mm256_cmp_pd(v, v, _CMP_UNORD_Q));
              best = _mm256_blendv_pd(best, v, take);
              at = _mm256_blendv_pd(at, _mm256_add_pd(first, _mm256_set1_pd(i * w + j)), take);
            }
          }
          _mm256_storeu_pd(y + o, best);
          _mm_storeu_si128((__m128i *)(argmax + o), _mm256_cvtpd_epi32(at));
        }
      }
      for (; ox < ow; ox++) {
        const int y0 = oy * stride, x0 = ox * stride;
        double best = -__builtin_inf();
        int32_t at = y0 * w + x0;
        for (int i = 0; i < k; i++) {
          for (int j = 0; j < k; j++) {
            const int32_t idx = (y0 + i) * w + x0 + j;
            const double v = base[idx];
            const int take = (v > best) | (v != v); /* without a branch: random data mispredicts half of them */
            best = take ? v : best;
            at = take ? idx : at;
          }
        }
        y[o] = best;
        argmax[o++] = at;
      }
    }
  }
}

static void max_pool2d_backward(const double *dy, const int32_t *argmax, double *dx, int n, int c, size_t hw, size_t q) {
  size_t o = 0;
  for (size_t plane = 0; plane < (size_t)n * c; plane++) { /* zeroed plane by plane, so that it is in the cache for its sums */
    double *base = dx + plane * hw;
    memset(base, 0, sizeof(double) * hw);
    for (size_t e = 0; e < q; e++, o++) base[argmax[o]] = base[argmax[o]] + dy[o];
  }
}

/* y = x where x > 0, else 0; dx = dy where x > 0, else 0 */
static void relu(const double *x, double *y, size_t len) {
  const v4 zero = _mm256_setzero_pd();
  size_t i = 0;
  for (; i + 4 <= len; i += 4) {
    const v4 v = _mm256_loadu_pd(x + i);
    _mm256_storeu_pd(y + i, _mm256_and_pd(_mm256_cmp_pd(v, zero, _CMP_GT_OQ), v));
  }
  for (; i < len; i++) y[i] = x[i] > 0 ? x[i] : 0.0;
}

static void relu_backward(const double *x, const double *dy, double *dx, size_t len) {
  const v4 zero = _mm256_setzero_pd();
  size_t i = 0;
  for (; i + 4 <= len; i += 4) {
    const v4 gt = _mm256_cmp_pd(_mm256_loadu_pd(x + i), zero, _CMP_GT_OQ);
    _mm256_storeu_pd(dx + i, _mm256_and_pd(gt, _mm256_loadu_pd(dy + i)));
  }
  for (; i < len; i++) dx[i] = x[i] > 0 ? dy[i] : 0.0;
}

#pragma GCC pop_options

/* ------------------------------------------------------------------------ */
/*
 * The opt-in float32 products and logistic function (setPrecision("float32") in
 * src/tensor/backend.ts): the operands are read from the Float64Arrays and rounded
 * to float32 (a product's A in its own layout, its B packed into panels as it is
 * rounded), computed with fused multiply-adds on 8 (AVX2) or 16 (AVX-512) float32
 * lanes, and the float32 results written back as doubles. Nothing above uses
 * these functions, so the float64 passes keep their exact roundings.
 */
#pragma GCC push_options
#pragma GCC target("avx2,fma")

#define NR 16 /* columns of out per block: two AVX2 vectors of 8 float32, or one AVX-512 vector */

static float *pack32 = NULL;
static size_t pack32Size = 0;

/* Grow-on-demand scratch for the rounded operands; NULL when memory runs out. */
static float *pack_space(size_t floats) {
  if (floats > pack32Size || pack32 == NULL) {
    float *grown = (float *)aligned_alloc(64, (floats * sizeof(float) + 64) & ~(size_t)63); /* a panel row is one AVX-512 vector */
    if (grown == NULL) return NULL;
    free(pack32);
    pack32 = grown;
    pack32Size = floats;
  }
  return pack32;
}

/* dst = src rounded to float32, len numbers */
static void to_float(const double *src, float *dst, size_t len) {
  size_t i = 0;
  for (; i + 4 <= len; i += 4) _mm_storeu_ps(dst + i, _mm256_cvtpd_ps(_mm256_loadu_pd(src + i)));
  for (; i < len; i++) dst[i] = (float)src[i];
}

/* 4 numbers of src from index i, as float32: src holds doubles, or floats when f32 */
static inline __m128 load4(const void *src, size_t i, int f32) {
  return f32 ? _mm_loadu_ps((const float *)src + i) : _mm256_cvtpd_ps(_mm256_loadu_pd((const double *)src + i));
}
static inline float load1(const void *src, size_t i, int f32) { return f32 ? ((const float *)src)[i] : (float)((const double *)src)[i]; }

/*
 * `lines` lines of k numbers (element p of line l at src[l·ls + p·ps]; doubles,
 * or floats when f32) rounded to float32 into panels of NR lines, p-major: line
 * l's element p goes to dst[(l / NR)·NR·k + p·NR + l mod NR]; the lanes past the
 * last line are zeros. Lines that lie side by side in memory (ls = 1) are copied
 * 4 at a time; lines each contiguous (ps = 1) are copied 4 elements of 4 lines
 * at a time and transposed.
 */
static void pack_panels(const void *src, size_t ls, size_t ps, int lines, int k, float *dst, int f32) {
  for (int l0 = 0; l0 < lines; l0 += NR) {
    float *d = dst + (size_t)l0 * k;
    const size_t s = (size_t)l0 * ls;
    const int width = lines - l0 < NR ? lines - l0 : NR;
    int l = 0;
    if (width < NR) memset(d, 0, (size_t)NR * k * sizeof(float));
    if (ls == 1) {
      if (f32)
        for (; l + 8 <= width; l += 8)
          for (int p = 0; p < k; p++) _mm256_store_ps(d + (size_t)p * NR + l, _mm256_loadu_ps((const float *)src + s + (size_t)p * ps + l));
      for (; l + 4 <= width; l += 4)
        for (int p = 0; p < k; p++) _mm_store_ps(d + (size_t)p * NR + l, load4(src, s + (size_t)p * ps + l, f32));
    } else if (ps == 1) {
      for (; l + 4 <= width; l += 4) {
        const size_t r = s + (size_t)l * ls;
        int p = 0;
        for (; p + 4 <= k; p += 4) {
          __m128 q0 = load4(src, r + p, f32), q1 = load4(src, r + ls + p, f32);
          __m128 q2 = load4(src, r + 2 * ls + p, f32), q3 = load4(src, r + 3 * ls + p, f32);
          _MM_TRANSPOSE4_PS(q0, q1, q2, q3); /* now q_t holds element p + t of the 4 lines */
          _mm_store_ps(d + (size_t)p * NR + l, q0);
          _mm_store_ps(d + (size_t)(p + 1) * NR + l, q1);
          _mm_store_ps(d + (size_t)(p + 2) * NR + l, q2);
          _mm_store_ps(d + (size_t)(p + 3) * NR + l, q3);
        }
        for (; p < k; p++)
          for (int t = 0; t < 4; t++) d[(size_t)p * NR + l + t] = load1(src, r + t * ls + p, f32);
      }
    }
    for (; l < width; l++) /* the lines left over, one number at a time */
      for (int p = 0; p < k; p++) d[(size_t)p * NR + l] = load1(src, s + l * ls + p * ps, f32);
  }
}

/* e^a for a ≤ 0 in float32 (Cephes' expf: a = n·ln 2 + r, |r| ≤ ln 2 / 2, a degree-7 polynomial for e^r); 0 below −87 */
static inline __m256 exp_non_positive32(__m256 a) {
  const __m256 n = _mm256_round_ps(_mm256_mul_ps(a, _mm256_set1_ps(1.44269504088896341f)), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  const __m256 r = _mm256_fnmadd_ps(n, _mm256_set1_ps(-2.12194440e-4f), _mm256_fnmadd_ps(n, _mm256_set1_ps(0.693359375f), a));
  __m256 p = _mm256_set1_ps(1.9875691500e-4f);
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.3981999507e-3f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(8.3334519073e-3f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(4.1665795894e-2f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.6666665459e-1f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(5.0000001201e-1f));
  p = _mm256_fmadd_ps(p, _mm256_mul_ps(r, r), _mm256_add_ps(r, _mm256_set1_ps(1.0f)));
  const __m256 twoN = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)), 23));
  return _mm256_andnot_ps(_mm256_cmp_ps(a, _mm256_set1_ps(-87.0f), _CMP_LT_OQ), _mm256_mul_ps(p, twoN));
}

/* y = σ(x) in float32, as Sigmoid's reference: 1 / (1 + e^−x) for x ≥ 0, e^x / (1 + e^x) for x < 0 (NaN stays NaN) */
static void sigmoid32(const double *x, double *y, size_t len) {
  for (size_t q = 0; q < len; q += 8) {
    double in[8] = {0}, res[8];
    const size_t count = len - q < 8 ? len - q : 8;
    const double *from = x + q;
    if (count < 8) {
      memcpy(in, from, count * sizeof(double));
      from = in;
    }
    const __m256 v = _mm256_set_m128(_mm256_cvtpd_ps(_mm256_loadu_pd(from + 4)), _mm256_cvtpd_ps(_mm256_loadu_pd(from)));
    const __m256 sign = _mm256_set1_ps(-0.0f), one = _mm256_set1_ps(1.0f);
    const __m256 e = exp_non_positive32(_mm256_or_ps(v, sign)); /* e^(−|x|) */
    const __m256 inv = _mm256_div_ps(one, _mm256_add_ps(one, e));
    const __m256 s = _mm256_blendv_ps(_mm256_mul_ps(e, inv), inv, _mm256_cmp_ps(v, _mm256_setzero_ps(), _CMP_GE_OQ));
    double *to = count < 8 ? res : y + q;
    _mm256_storeu_pd(to, _mm256_cvtps_pd(_mm256_castps256_ps128(s)));
    _mm256_storeu_pd(to + 4, _mm256_cvtps_pd(_mm256_extractf128_ps(s, 1)));
    if (count < 8) memcpy(y + q, res, count * sizeof(double));
  }
}

/* One block of out, MR rows × NR columns, summed in registers over all of p: row r of A at x[r] (its
 * element p at x[r][p·aks]), B's panel at y (NR numbers per p); the sums go to t. */
typedef void Block(const float *const *x, size_t aks, const float *y, int k, float (*t)[NR]);

#define MR_AVX2 6 /* 6 × 2 accumulators + 2 operands + 1 broadcast fit AVX2's 16 vector registers */
static void block_avx2(const float *const *x, size_t aks, const float *y, int k, float (*t)[NR]) {
  const float *x0 = x[0], *x1 = x[1], *x2 = x[2], *x3 = x[3], *x4 = x[4], *x5 = x[5];
  __m256 c00 = _mm256_setzero_ps(), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00;
  __m256 c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
  size_t o = 0;
  for (int p = 0; p < k; p++, o += aks, y += NR) {
    const __m256 y0 = _mm256_load_ps(y), y1 = _mm256_load_ps(y + 8);
    __m256 xr = _mm256_broadcast_ss(x0 + o);
    c00 = _mm256_fmadd_ps(xr, y0, c00); c01 = _mm256_fmadd_ps(xr, y1, c01);
    xr = _mm256_broadcast_ss(x1 + o);
    c10 = _mm256_fmadd_ps(xr, y0, c10); c11 = _mm256_fmadd_ps(xr, y1, c11);
    xr = _mm256_broadcast_ss(x2 + o);
    c20 = _mm256_fmadd_ps(xr, y0, c20); c21 = _mm256_fmadd_ps(xr, y1, c21);
    xr = _mm256_broadcast_ss(x3 + o);
    c30 = _mm256_fmadd_ps(xr, y0, c30); c31 = _mm256_fmadd_ps(xr, y1, c31);
    xr = _mm256_broadcast_ss(x4 + o);
    c40 = _mm256_fmadd_ps(xr, y0, c40); c41 = _mm256_fmadd_ps(xr, y1, c41);
    xr = _mm256_broadcast_ss(x5 + o);
    c50 = _mm256_fmadd_ps(xr, y0, c50); c51 = _mm256_fmadd_ps(xr, y1, c51);
  }
  const __m256 c[MR_AVX2][2] = {{c00, c01}, {c10, c11}, {c20, c21}, {c30, c31}, {c40, c41}, {c50, c51}};
  for (int r = 0; r < MR_AVX2; r++) {
    _mm256_storeu_ps(t[r], c[r][0]);
    _mm256_storeu_ps(t[r] + 8, c[r][1]);
  }
}

/* The same sums on a CPU with AVX-512: one 16-lane vector per row, 8 rows (each lane's sum is the same
 * chain of fused multiply-adds over p, so both blocks give the same bits). */
#define MR_AVX512 8
__attribute__((target("avx2,fma,avx512f"))) static void block_avx512(const float *const *x, size_t aks, const float *y, int k, float (*t)[NR]) {
  const float *x0 = x[0], *x1 = x[1], *x2 = x[2], *x3 = x[3], *x4 = x[4], *x5 = x[5], *x6 = x[6], *x7 = x[7];
  __m512 c0 = _mm512_setzero_ps(), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0;
  size_t o = 0;
  for (int p = 0; p < k; p++, o += aks, y += NR) {
    const __m512 b = _mm512_load_ps(y);
    c0 = _mm512_fmadd_ps(_mm512_set1_ps(x0[o]), b, c0); c1 = _mm512_fmadd_ps(_mm512_set1_ps(x1[o]), b, c1);
    c2 = _mm512_fmadd_ps(_mm512_set1_ps(x2[o]), b, c2); c3 = _mm512_fmadd_ps(_mm512_set1_ps(x3[o]), b, c3);
    c4 = _mm512_fmadd_ps(_mm512_set1_ps(x4[o]), b, c4); c5 = _mm512_fmadd_ps(_mm512_set1_ps(x5[o]), b, c5);
    c6 = _mm512_fmadd_ps(_mm512_set1_ps(x6[o]), b, c6); c7 = _mm512_fmadd_ps(_mm512_set1_ps(x7[o]), b, c7);
  }
  const __m512 c[MR_AVX512] = {c0, c1, c2, c3, c4, c5, c6, c7};
  for (int r = 0; r < MR_AVX512; r++) _mm512_storeu_ps(t[r], c[r]);
}

/* Set at load time: the CPU has AVX-512 (and the system saves its registers), and
   BNLAB_NO_AVX512 is not set (tests set it to run the AVX2 block on such a CPU). */
static int hasAvx512 = 0;

/* Where multiply32 puts out(i, j): */
typedef enum {
  SET,            /* out[i·n + j] = the sum (+ bias[i], when given), a double */
  ADD,            /* out[i·n + j] += the sum, a double */
  ADD_TRANSPOSED, /* out[j·m + i] += the sum, a double */
  SET_FLOAT,      /* out[i·n + j] = the sum, a float32 (out is a float *) */
} Store;

/*
 * out(m×n) = A · B in float32, for A(i, p) = af[i·ars + p·aks] and B packed
 * into panels of NR columns (pack_panels): each block of out is summed over all
 * of p (block_avx2 or block_avx512), then stored as `how` says.
 */
static void multiply32(const float *af, size_t ars, size_t aks, const float *pb, void *out, const double *bias, int m, int k, int n, Store how) {
  const int np_ = (n + NR - 1) / NR, mr = hasAvx512 ? MR_AVX512 : MR_AVX2;
  Block *block = hasAvx512 ? block_avx512 : block_avx2;
  double *od = (double *)out;
  float t[MR_AVX512][NR];
  for (int jp = 0; jp < np_; jp++) {
    const int j0 = jp * NR, width = n - j0 < NR ? n - j0 : NR;
    for (int i0 = 0; i0 < m; i0 += mr) {
      const int height = m - i0 < mr ? m - i0 : mr;
      const float *x[MR_AVX512]; /* the rows of A; past the last row, the last again (its sums are not stored) */
      for (int r = 0; r < mr; r++) x[r] = af + (size_t)(i0 + (r < height ? r : height - 1)) * ars;
      block(x, aks, pb + (size_t)jp * NR * k, k, t);
      for (int r = 0; r < height; r++) {
        const size_t row = (size_t)(i0 + r) * n + j0;
        if (how == SET_FLOAT) {
          float *po = (float *)out + row;
          if (width < NR) memcpy(po, t[r], sizeof(float) * width);
          else for (int j = 0; j < NR; j += 8) _mm256_storeu_ps(po + j, _mm256_loadu_ps(t[r] + j)); /* no call for a whole row */
        } else if (how == ADD_TRANSPOSED) {
          for (int j = 0; j < width; j++) od[(size_t)(j0 + j) * m + i0 + r] += (double)t[r][j];
        } else {
          double *po = od + row;
          const double b = bias ? bias[i0 + r] : 0.0;
          const __m256d vb = _mm256_set1_pd(b);
          int j = 0;
          for (; j + 4 <= width; j += 4) {
            const __m256d v = _mm256_cvtps_pd(_mm_loadu_ps(t[r] + j));
            _mm256_storeu_pd(po + j, how == ADD ? _mm256_add_pd(_mm256_loadu_pd(po + j), v) : bias ? _mm256_add_pd(v, vb) : v);
          }
          for (; j < width; j++) po[j] = how == ADD ? po[j] + (double)t[r][j] : (double)t[r][j] + b;
        }
      }
    }
  }
}

/*
 * out(m×n) (+)= A · B in float32, for A(i, p) = a[i·ars + p·aks] and
 * B(p, j) = b[p·bks + j·bjs], where A's m·k numbers fill a[0, m·k): A rounded
 * to float32 in its own layout, B into panels. Returns 0 when the scratch
 * memory cannot be had.
 */
static int gemm32(const double *a, size_t ars, size_t aks, const double *b, size_t bks, size_t bjs, double *out, int m, int k, int n, int acc) {
  const size_t panels = (size_t)(n + NR - 1) / NR * NR * k;
  float *pb = pack_space(panels + (size_t)m * k);
  if (pb == NULL) return 0;
  pack_panels(b, bjs, bks, n, k, pb, 0);
  to_float(a, pb + panels, (size_t)m * k);
  multiply32(pb + panels, ars, aks, pb, out, NULL, m, k, n, acc ? ADD : SET);
  return 1;
}

/* The sizes of one convolution over a batch: n images of c×h×w, `out` kernels of c×kh×kw, output oh×ow. */
typedef struct {
  int n, c, h, w, out, kh, kw, stride, padding, oh, ow;
} Conv;

/* x[s] in float32 with `padding` zeros around each channel: c planes of (h + 2·padding) × (w + 2·padding) */
static void pad32(const double *x, float *img, const Conv *g) {
  const int hp = g->h + 2 * g->padding, wp = g->w + 2 * g->padding;
  if (g->padding > 0) memset(img, 0, sizeof(float) * (size_t)g->c * hp * wp);
  for (int ci = 0; ci < g->c; ci++)
    for (int iy = 0; iy < g->h; iy++)
      to_float(x + ((size_t)ci * g->h + iy) * g->w, img + ((size_t)ci * hp + iy + g->padding) * wp + g->padding, (size_t)g->w);
}

/* The float32 convolution's passes (conv32): */
typedef enum {
  FORWARD,     /* out = y: y[s] = weight · im2col(x[s]) + bias per channel (bias may be NULL) */
  WEIGHT_GRAD, /* out = dweight: dweight += Σ dy[s] · im2col(x[s])ᵀ, and bias = dbias += Σ dy (bias may be NULL) */
  INPUT_GRAD,  /* out = dx: dx[s] = col2im(weightᵀ · dy[s]) */
} ConvPass;

/*
 * A convolution's pass in float32, image by image, without a float64 column
 * matrix: each image rounded to float32 once (pad32) and unfolded in float32
 * (im2col_float) straight into the product's panels; for the input gradient,
 * the product's float32 columns are added back onto dx as doubles
 * (col2im_float). The bias gradient is summed in doubles in sum_channels'
 * order (so the same numbers) while each image's dy is in the cache. Returns 0
 * when the scratch memory cannot be had.
 */
static int conv32(ConvPass pass, const Conv *g, const double *x, const double *weight, const double *dy, double *bias, double *out) {
  const int rows = g->c * g->kh * g->kw, p = g->oh * g->ow;
  const int hp = g->h + 2 * g->padding, wp = g->w + 2 * g->padding;
  const size_t image = (size_t)g->c * g->h * g->w, q = (size_t)g->out * p;
  const int lines = pass == WEIGHT_GRAD ? g->out : p, k = pass == FORWARD ? rows : pass == WEIGHT_GRAD ? p : g->out;
  const size_t panels = (size_t)(lines + NR - 1) / NR * NR * k; /* B: im2col(x[s]), dy[s]ᵀ or dy[s] */
  const size_t wlen = pass == WEIGHT_GRAD ? 0 : (size_t)g->out * rows, cols = (size_t)rows * p;
  const size_t padded = pass == INPUT_GRAD ? 0 : (size_t)g->c * hp * wp + 8;
  float *pb = pack_space(panels + wlen + cols + 8 + padded); /* cols and the padded image with im2col_float's 7 to spare */
  double *lanes = pass == WEIGHT_GRAD && bias ? calloc(4 * (size_t)g->out, sizeof(double)) : NULL; /* the bias gradient's partial sums */
  if (pb == NULL || (pass == WEIGHT_GRAD && bias && lanes == NULL)) return 0;
  float *wf = pb + panels, *cf = wf + wlen, *img = cf + cols + 8;
  to_float(weight, wf, wlen);
  for (int s = 0; s < g->n; s++) {
    const double *dys = pass == FORWARD ? NULL : dy + (size_t)s * q;
    if (pass == INPUT_GRAD) { /* cols = weightᵀ · dy[s], then added back onto dx[s] */
      pack_panels(dys, 1, p, p, g->out, pb, 0);
      multiply32(wf, 1, rows, pb, cf, NULL, rows, g->out, p, SET_FLOAT);
      col2im_float(cf, out + (size_t)s * image, 1, g->c, g->h, g->w, g->kh, g->kw, g->stride, g->padding, g->oh, g->ow);
      continue;
    }
    pad32(x + (size_t)s * image, img, g); /* unfolded with its padding: every row whole, one copy each */
    im2col_float(img, cf, 1, g->c, hp, wp, g->kh, g->kw, g->stride, 0, g->oh, g->ow);
    if (pass == FORWARD) {
      pack_panels(cf, 1, p, p, rows, pb, 1); /* B = im2col(x[s]) */
      multiply32(wf, rows, 1, pb, out + (size_t)s * q, bias, g->out, rows, p, SET);
      continue;
    }
    pack_panels(dys, p, 1, g->out, p, pb, 0); /* dweightᵀ += im2col(x[s]) · dy[s]ᵀ */
    multiply32(cf, p, 1, pb, out, NULL, rows, p, g->out, ADD_TRANSPOSED);
    for (int ch = 0; lanes && ch < g->out; ch++)
      _mm256_storeu_pd(lanes + 4 * ch, channel_lanes(_mm256_loadu_pd(lanes + 4 * ch), dys, 1, g->out, (size_t)p, ch));
  }
  if (lanes) {
    for (int ch = 0; ch < g->out; ch++) bias[ch] = bias[ch] + lane_total(_mm256_loadu_pd(lanes + 4 * ch));
    free(lanes);
  }
  return 1;
}

#pragma GCC pop_options
#endif /* BNLAB_X86 */

/* ------------------------------------------------------------------------ */
/* Node-API glue: arguments are Float64Arrays (or null) and integers */

typedef struct {
  napi_env env;
  napi_value *argv;
  const char *fn;
  int failed;
} Args;

static void fail(Args *A, const char *message) {
  if (A->failed) return;
  A->failed = 1;
  char text[200];
  snprintf(text, sizeof text, "bnlab native backend: %s: %s", A->fn, message);
  napi_throw_range_error(A->env, NULL, text);
}

static int integer(Args *A, int i) {
  int32_t v = 0;
  if (napi_get_value_int32(A->env, A->argv[i], &v) != napi_ok || v < 0) fail(A, "sizes must be non-negative integers");
  return v;
}

/* A Float64Array argument with at least `need` entries (null allowed when nullable). */
static double *array(Args *A, int i, size_t need, int nullable) {
  napi_valuetype t;
  napi_typeof(A->env, A->argv[i], &t);
  if (nullable && (t == napi_null || t == napi_undefined)) return NULL;
  bool is = false;
  napi_is_typedarray(A->env, A->argv[i], &is);
  napi_typedarray_type type;
  size_t length = 0;
  void *data = NULL;
  if (!is || napi_get_typedarray_info(A->env, A->argv[i], &type, &length, &data, NULL, NULL) != napi_ok || type != napi_float64_array) {
    fail(A, "expected a Float64Array");
    return NULL;
  }
  if (length < need) {
    fail(A, "an array is shorter than its sizes say");
    return NULL;
  }
  return (double *)data;
}

/* up to `count` arguments, of which the first `required` must be given (the rest read as undefined) */
#define ARGS(name, count, required)                              \
  size_t argc = count;                                           \
  napi_value argv[count];                                        \
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);          \
  Args A = {env, argv, name, 0};                                 \
  if (argc < (required)) {                                       \
    fail(&A, "too few arguments");                               \
    return NULL;                                                 \
  }

#if BNLAB_X86
/* matmul(a, b, out, m, k, n), matmulTransA(a, b, out, m, k, n, accumulate?), matmulTransB(a, b, out, m, k, n) */
static napi_value product(napi_env env, napi_callback_info info, int which) {
  ARGS(which == 0 ? "matmul" : which == 1 ? "matmulTransA" : "matmulTransB", 7, 6)
  const int m = integer(&A, 3), k = integer(&A, 4), n = integer(&A, 5);
  bool accumulate = false;
  if (which == 1) napi_get_value_bool(env, argv[6], &accumulate);
  const size_t aLen = (size_t)m * k, bLen = (size_t)k * n, outLen = (size_t)m * n;
  const double *a = array(&A, 0, aLen, 0), *b = array(&A, 1, bLen, 0);
  double *out = array(&A, 2, outLen, 0);
  if (A.failed || outLen == 0) return NULL;
  if (which == 0) panels(a, (size_t)k, 1, b, out, m, k, n, 0);
  else if (which == 1) panels(a, 1, (size_t)m, b, out, m, k, n, accumulate);
  else matmul_trans_b(a, b, out, m, k, n);
  return NULL;
}
static napi_value js_matmul(napi_env env, napi_callback_info info) { return product(env, info, 0); }
static napi_value js_matmul_trans_a(napi_env env, napi_callback_info info) { return product(env, info, 1); }
static napi_value js_matmul_trans_b(napi_env env, napi_callback_info info) { return product(env, info, 2); }

/* matmul32(a, b, out, m, k, n), matmulTransA32(…, accumulate?), matmulTransB32(…): the same products in float32 */
static napi_value product32(napi_env env, napi_callback_info info, int which) {
  ARGS(which == 0 ? "matmul32" : which == 1 ? "matmulTransA32" : "matmulTransB32", 7, 6)
  const int m = integer(&A, 3), k = integer(&A, 4), n = integer(&A, 5);
  bool accumulate = false;
  if (which == 1) napi_get_value_bool(env, argv[6], &accumulate);
  const size_t aLen = (size_t)m * k, bLen = (size_t)k * n, outLen = (size_t)m * n;
  const double *a = array(&A, 0, aLen, 0), *b = array(&A, 1, bLen, 0);
  double *out = array(&A, 2, outLen, 0);
  if (A.failed || outLen == 0) return NULL;
  int ok;
  if (which == 0) ok = gemm32(a, (size_t)k, 1, b, (size_t)n, 1, out, m, k, n, 0);
  else if (which == 1) ok = gemm32(a, 1, (size_t)m, b, (size_t)n, 1, out, m, k, n, accumulate);
  else ok = gemm32(a, (size_t)k, 1, b, 1, (size_t)k, out, m, k, n, 0);
  if (!ok) napi_throw_error(env, NULL, "bnlab native backend: a float32 product could not allocate its packing memory");
  return NULL;
}
static napi_value js_matmul32(napi_env env, napi_callback_info info) { return product32(env, info, 0); }
static napi_value js_matmul_trans_a32(napi_env env, napi_callback_info info) { return product32(env, info, 1); }
static napi_value js_matmul_trans_b32(napi_env env, napi_callback_info info) { return product32(env, info, 2); }

/* batchNormStats(x, mean, variance, n, c) */
static napi_value js_bn_stats(napi_env env, napi_callback_info info) {
  ARGS("batchNormStats", 5, 5)
  const int n = integer(&A, 3), c = integer(&A, 4);
  const double *x = array(&A, 0, (size_t)n * c, 0);
  double *mean = array(&A, 1, c, 0), *var = array(&A, 2, c, 0);
  if (A.failed || c == 0) return NULL;
  bn_stats(x, mean, var, n, c);
  return NULL;
}

/* batchNormNormalize(x, mean, invStd, gamma|null, beta|null, xhat, y, n, c) */
static napi_value js_bn_normalize(napi_env env, napi_callback_info info) {
  ARGS("batchNormNormalize", 9, 9)
  const int n = integer(&A, 7), c = integer(&A, 8);
  const size_t nc = (size_t)n * c;
  const double *x = array(&A, 0, nc, 0), *mean = array(&A, 1, c, 0), *invStd = array(&A, 2, c, 0);
  const double *gamma = array(&A, 3, c, 1), *beta = array(&A, 4, c, 1);
  double *xhat = array(&A, 5, nc, 0);
  double *y = gamma ? array(&A, 6, nc, 0) : NULL;
  if (A.failed || nc == 0) return NULL;
  bn_normalize(x, mean, invStd, gamma, beta, xhat, y, n, c, gamma != NULL);
  return NULL;
}

/* batchNormBackward(dy, xhat, invStd, gamma|null, dgamma|null, dbeta|null, dx, n, c, batchStats) */
static napi_value js_bn_backward(napi_env env, napi_callback_info info) {
  ARGS("batchNormBackward", 10, 10)
  const int n = integer(&A, 7), c = integer(&A, 8);
  const size_t nc = (size_t)n * c;
  bool batchStats = false;
  napi_get_value_bool(env, argv[9], &batchStats);
  const double *dy = array(&A, 0, nc, 0), *xhat = array(&A, 1, nc, 0), *invStd = array(&A, 2, c, 0);
  const double *gamma = array(&A, 3, c, 1);
  double *dgamma = array(&A, 4, c, 1), *dbeta = array(&A, 5, c, 1), *dx = array(&A, 6, nc, 0);
  if (A.failed || nc == 0) return NULL;
  double *sums = malloc(sizeof(double) * 4 * (size_t)c);
  if (sums == NULL) {
    fail(&A, "out of memory for the column sums");
    return NULL;
  }
  bn_backward(dy, xhat, invStd, gamma, gamma ? dgamma : NULL, gamma ? dbeta : NULL, dx, n, c, gamma != NULL, batchStats, sums);
  free(sums);
  return NULL;
}

/* sigmoid(x, y, len), and sigmoid32(x, y, len) in float32 */
static napi_value sigmoid_op(napi_env env, napi_callback_info info, int f32) {
  ARGS(f32 ? "sigmoid32" : "sigmoid", 3, 3)
  const int len = integer(&A, 2);
  const double *x = array(&A, 0, len, 0);
  double *y = array(&A, 1, len, 0);
  if (A.failed) return NULL;
  if (f32) sigmoid32(x, y, (size_t)len);
  else sigmoid(x, y, (size_t)len);
  return NULL;
}
static napi_value js_sigmoid(napi_env env, napi_callback_info info) { return sigmoid_op(env, info, 0); }
static napi_value js_sigmoid32(napi_env env, napi_callback_info info) { return sigmoid_op(env, info, 1); }
/* axpy(alpha, x, y, len) */
static napi_value js_axpy(napi_env env, napi_callback_info info) {
  ARGS("axpy", 4, 4)
  double alpha = 0;
  if (napi_get_value_double(env, argv[0], &alpha) != napi_ok) fail(&A, "alpha must be a number");
  const int len = integer(&A, 3);
  const double *x = array(&A, 1, len, 0);
  double *y = array(&A, 2, len, 0);
  if (A.failed) return NULL;
  axpy(alpha, x, y, (size_t)len);
  return NULL;
}

/* sumRows(x, out, rows, cols) and addRow(x, row, rows, cols) */
static napi_value rows_op(napi_env env, napi_callback_info info, int add) {
  ARGS(add ? "addRow" : "sumRows", 4, 4)
  const int rows = integer(&A, 2), cols = integer(&A, 3);
  double *x = array(&A, 0, (size_t)rows * cols, 0);
  double *v = array(&A, 1, cols, 0);
  if (A.failed) return NULL;
  if (add) add_row(x, v, rows, cols);
  else sum_rows(x, v, rows, cols);
  return NULL;
}
static napi_value js_sum_rows(napi_env env, napi_callback_info info) { return rows_op(env, info, 0); }
static napi_value js_add_row(napi_env env, napi_callback_info info) { return rows_op(env, info, 1); }

/* sigmoidBackward(y, dy, dx, len) */
static napi_value js_sigmoid_backward(napi_env env, napi_callback_info info) {
  ARGS("sigmoidBackward", 4, 4)
  const int len = integer(&A, 3);
  const double *y = array(&A, 0, len, 0), *dy = array(&A, 1, len, 0);
  double *dx = array(&A, 2, len, 0);
  if (A.failed) return NULL;
  sigmoid_backward(y, dy, dx, (size_t)len);
  return NULL;
}

/* ---- the convolutional passes ---- */

/* An Int32Array argument with at least `need` entries. */
static int32_t *int_array(Args *A, int i, size_t need) {
  bool is = false;
  napi_is_typedarray(A->env, A->argv[i], &is);
  napi_typedarray_type type;
  size_t length = 0;
  void *data = NULL;
  if (!is || napi_get_typedarray_info(A->env, A->argv[i], &type, &length, &data, NULL, NULL) != napi_ok || type != napi_int32_array) {
    fail(A, "expected an Int32Array");
    return NULL;
  }
  if (length < need) {
    fail(A, "an array is shorter than its sizes say");
    return NULL;
  }
  return (int32_t *)data;
}

/* ⌊(size + 2·padding − k) / stride⌋ + 1, which must be ≥ 1 (0 after a failure) */
static int out_size(Args *A, int size, int k, int stride, int padding) {
  if (A->failed) return 0;
  if (k < 1 || stride < 1) {
    fail(A, "kernel sizes and strides must be at least 1");
    return 0;
  }
  const long long span = (long long)size + 2LL * padding - k;
  if (span < 0) {
    fail(A, "the window does not fit in the padded input");
    return 0;
  }
  return (int)(span / stride) + 1;
}

/* im2col(x, cols, n, c, h, w, kh, kw, stride, padding) and col2im(cols, x, …) */
static napi_value columns_op(napi_env env, napi_callback_info info, int back) {
  ARGS(back ? "col2im" : "im2col", 10, 10)
  const int n = integer(&A, 2), c = integer(&A, 3), h = integer(&A, 4), w = integer(&A, 5);
  const int kh = integer(&A, 6), kw = integer(&A, 7), stride = integer(&A, 8), padding = integer(&A, 9);
  const int oh = out_size(&A, h, kh, stride, padding), ow = out_size(&A, w, kw, stride, padding);
  const size_t xLen = (size_t)n * c * h * w, colsLen = (size_t)n * c * kh * kw * oh * ow;
  double *first = array(&A, 0, back ? colsLen : xLen, 0);
  double *second = array(&A, 1, back ? xLen : colsLen, 0);
  if (A.failed) return NULL;
  if (back) col2im(first, second, n, c, h, w, kh, kw, stride, padding, oh, ow);
  else im2col(first, second, n, c, h, w, kh, kw, stride, padding, oh, ow);
  return NULL;
}
static napi_value js_im2col(napi_env env, napi_callback_info info) { return columns_op(env, info, 0); }
static napi_value js_col2im(napi_env env, napi_callback_info info) { return columns_op(env, info, 1); }

/*
 * conv2d32(x, weight, bias|null, y, n, c, h, w, out, kh, kw, stride, padding),
 * conv2dWeightGrad32(x, dy, dWeight, dBias|null, n, …) and conv2dInputGrad32(weight, dy, dx, n, …): conv32
 */
static napi_value conv_op(napi_env env, napi_callback_info info, ConvPass pass) {
  ARGS(pass == FORWARD ? "conv2d32" : pass == WEIGHT_GRAD ? "conv2dWeightGrad32" : "conv2dInputGrad32", 13, pass == INPUT_GRAD ? 12 : 13)
  const int o = pass == INPUT_GRAD ? 3 : 4; /* where the sizes start */
  Conv g;
  g.n = integer(&A, o); g.c = integer(&A, o + 1); g.h = integer(&A, o + 2); g.w = integer(&A, o + 3); g.out = integer(&A, o + 4);
  g.kh = integer(&A, o + 5); g.kw = integer(&A, o + 6); g.stride = integer(&A, o + 7); g.padding = integer(&A, o + 8);
  g.oh = out_size(&A, g.h, g.kh, g.stride, g.padding);
  g.ow = out_size(&A, g.w, g.kw, g.stride, g.padding);
  const size_t rows = (size_t)g.c * g.kh * g.kw, xLen = (size_t)g.n * g.c * g.h * g.w, yLen = (size_t)g.n * g.out * g.oh * g.ow;
  const double *x = NULL, *weight = NULL, *dy = NULL;
  double *bias = NULL, *out = NULL;
  if (pass == FORWARD) {
    x = array(&A, 0, xLen, 0); weight = array(&A, 1, g.out * rows, 0); bias = array(&A, 2, g.out, 1); out = array(&A, 3, yLen, 0);
  } else if (pass == WEIGHT_GRAD) {
    x = array(&A, 0, xLen, 0); dy = array(&A, 1, yLen, 0); out = array(&A, 2, g.out * rows, 0); bias = array(&A, 3, g.out, 1);
  } else {
    weight = array(&A, 0, g.out * rows, 0); dy = array(&A, 1, yLen, 0); out = array(&A, 2, xLen, 0);
  }
  if (A.failed) return NULL;
  if (!conv32(pass, &g, x, weight, dy, bias, out)) napi_throw_error(env, NULL, "bnlab native backend: a float32 convolution could not allocate its packing memory");
  return NULL;
}
static napi_value js_conv2d32(napi_env env, napi_callback_info info) { return conv_op(env, info, FORWARD); }
static napi_value js_conv2d_weight_grad32(napi_env env, napi_callback_info info) { return conv_op(env, info, WEIGHT_GRAD); }
static napi_value js_conv2d_input_grad32(napi_env env, napi_callback_info info) { return conv_op(env, info, INPUT_GRAD); }

/* addChannelBias(x, bias, n, c, p) and sumChannels(x, out, n, c, p) */
static napi_value channels_op(napi_env env, napi_callback_info info, int add) {
  ARGS(add ? "addChannelBias" : "sumChannels", 5, 5)
  const int n = integer(&A, 2), c = integer(&A, 3), p = integer(&A, 4);
  double *x = array(&A, 0, (size_t)n * c * p, 0);
  double *v = array(&A, 1, c, 0);
  if (A.failed) return NULL;
  if (add) add_channel_bias(x, v, n, c, (size_t)p);
  else sum_channels(x, v, n, c, (size_t)p);
  return NULL;
}
static napi_value js_add_channel_bias(napi_env env, napi_callback_info info) { return channels_op(env, info, 1); }
static napi_value js_sum_channels(napi_env env, napi_callback_info info) { return channels_op(env, info, 0); }

/* batchNorm2dStats(x, mean, variance, n, c, p) */
static napi_value js_bn2d_stats(napi_env env, napi_callback_info info) {
  ARGS("batchNorm2dStats", 6, 6)
  const int n = integer(&A, 3), c = integer(&A, 4), p = integer(&A, 5);
  const double *x = array(&A, 0, (size_t)n * c * p, 0);
  double *mean = array(&A, 1, c, 0), *var = array(&A, 2, c, 0);
  if (A.failed) return NULL;
  bn2d_stats(x, mean, var, n, c, (size_t)p);
  return NULL;
}

/* batchNorm2dNormalize(x, mean, invStd, gamma|null, beta|null, xhat, y, n, c, p) */
static napi_value js_bn2d_normalize(napi_env env, napi_callback_info info) {
  ARGS("batchNorm2dNormalize", 10, 10)
  const int n = integer(&A, 7), c = integer(&A, 8), p = integer(&A, 9);
  const size_t len = (size_t)n * c * p;
  const double *x = array(&A, 0, len, 0), *mean = array(&A, 1, c, 0), *invStd = array(&A, 2, c, 0);
  const double *gamma = array(&A, 3, c, 1), *beta = array(&A, 4, c, 1);
  double *xhat = array(&A, 5, len, 0);
  double *y = gamma ? array(&A, 6, len, 0) : NULL;
  if (A.failed) return NULL;
  bn2d_normalize(x, mean, invStd, gamma, beta, xhat, y, n, c, (size_t)p);
  return NULL;
}

/* batchNorm2dBackward(dy, xhat, invStd, gamma|null, dgamma|null, dbeta|null, dx, n, c, p, batchStats) */
static napi_value js_bn2d_backward(napi_env env, napi_callback_info info) {
  ARGS("batchNorm2dBackward", 11, 11)
  const int n = integer(&A, 7), c = integer(&A, 8), p = integer(&A, 9);
  const size_t len = (size_t)n * c * p;
  bool batchStats = false;
  napi_get_value_bool(env, argv[10], &batchStats);
  const double *dy = array(&A, 0, len, 0), *xhat = array(&A, 1, len, 0), *invStd = array(&A, 2, c, 0);
  const double *gamma = array(&A, 3, c, 1);
  double *dgamma = array(&A, 4, c, 1), *dbeta = array(&A, 5, c, 1), *dx = array(&A, 6, len, 0);
  if (A.failed) return NULL;
  bn2d_backward(dy, xhat, invStd, gamma, gamma ? dgamma : NULL, gamma ? dbeta : NULL, dx, n, c, (size_t)p, batchStats);
  return NULL;
}

/* maxPool2d(x, y, argmax, n, c, h, w, k, stride) and maxPool2dBackward(dy, argmax, dx, n, c, h, w, k, stride) */
static napi_value pool_op(napi_env env, napi_callback_info info, int back) {
  ARGS(back ? "maxPool2dBackward" : "maxPool2d", 9, 9)
  const int n = integer(&A, 3), c = integer(&A, 4), h = integer(&A, 5), w = integer(&A, 6), k = integer(&A, 7), stride = integer(&A, 8);
  const int oh = out_size(&A, h, k, stride, 0), ow = out_size(&A, w, k, stride, 0);
  const size_t hw = (size_t)h * w, q = (size_t)oh * ow, inLen = (size_t)n * c * hw, outLen = (size_t)n * c * q;
  if (!back) {
    const double *x = array(&A, 0, inLen, 0);
    double *y = array(&A, 1, outLen, 0);
    int32_t *argmax = int_array(&A, 2, outLen);
    if (A.failed) return NULL;
    max_pool2d(x, y, argmax, n, c, h, w, k, stride, oh, ow);
    return NULL;
  }
  const double *dy = array(&A, 0, outLen, 0);
  const int32_t *argmax = int_array(&A, 1, outLen);
  double *dx = array(&A, 2, inLen, 0);
  if (A.failed) return NULL;
  for (size_t o = 0; o < outLen; o++) {
    if (argmax[o] < 0 || (size_t)argmax[o] >= hw) {
      fail(&A, "an argmax is not a position in the image");
      return NULL;
    }
  }
  max_pool2d_backward(dy, argmax, dx, n, c, hw, q);
  return NULL;
}
static napi_value js_max_pool2d(napi_env env, napi_callback_info info) { return pool_op(env, info, 0); }
static napi_value js_max_pool2d_backward(napi_env env, napi_callback_info info) { return pool_op(env, info, 1); }

/* relu(x, y, len) */
static napi_value js_relu(napi_env env, napi_callback_info info) {
  ARGS("relu", 3, 3)
  const int len = integer(&A, 2);
  const double *x = array(&A, 0, len, 0);
  double *y = array(&A, 1, len, 0);
  if (A.failed) return NULL;
  relu(x, y, (size_t)len);
  return NULL;
}

/* reluBackward(x, dy, dx, len) */
static napi_value js_relu_backward(napi_env env, napi_callback_info info) {
  ARGS("reluBackward", 4, 4)
  const int len = integer(&A, 3);
  const double *x = array(&A, 0, len, 0), *dy = array(&A, 1, len, 0);
  double *dx = array(&A, 2, len, 0);
  if (A.failed) return NULL;
  relu_backward(x, dy, dx, (size_t)len);
  return NULL;
}
#endif /* BNLAB_X86 */

/* ------------------------------------------------------------------------ */
/*
 * Large activations without page faults. A training step allocates a few
 * arrays of megabytes (a convolution's output, its gradient, …) and frees the
 * last step's. glibc's malloc serves each with a fresh mmap, or trims the freed
 * heap back to the system, so every page of every array is faulted in again
 * on every step. Kept in the heap instead (served from memory up to 32 MB an
 * array, and up to 64 MB of freed memory kept for the next step), they reuse
 * the same pages.
 */
#if defined(__GLIBC__)
#include <malloc.h>
static void keep_freed_memory(void) {
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  mallopt(M_TRIM_THRESHOLD, 64 << 20);
}
#else
static void keep_freed_memory(void) {}
#endif

static void set(napi_env env, napi_value exports, const char *name, napi_callback fn) {
  napi_value f;
  napi_create_function(env, name, NAPI_AUTO_LENGTH, fn, NULL, &f);
  napi_set_named_property(env, exports, name, f);
}

static napi_value init(napi_env env, napi_value exports) {
  napi_value hash, usable;
  napi_create_string_utf8(env, BNLAB_SOURCE_HASH, NAPI_AUTO_LENGTH, &hash);
  napi_set_named_property(env, exports, "sourceHash", hash);
  int avx2 = 0;
#if BNLAB_X86
  __builtin_cpu_init();
  avx2 = __builtin_cpu_supports("avx2");
  if (avx2) {
    keep_freed_memory();
    set(env, exports, "matmul", js_matmul);
    set(env, exports, "matmulTransA", js_matmul_trans_a);
    set(env, exports, "matmulTransB", js_matmul_trans_b);
    set(env, exports, "batchNormStats", js_bn_stats);
    set(env, exports, "batchNormNormalize", js_bn_normalize);
    set(env, exports, "batchNormBackward", js_bn_backward);
    set(env, exports, "sigmoid", js_sigmoid);
    set(env, exports, "axpy", js_axpy);
    set(env, exports, "sumRows", js_sum_rows);
    set(env, exports, "addRow", js_add_row);
    set(env, exports, "sigmoidBackward", js_sigmoid_backward);
    set(env, exports, "im2col", js_im2col);
    set(env, exports, "col2im", js_col2im);
    set(env, exports, "addChannelBias", js_add_channel_bias);
    set(env, exports, "sumChannels", js_sum_channels);
    set(env, exports, "batchNorm2dStats", js_bn2d_stats);
    set(env, exports, "batchNorm2dNormalize", js_bn2d_normalize);
    set(env, exports, "batchNorm2dBackward", js_bn2d_backward);
    set(env, exports, "maxPool2d", js_max_pool2d);
    set(env, exports, "maxPool2dBackward", js_max_pool2d_backward);
    set(env, exports, "relu", js_relu);
    set(env, exports, "reluBackward", js_relu_backward);
  }
  if (avx2 && __builtin_cpu_supports("fma")) {
    hasAvx512 = __builtin_cpu_supports("avx512f") && getenv("BNLAB_NO_AVX512") == NULL;
    set(env, exports, "matmul32", js_matmul32);
    set(env, exports, "matmulTransA32", js_matmul_trans_a32);
    set(env, exports, "matmulTransB32", js_matmul_trans_b32);
    set(env, exports, "sigmoid32", js_sigmoid32);
    set(env, exports, "conv2d32", js_conv2d32);
    set(env, exports, "conv2dWeightGrad32", js_conv2d_weight_grad32);
    set(env, exports, "conv2dInputGrad32", js_conv2d_input_grad32);
  }
#endif
  napi_get_boolean(env, avx2 != 0, &usable);
  napi_set_named_property(env, exports, "usable", usable);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
