// The WebAssembly matmul kernel of bnlab, in AssemblyScript (f64x2 SIMD).
//
// Built by `npm run build:kernel` into src/tensor/wasm/kernel.wasm, which
// src/tensor/kernel-wasm.ts loads. Every function takes byte offsets into this
// module's memory (row-major f64 arrays) and sizes, and writes `out` whole; it
// computes the same sums as the plain TypeScript kernel in src/tensor/kernel.ts
// (matmul and matmulTransA in the same order, so bit for bit; matmulTransB
// with two partial sums per dot product).
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
  panels(a, <usize>k << 3, 8, b, out, m, k, n);
}

/** out(m×n) = aᵀ · b, where a is (k×m) and b is (k×n) */
export function matmulTransA(a: usize, b: usize, out: usize, m: i32, k: i32, n: i32): void {
  // aᵀ's rows are a's columns: 8 bytes apart; along k they are m·8 bytes apart.
  panels(a, 8, <usize>m << 3, b, out, m, k, n);
}

/**
 * out(m×n) = A · b for an A (m×k) whose entry (i, p) is at a + i·rowStep + p·kStep:
 * 4×4 blocks of out (8 accumulators), 4 columns of b at a time.
 */
// @ts-ignore: decorator
@inline
function panels(a: usize, rowStep: usize, kStep: usize, b: usize, out: usize, m: i32, k: i32, n: i32): void {
  const rowB = <usize>n << 3;
  const n4 = n & ~3;
  const m4 = m & ~3;
  for (let j = 0; j < n4; j += 4) {
    const bj = b + (<usize>j << 3);
    let i = 0;
    for (; i < m4; i += 4) {
      let c00 = f64x2.splat(0), c01 = f64x2.splat(0);
      let c10 = f64x2.splat(0), c11 = f64x2.splat(0);
      let c20 = f64x2.splat(0), c21 = f64x2.splat(0);
      let c30 = f64x2.splat(0), c31 = f64x2.splat(0);
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
      const po = out + ((<usize>i * n + j) << 3);
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
      let c0 = f64x2.splat(0), c1 = f64x2.splat(0);
      let pa = a + <usize>i * rowStep;
      let pb = bj;
      for (let p = 0; p < k; p++) {
        const ai = v128.load64_splat(pa);
        c0 = f64x2.add(c0, f64x2.mul(ai, v128.load(pb)));
        c1 = f64x2.add(c1, f64x2.mul(ai, v128.load(pb, 16)));
        pa += kStep;
        pb += rowB;
      }
      const po = out + ((<usize>i * n + j) << 3);
      v128.store(po, c0);
      v128.store(po, c1, 16);
    }
  }
  // the last n mod 4 columns, one entry at a time
  for (let i = 0; i < m; i++) {
    for (let j = n4; j < n; j++) {
      let s: f64 = 0;
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
