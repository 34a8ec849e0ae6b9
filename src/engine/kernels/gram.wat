;; Moment-sum kernels in WebAssembly SIMD: the blocked dot products of gram.ts, two transitions per
;; instruction. Columns are `n` bytes long (an even number of float64s) and `stride` bytes apart; each
;; entry is one pair of running sums (even and odd transitions), added together at the end, so an
;; entry's value depends only on its two columns, never on the tiling. Compiled to gram-wasm.ts by
;; scripts/build-wasm.mjs.
(module
  (memory (export "memory") 1)

  ;; The 3 × 3 tile of sums Σ a_r[c] b_s[c] for columns a0 + r·stride, b0 + s·stride, added to
  ;; out + r·row + 8·s.
  (func $tile (param $a0 i32) (param $b0 i32) (param $stride i32) (param $n i32) (param $out i32) (param $row i32)
    (local $c i32) (local $a1 i32) (local $a2 i32) (local $b1 i32) (local $b2 i32)
    (local $x0 v128) (local $x1 v128) (local $x2 v128) (local $y0 v128) (local $y1 v128) (local $y2 v128)
    (local $s00 v128) (local $s01 v128) (local $s02 v128)
    (local $s10 v128) (local $s11 v128) (local $s12 v128)
    (local $s20 v128) (local $s21 v128) (local $s22 v128)
    (local.set $a1 (i32.add (local.get $a0) (local.get $stride)))
    (local.set $a2 (i32.add (local.get $a1) (local.get $stride)))
    (local.set $b1 (i32.add (local.get $b0) (local.get $stride)))
    (local.set $b2 (i32.add (local.get $b1) (local.get $stride)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $c) (local.get $n)))
        (local.set $x0 (v128.load (i32.add (local.get $a0) (local.get $c))))
        (local.set $x1 (v128.load (i32.add (local.get $a1) (local.get $c))))
        (local.set $x2 (v128.load (i32.add (local.get $a2) (local.get $c))))
        (local.set $y0 (v128.load (i32.add (local.get $b0) (local.get $c))))
        (local.set $y1 (v128.load (i32.add (local.get $b1) (local.get $c))))
        (local.set $y2 (v128.load (i32.add (local.get $b2) (local.get $c))))
        (local.set $s00 (f64x2.add (local.get $s00) (f64x2.mul (local.get $x0) (local.get $y0))))
        (local.set $s01 (f64x2.add (local.get $s01) (f64x2.mul (local.get $x0) (local.get $y1))))
        (local.set $s02 (f64x2.add (local.get $s02) (f64x2.mul (local.get $x0) (local.get $y2))))
        (local.set $s10 (f64x2.add (local.get $s10) (f64x2.mul (local.get $x1) (local.get $y0))))
        (local.set $s11 (f64x2.add (local.get $s11) (f64x2.mul (local.get $x1) (local.get $y1))))
        (local.set $s12 (f64x2.add (local.get $s12) (f64x2.mul (local.get $x1) (local.get $y2))))
        (local.set $s20 (f64x2.add (local.get $s20) (f64x2.mul (local.get $x2) (local.get $y0))))
        (local.set $s21 (f64x2.add (local.get $s21) (f64x2.mul (local.get $x2) (local.get $y1))))
        (local.set $s22 (f64x2.add (local.get $s22) (f64x2.mul (local.get $x2) (local.get $y2))))
        (local.set $c (i32.add (local.get $c) (i32.const 16)))
        (br $next)))
    (call $put (local.get $out) (local.get $s00))
    (call $put (i32.add (local.get $out) (i32.const 8)) (local.get $s01))
    (call $put (i32.add (local.get $out) (i32.const 16)) (local.get $s02))
    (local.set $out (i32.add (local.get $out) (local.get $row)))
    (call $put (local.get $out) (local.get $s10))
    (call $put (i32.add (local.get $out) (i32.const 8)) (local.get $s11))
    (call $put (i32.add (local.get $out) (i32.const 16)) (local.get $s12))
    (local.set $out (i32.add (local.get $out) (local.get $row)))
    (call $put (local.get $out) (local.get $s20))
    (call $put (i32.add (local.get $out) (i32.const 8)) (local.get $s21))
    (call $put (i32.add (local.get $out) (i32.const 16)) (local.get $s22)))

  ;; Even-transition sum plus odd-transition sum, added to the sum at `at`: sums that stay in memory
  ;; block after block need no copy out per block.
  (func $put (param $at i32) (param $s v128)
    (f64.store (local.get $at)
      (f64.add (f64.load (local.get $at)) (f64.add (f64x2.extract_lane 0 (local.get $s)) (f64x2.extract_lane 1 (local.get $s))))))

  ;; Gram matrix of m columns (m a multiple of 3) at base: the tiles on and above the diagonal, into
  ;; the m × m matrix at out (entries below the diagonal of diagonal tiles too).
  (func (export "gram") (param $m i32) (param $base i32) (param $stride i32) (param $n i32) (param $out i32)
    (local $i i32) (local $j i32) (local $row i32)
    (local.set $row (i32.shl (local.get $m) (i32.const 3)))
    (block $rowsDone
      (loop $rows
        (br_if $rowsDone (i32.ge_u (local.get $i) (local.get $m)))
        (local.set $j (local.get $i))
        (block $colsDone
          (loop $cols
            (br_if $colsDone (i32.ge_u (local.get $j) (local.get $m)))
            (call $tile
              (i32.add (local.get $base) (i32.mul (local.get $i) (local.get $stride)))
              (i32.add (local.get $base) (i32.mul (local.get $j) (local.get $stride)))
              (local.get $stride) (local.get $n)
              (i32.add (local.get $out) (i32.add (i32.mul (local.get $i) (local.get $row)) (i32.shl (local.get $j) (i32.const 3))))
              (local.get $row))
            (local.set $j (i32.add (local.get $j) (i32.const 3)))
            (br $cols)))
        (local.set $i (i32.add (local.get $i) (i32.const 3)))
        (br $rows))))

  ;; Every product of the ma columns at baseA with the mb columns at baseB (both multiples of 3), added
  ;; into the ma × mb matrix at out.
  (func (export "cross") (param $ma i32) (param $baseA i32) (param $mb i32) (param $baseB i32) (param $stride i32) (param $n i32) (param $out i32)
    (local $i i32) (local $j i32) (local $row i32)
    (local.set $row (i32.shl (local.get $mb) (i32.const 3)))
    (block $rowsDone
      (loop $rows
        (br_if $rowsDone (i32.ge_u (local.get $i) (local.get $ma)))
        (local.set $j (i32.const 0))
        (block $colsDone
          (loop $cols
            (br_if $colsDone (i32.ge_u (local.get $j) (local.get $mb)))
            (call $tile
              (i32.add (local.get $baseA) (i32.mul (local.get $i) (local.get $stride)))
              (i32.add (local.get $baseB) (i32.mul (local.get $j) (local.get $stride)))
              (local.get $stride) (local.get $n)
              (i32.add (local.get $out) (i32.add (i32.mul (local.get $i) (local.get $row)) (i32.shl (local.get $j) (i32.const 3))))
              (local.get $row))
            (local.set $j (i32.add (local.get $j) (i32.const 3)))
            (br $cols)))
        (local.set $i (i32.add (local.get $i) (i32.const 3)))
        (br $rows)))))
