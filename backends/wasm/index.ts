// The WebAssembly backend of bnlab, in AssemblyScript (f64x2 SIMD): the matrix
// products, and the fused batch-norm passes.
//
// Built by `npm run build:wasm` into src/tensor/wasm/backend.wasm, which
// src/tensor/backend-wasm.ts loads. Every function takes byte offsets into this
// module's memory (row-major f64 arrays) and sizes, and writes `out` whole; it
// computes the same sums as the plain TypeScript backend in src/tensor/backend.ts
// (matmul and matmulTransA in the same order, so bit for bit; matmulTransB
// with two partial sums per dot product; the batch-norm passes bit for bit,
// two columns at a time).
//
// Register blocking: each micro-kernel keeps 8 f64x2 accumulators (V8 has 16
// vector registers on x64; more accumulators spill and halve the speed), and
// the loops run over column panels outermost, so that the K×4 (or 2×K) slice of
// b a panel needs stays in L1 while every row of a streams past it.

/** The first byte that the module's own data does not use: JS puts its operands from here on. */
export function heapBase(): usize {
  return __heap_base;
}

/** out(m×n) = a(m×k) · b(k×n) */
export function matmul(a: usize, b: usize, out: usize, m: i32, k: i32, n: i32): void {
  // a's rows i..i+3 start rowA bytes apart; a's entries along k are 8 bytes apart.
  panels(a, <usize>k << 3, 8, b, out, m, k, n, false);
}

/** out(m×n) = aᵀ · b (or out += aᵀ · b when accumulate ≠ 0), where a is (k×m) and b is (k×n) */
export function matmulTransA(a: usize, b: usize, out: usize, m: i32, k: i32, n: i32, accumulate: i32): void {
  // aᵀ's rows are a's columns: 8 bytes apart; along k they are m·8 bytes apart.
  if (accumulate) panels(a, 8, <usize>m << 3, b, out, m, k, n, true);
  else panels(a, 8, <usize>m << 3, b, out, m, k, n, false);
}

/**
 * out(m×n) = A · b for an A (m×k) whose entry (i, p) is at a + i·rowStep + p·kStep:
 * 4×4 blocks of out (8 accumulators), 4 columns of b at a time.
 */
// @ts-ignore: decorator
@inline
function panels(a: usize, rowStep: usize, kStep: usize, b: usize, out: usize, m: i32, k: i32, n: i32, acc: bool): void {
  const rowB = <usize>n << 3;
  const n4 = n & ~3;
  const m4 = m & ~3;
  for (let j = 0; j < n4; j += 4) {
    const bj = b + (<usize>j << 3);
    let i = 0;
    for (; i < m4; i += 4) {
      const po = out + ((<usize>i * n + j) << 3);
      let c00 = f64x2.splat(0), c01 = f64x2.splat(0);
      let c10 = f64x2.splat(0), c11 = f64x2.splat(0);
      let c20 = f64x2.splat(0), c21 = f64x2.splat(0);
      let c30 = f64x2.splat(0), c31 = f64x2.splat(0);
      if (acc) {
        c00 = v128.load(po); c01 = v128.load(po, 16);
        c10 = v128.load(po + rowB); c11 = v128.load(po + rowB, 16);
        c20 = v128.load(po + 2 * rowB); c21 = v128.load(po + 2 * rowB, 16);
        c30 = v128.load(po + 3 * rowB); c31 = v128.load(po + 3 * rowB, 16);
      }
      let pa = a + <usize>i * rowStep;
      let pb = bj;
      for (let p = 0; p < k; p++) {
        const b0 = v128.load(pb);
        const b1 = v128.load(pb, 16);
        const a0 = v128.load64_splat(pa);
        const a1 = v128.load64_splat(pa + rowStep);
        const a2 = v128.load64_splat(pa + 2 * rowStep);
        const a3 = v128.load64_splat(pa + 3 * rowStep);
        c00 = f64x2.add(c00, f64x2.mul(a0, b0));
        c01 = f64x2.add(c01, f64x2.mul(a0, b1));
        c10 = f64x2.add(c10, f64x2.mul(a1, b0));
        c11 = f64x2.add(c11, f64x2.mul(a1, b1));
        c20 = f64x2.add(c20, f64x2.mul(a2, b0));
        c21 = f64x2.add(c21, f64x2.mul(a2, b1));
        c30 = f64x2.add(c30, f64x2.mul(a3, b0));
        c31 = f64x2.add(c31, f64x2.mul(a3, b1));
        pa += kStep;
        pb += rowB;
      }
      v128.store(po, c00);
      v128.store(po, c01, 16);
      v128.store(po + rowB, c10);
      v128.store(po + rowB, c11, 16);
      v128.store(po + 2 * rowB, c20);
      v128.store(po + 2 * rowB, c21, 16);
      v128.store(po + 3 * rowB, c30);
      v128.store(po + 3 * rowB, c31, 16);
    }
    for (; i < m; i++) {
      // the last m mod 4 rows, one at a time
      const po = out + ((<usize>i * n + j) << 3);
      let c0 = f64x2.splat(0), c1 = f64x2.splat(0);
      if (acc) {
        c0 = v128.load(po);
        c1 = v128.load(po, 16);
      }
      let pa = a + <usize>i * rowStep;
      let pb = bj;
      for (let p = 0; p < k; p++) {
        const ai = v128.load64_splat(pa);
        c0 = f64x2.add(c0, f64x2.mul(ai, v128.load(pb)));
        c1 = f64x2.add(c1, f64x2.mul(ai, v128.load(pb, 16)));
        pa += kStep;
        pb += rowB;
      }
      v128.store(po, c0);
      v128.store(po, c1, 16);
    }
  }
  // the last n mod 4 columns, one entry at a time
  for (let i = 0; i < m; i++) {
    for (let j = n4; j < n; j++) {
      let s: f64 = acc ? load<f64>(out + ((<usize>i * n + j) << 3)) : 0;
      let pa = a + <usize>i * rowStep;
      let pb = b + (<usize>j << 3);
      for (let p = 0; p < k; p++) {
        s += load<f64>(pa) * load<f64>(pb);
        pa += kStep;
        pb += rowB;
      }
      store<f64>(out + ((<usize>i * n + j) << 3), s);
    }
  }
}

/** out(m×n) = a · bᵀ, where a is (m×k) and b is (n×k): dot products of rows, two k at a time. */
export function matmulTransB(a: usize, b: usize, out: usize, m: i32, k: i32, n: i32): void {
  const rowA = <usize>k << 3;
  const k2 = k & ~1;
  const odd = k & 1;
  const last = <usize>(k - 1) << 3;
  const n2 = n & ~1;
  const m4 = m & ~3;
  for (let j = 0; j < n2; j += 2) {
    const b0 = b + <usize>j * rowA;
    const b1 = b0 + rowA;
    let i = 0;
    for (; i < m4; i += 4) {
      const a0 = a + <usize>i * rowA;
      const a1 = a0 + rowA, a2 = a1 + rowA, a3 = a2 + rowA;
      let c00 = f64x2.splat(0), c01 = f64x2.splat(0);
      let c10 = f64x2.splat(0), c11 = f64x2.splat(0);
      let c20 = f64x2.splat(0), c21 = f64x2.splat(0);
      let c30 = f64x2.splat(0), c31 = f64x2.splat(0);
      for (let q: usize = 0; q < (<usize>k2 << 3); q += 16) {
        const x0 = v128.load(b0 + q);
        const x1 = v128.load(b1 + q);
        const r0 = v128.load(a0 + q);
        const r1 = v128.load(a1 + q);
        const r2 = v128.load(a2 + q);
        const r3 = v128.load(a3 + q);
        c00 = f64x2.add(c00, f64x2.mul(r0, x0));
        c01 = f64x2.add(c01, f64x2.mul(r0, x1));
        c10 = f64x2.add(c10, f64x2.mul(r1, x0));
        c11 = f64x2.add(c11, f64x2.mul(r1, x1));
        c20 = f64x2.add(c20, f64x2.mul(r2, x0));
        c21 = f64x2.add(c21, f64x2.mul(r2, x1));
        c30 = f64x2.add(c30, f64x2.mul(r3, x0));
        c31 = f64x2.add(c31, f64x2.mul(r3, x1));
      }
      const po = out + ((<usize>i * n + j) << 3);
      const rowO = <usize>n << 3;
      store<f64>(po, lanes(c00) + tail(odd, a0, b0, last));
      store<f64>(po, lanes(c01) + tail(odd, a0, b1, last), 8);
      store<f64>(po + rowO, lanes(c10) + tail(odd, a1, b0, last));
      store<f64>(po + rowO, lanes(c11) + tail(odd, a1, b1, last), 8);
      store<f64>(po + 2 * rowO, lanes(c20) + tail(odd, a2, b0, last));
      store<f64>(po + 2 * rowO, lanes(c21) + tail(odd, a2, b1, last), 8);
      store<f64>(po + 3 * rowO, lanes(c30) + tail(odd, a3, b0, last));
      store<f64>(po + 3 * rowO, lanes(c31) + tail(odd, a3, b1, last), 8);
    }
    for (; i < m; i++) {
      const ai = a + <usize>i * rowA;
      store<f64>(out + ((<usize>i * n + j) << 3), dot(ai, b0, k2, odd, last));
      store<f64>(out + ((<usize>i * n + j + 1) << 3), dot(ai, b1, k2, odd, last));
    }
  }
  if (n2 < n) {
    // the last column of out when n is odd
    const bj = b + <usize>n2 * rowA;
    for (let i = 0; i < m; i++) {
      store<f64>(out + ((<usize>i * n + n2) << 3), dot(a + <usize>i * rowA, bj, k2, odd, last));
    }
  }
}

/** Σ over k of x[p]·y[p], in the same order as matmulTransB's blocks. */
// @ts-ignore: decorator
@inline
function dot(x: usize, y: usize, k2: i32, odd: i32, last: usize): f64 {
  let c = f64x2.splat(0);
  for (let q: usize = 0; q < (<usize>k2 << 3); q += 16) {
    c = f64x2.add(c, f64x2.mul(v128.load(x + q), v128.load(y + q)));
  }
  return lanes(c) + tail(odd, x, y, last);
}

// @ts-ignore: decorator
@inline
function lanes(c: v128): f64 {
  return f64x2.extract_lane(c, 0) + f64x2.extract_lane(c, 1);
}

/** The product of the last entries when k is odd (they have no partner lane), else 0. */
// @ts-ignore: decorator
@inline
function tail(odd: i32, x: usize, y: usize, last: usize): f64 {
  return odd ? load<f64>(x + last) * load<f64>(y + last) : 0;
}

// ---- batch norm: per-column (feature) passes over an n×c batch, two columns at a time ----

/** mean[j] = (1/n)·Σᵢ xᵢⱼ, variance[j] = (1/n)·Σᵢ (xᵢⱼ − mean[j])², summed in row order. */
export function batchNormStats(x: usize, mean: usize, variance: usize, n: i32, c: i32): void {
  const rowX = <usize>c << 3;
  const c2 = <usize>(c & ~1) << 3;
  memory.fill(mean, 0, rowX);
  memory.fill(variance, 0, rowX);
  for (let i = 0; i < n; i++) {
    const xi = x + <usize>i * rowX;
    let q: usize = 0;
    for (; q < c2; q += 16) v128.store(mean + q, f64x2.add(v128.load(mean + q), v128.load(xi + q)));
    if (q < rowX) store<f64>(mean + q, load<f64>(mean + q) + load<f64>(xi + q));
  }
  const invN: f64 = 1 / <f64>n;
  scaleColumns(mean, invN, rowX, c2);
  for (let i = 0; i < n; i++) {
    const xi = x + <usize>i * rowX;
    let q: usize = 0;
    for (; q < c2; q += 16) {
      const d = f64x2.sub(v128.load(xi + q), v128.load(mean + q));
      v128.store(variance + q, f64x2.add(v128.load(variance + q), f64x2.mul(d, d)));
    }
    if (q < rowX) {
      const d = load<f64>(xi + q) - load<f64>(mean + q);
      store<f64>(variance + q, load<f64>(variance + q) + d * d);
    }
  }
  scaleColumns(variance, invN, rowX, c2);
}

/** xhat = (x − mean)·invStd; y = xhat·gamma + beta when hasAffine ≠ 0 (else y is not written). */
export function batchNormNormalize(
  x: usize, mean: usize, invStd: usize, gamma: usize, beta: usize, xhat: usize, y: usize, n: i32, c: i32, hasAffine: i32,
): void {
  const rowX = <usize>c << 3;
  const c2 = <usize>(c & ~1) << 3;
  for (let i = 0; i < n; i++) {
    const r = <usize>i * rowX;
    let q: usize = 0;
    for (; q < c2; q += 16) {
      const h = f64x2.mul(f64x2.sub(v128.load(x + r + q), v128.load(mean + q)), v128.load(invStd + q));
      v128.store(xhat + r + q, h);
      if (hasAffine) v128.store(y + r + q, f64x2.add(f64x2.mul(h, v128.load(gamma + q)), v128.load(beta + q)));
    }
    if (q < rowX) {
      const h = (load<f64>(x + r + q) - load<f64>(mean + q)) * load<f64>(invStd + q);
      store<f64>(xhat + r + q, h);
      if (hasAffine) store<f64>(y + r + q, h * load<f64>(gamma + q) + load<f64>(beta + q));
    }
  }
}

/**
 * The backward pass of batch norm (see src/tensor/backend.ts): with hasAffine,
 * dgamma += Σᵢ dy·xhat, dbeta += Σᵢ dy and dxhat = dy·gamma, else dxhat = dy;
 * then dx = (n·dxhat − Σᵢ dxhat − xhat·Σᵢ dxhat·xhat)·(invStd·(1/n)) with
 * batch statistics, dx = dxhat·invStd without. `sums` is scratch for 4·c numbers.
 */
export function batchNormBackward(
  dy: usize, xhat: usize, invStd: usize, gamma: usize, dgamma: usize, dbeta: usize, dx: usize,
  n: i32, c: i32, hasAffine: i32, batchStats: i32, sums: usize,
): void {
  const rowX = <usize>c << 3;
  const c2 = <usize>(c & ~1) << 3;
  const sumDyXhat = sums, sumDy = sums + rowX, sumDxhat = sums + 2 * rowX, sumDxhatXhat = sums + 3 * rowX;
  memory.fill(sums, 0, 4 * rowX);
  for (let i = 0; i < n; i++) {
    const r = <usize>i * rowX;
    let q: usize = 0;
    for (; q < c2; q += 16) {
      const g = v128.load(dy + r + q), h = v128.load(xhat + r + q);
      const d = hasAffine ? f64x2.mul(g, v128.load(gamma + q)) : g;
      v128.store(dx + r + q, d);
      v128.store(sumDyXhat + q, f64x2.add(v128.load(sumDyXhat + q), f64x2.mul(g, h)));
      v128.store(sumDy + q, f64x2.add(v128.load(sumDy + q), g));
      v128.store(sumDxhat + q, f64x2.add(v128.load(sumDxhat + q), d));
      v128.store(sumDxhatXhat + q, f64x2.add(v128.load(sumDxhatXhat + q), f64x2.mul(d, h)));
    }
    if (q < rowX) {
      const g = load<f64>(dy + r + q), h = load<f64>(xhat + r + q);
      const d = hasAffine ? g * load<f64>(gamma + q) : g;
      store<f64>(dx + r + q, d);
      store<f64>(sumDyXhat + q, load<f64>(sumDyXhat + q) + g * h);
      store<f64>(sumDy + q, load<f64>(sumDy + q) + g);
      store<f64>(sumDxhat + q, load<f64>(sumDxhat + q) + d);
      store<f64>(sumDxhatXhat + q, load<f64>(sumDxhatXhat + q) + d * h);
    }
  }
  if (hasAffine) {
    for (let q: usize = 0; q < rowX; q += 8) {
      store<f64>(dgamma + q, load<f64>(dgamma + q) + load<f64>(sumDyXhat + q));
      store<f64>(dbeta + q, load<f64>(dbeta + q) + load<f64>(sumDy + q));
    }
  }
  if (!batchStats) {
    for (let i = 0; i < n; i++) {
      const r = <usize>i * rowX;
      let q: usize = 0;
      for (; q < c2; q += 16) v128.store(dx + r + q, f64x2.mul(v128.load(dx + r + q), v128.load(invStd + q)));
      if (q < rowX) store<f64>(dx + r + q, load<f64>(dx + r + q) * load<f64>(invStd + q));
    }
    return;
  }
  const nf: f64 = <f64>n;
  const invN: f64 = 1 / nf;
  const vn = f64x2.splat(nf), vInvN = f64x2.splat(invN);
  for (let i = 0; i < n; i++) {
    const r = <usize>i * rowX;
    let q: usize = 0;
    for (; q < c2; q += 16) {
      const t = f64x2.sub(
        f64x2.sub(f64x2.mul(vn, v128.load(dx + r + q)), v128.load(sumDxhat + q)),
        f64x2.mul(v128.load(xhat + r + q), v128.load(sumDxhatXhat + q)),
      );
      v128.store(dx + r + q, f64x2.mul(t, f64x2.mul(v128.load(invStd + q), vInvN)));
    }
    if (q < rowX) {
      const t = nf * load<f64>(dx + r + q) - load<f64>(sumDxhat + q) - load<f64>(xhat + r + q) * load<f64>(sumDxhatXhat + q);
      store<f64>(dx + r + q, t * (load<f64>(invStd + q) * invN));
    }
  }
}

/** v[j] *= s for the c columns (rowX bytes) of v; c2 bytes of them in pairs. */
// @ts-ignore: decorator
@inline
function scaleColumns(v: usize, s: f64, rowX: usize, c2: usize): void {
  const vs = f64x2.splat(s);
  let q: usize = 0;
  for (; q < c2; q += 16) v128.store(v + q, f64x2.mul(v128.load(v + q), vs));
  if (q < rowX) store<f64>(v + q, load<f64>(v + q) * s);
}

// ---- the logistic function, two entries at a time ----

/**
 * y = σ(x) = 1 / (1 + e^−x) elementwise (len entries), with the reference's
 * stable forms: 1 / (1 + e^−x) for x ≥ 0 and e^x / (1 + e^x) for x < 0. It
 * differs from the reference by an ulp or two (e^(−|x|) is not Math.exp's).
 */
export function sigmoid(x: usize, y: usize, len: i32): void {
  const bytes = <usize>len << 3;
  const pairs = <usize>(len & ~1) << 3;
  let q: usize = 0;
  for (; q < pairs; q += 16) v128.store(y + q, sigmoid2(v128.load(x + q)));
  if (q < bytes) store<f64>(y + q, f64x2.extract_lane(sigmoid2(f64x2.splat(load<f64>(x + q))), 0));
}

// @ts-ignore: decorator
@inline
function sigmoid2(v: v128): v128 {
  const one = f64x2.splat(1);
  const e = expNonPositive(f64x2.neg(f64x2.abs(v))); // e^(−|x|), in (0, 1]
  const inv = f64x2.div(one, f64x2.add(one, e)); // one division: e/(1 + e) as e·(1/(1 + e)), within an ulp
  return v128.bitselect(inv, f64x2.mul(e, inv), f64x2.ge(v, f64x2.splat(0)));
}

/**
 * e^a for a ≤ 0: a = n·ln 2 + r with |r| ≤ ln2/2, e^r by its Taylor series to
 * r¹³ (truncation < 1e-17), times 2ⁿ built in the exponent bits. Below −708
 * (where 2ⁿ would be subnormal) the result is 0; NaN stays NaN.
 */
// @ts-ignore: decorator
@inline
function expNonPositive(a: v128): v128 {
  const shift = f64x2.splat(6755399441055744.0); // 1.5·2⁵²: adding it rounds to an integer in the low bits
  const t = f64x2.add(f64x2.mul(a, f64x2.splat(1.4426950408889634)), shift);
  const n = f64x2.sub(t, shift); //                                   round(a·log₂e)
  const r = f64x2.sub(
    f64x2.sub(a, f64x2.mul(n, f64x2.splat(6.93147180369123816490e-1))), // ln 2, high part
    f64x2.mul(n, f64x2.splat(1.90821492927058770002e-10)), //              ln 2, low part
  );
  let p = f64x2.splat(1.0 / 6227020800.0); // 1/13!
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 479001600.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 39916800.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 3628800.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 362880.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 40320.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 5040.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 720.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 120.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 24.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 6.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(0.5));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0));
  // 2ⁿ: t's low bits hold n, so (t − shift as integers + 1023) << 52 are the bits of 2ⁿ
  const twoN = i64x2.shl(i64x2.add(i64x2.sub(t, shift), i64x2.splat(1023)), 52);
  const result = f64x2.mul(p, twoN);
  return v128.andnot(result, f64x2.lt(a, f64x2.splat(-708.0)));
}
