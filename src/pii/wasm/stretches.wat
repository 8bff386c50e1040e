;; The prefilter's SIMD kernel: finds, 16 bytes at a time, the stretches of a log chunk that
;; could hold a number worth a closer look, and the stretches dense in colons that could hold an
;; IPv6 address written without `::`. The caller copies the chunk to offset 0 (followed by 16
;; zero bytes) and reads pairs (start, end) back from `out`; a start with the top bit set is a
;; colon region. Everything else about a stretch is decided in JavaScript (src/pii/prefilter.ts).
;;
;; A number stretch: a maximal run of digits and the separators numbers are written with
;; (space ( ) - .), at least 7 bytes long and holding a digit: the shortest candidates are a
;; 7-digit number and a dotted quad like 1.2.3.4.
;; A colon region: 48 bytes around three consecutive blocks holding 6 colons or more.
(module
  (memory (export "memory") 40)
  (func $emit (param $out i32) (param $n i32) (param $s i32) (param $e i32) (result i32)
    (i32.store (i32.add (local.get $out) (i32.shl (local.get $n) (i32.const 3))) (local.get $s))
    (i32.store (i32.add (local.get $out) (i32.add (i32.shl (local.get $n) (i32.const 3)) (i32.const 4))) (local.get $e))
    (i32.add (local.get $n) (i32.const 1)))
  ;; scan(len, out, cap) -> pairs written, or -1 when more than cap would be
  (func (export "scan") (param $len i32) (param $out i32) (param $cap i32) (result i32)
    (local $p i32) (local $v v128) (local $dv v128)
    (local $N i32) (local $D i32) (local $lo i32) (local $hi i32) (local $M i32) (local $R i32)
    (local $t i32) (local $rl i32) (local $rm i32)
    (local $carry i32) (local $carryStart i32) (local $carryDigit i32)
    (local $c0 i32) (local $c1 i32) (local $c2 i32) (local $n i32)
    (block $done
      (loop $blocks
        (br_if $done (i32.ge_u (local.get $p) (local.get $len)))
        ;; a block adds at most five pairs
        (if (i32.gt_s (local.get $n) (i32.sub (local.get $cap) (i32.const 8))) (then (return (i32.const -1))))
        (local.set $v (v128.load (local.get $p)))
        (local.set $dv (i8x16.lt_u (i8x16.sub (local.get $v) (i8x16.splat (i32.const 48))) (i8x16.splat (i32.const 10))))
        (local.set $D (i8x16.bitmask (local.get $dv)))
        (local.set $N (i8x16.bitmask
          (v128.or (local.get $dv)
            (v128.or
              (v128.or (i8x16.eq (local.get $v) (i8x16.splat (i32.const 32))) (i8x16.eq (local.get $v) (i8x16.splat (i32.const 46))))
              (v128.or
                (i8x16.eq (local.get $v) (i8x16.splat (i32.const 45)))
                (v128.or (i8x16.eq (local.get $v) (i8x16.splat (i32.const 40))) (i8x16.eq (local.get $v) (i8x16.splat (i32.const 41)))))))))
        (if (i32.eq (local.get $N) (i32.const 0xffff))
          (then
            ;; the whole block continues (or starts) a stretch
            (if (i32.eqz (local.get $carry)) (then (local.set $carryStart (local.get $p))))
            (local.set $carry (i32.add (local.get $carry) (i32.const 16)))
            (local.set $carryDigit (i32.or (local.get $carryDigit) (local.get $D))))
          (else
            ;; the stretch that ends in the lowest bits (continuing the carried one)
            (local.set $lo (i32.ctz (i32.xor (local.get $N) (i32.const 0xffff))))
            (if (i32.ge_u (i32.add (local.get $carry) (local.get $lo)) (i32.const 7))
              (then
                (if (i32.or (local.get $carryDigit) (i32.and (local.get $D) (i32.sub (i32.shl (i32.const 1) (local.get $lo)) (i32.const 1))))
                  (then
                    (local.set $n (call $emit (local.get $out) (local.get $n)
                      (select (local.get $carryStart) (local.get $p) (local.get $carry))
                      (i32.add (local.get $p) (local.get $lo))))))))
            ;; the stretch running into the next block
            (local.set $hi (i32.sub (i32.clz (i32.and (i32.xor (local.get $N) (i32.const 0xffff)) (i32.const 0xffff))) (i32.const 16)))
            ;; stretches wholly inside the block
            (local.set $M (i32.and (i32.and (local.get $N) (i32.xor (i32.sub (i32.shl (i32.const 1) (local.get $lo)) (i32.const 1)) (i32.const -1)))
                                   (i32.sub (i32.shl (i32.const 1) (i32.sub (i32.const 16) (local.get $hi))) (i32.const 1))))
            ;; bit i of R: bits i..i+6 of M all set (a run of 7)
            (local.set $R (i32.and (local.get $M) (i32.shr_u (local.get $M) (i32.const 1))))
            (local.set $R (i32.and (local.get $R) (i32.shr_u (local.get $R) (i32.const 2))))
            (local.set $R (i32.and (local.get $R) (i32.shr_u (local.get $R) (i32.const 3))))
            (if (local.get $R)
              (then
                (block $inner_done
                  (loop $inner
                    (br_if $inner_done (i32.eqz (local.get $M)))
                    (local.set $t (i32.ctz (local.get $M)))
                    (local.set $rl (i32.ctz (i32.xor (i32.shr_u (local.get $M) (local.get $t)) (i32.const -1))))
                    (local.set $rm (i32.shl (i32.sub (i32.shl (i32.const 1) (local.get $rl)) (i32.const 1)) (local.get $t)))
                    (if (i32.and (i32.ge_u (local.get $rl) (i32.const 7)) (i32.ne (i32.and (local.get $D) (local.get $rm)) (i32.const 0)))
                      (then
                        (local.set $n (call $emit (local.get $out) (local.get $n)
                          (i32.add (local.get $p) (local.get $t))
                          (i32.add (i32.add (local.get $p) (local.get $t)) (local.get $rl))))))
                    (local.set $M (i32.and (local.get $M) (i32.xor (local.get $rm) (i32.const -1))))
                    (br $inner)))))
            (local.set $carry (local.get $hi))
            (local.set $carryStart (i32.sub (i32.add (local.get $p) (i32.const 16)) (local.get $hi)))
            (local.set $carryDigit (select
              (i32.shr_u (local.get $D) (i32.sub (i32.const 16) (local.get $hi)))
              (i32.const 0)
              (local.get $hi)))))
        ;; colons: six in three consecutive blocks mark a region for the IPv6 check
        (local.set $c0 (i32.popcnt (i8x16.bitmask (i8x16.eq (local.get $v) (i8x16.splat (i32.const 58))))))
        (if (i32.ge_u (i32.add (i32.add (local.get $c0) (local.get $c1)) (local.get $c2)) (i32.const 6))
          (then
            (local.set $n (call $emit (local.get $out) (local.get $n)
              (i32.or (select (i32.sub (local.get $p) (i32.const 32)) (i32.const 0) (i32.ge_u (local.get $p) (i32.const 32))) (i32.const 0x80000000))
              (i32.add (local.get $p) (i32.const 16))))))
        (local.set $c2 (local.get $c1))
        (local.set $c1 (local.get $c0))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (br $blocks)))
    ;; a stretch running to the end of the input
    (if (i32.and (i32.ge_u (local.get $carry) (i32.const 7)) (i32.ne (local.get $carryDigit) (i32.const 0)))
      (then (local.set $n (call $emit (local.get $out) (local.get $n) (local.get $carryStart) (i32.add (local.get $carryStart) (local.get $carry))))))
    (local.get $n))
)
