;; The prefilter's SIMD kernel: one pass over a log chunk, 16 bytes a step, reporting what the
;; JavaScript side (src/pii/prefilter.ts) looks at more closely:
;;  - number stretches: maximal runs of digits and the separators numbers are written with
;;    (space ( ) - .), holding 7 digits, or 4 digits and 3 dots (a dotted quad); dates
;;    (YYYY-MM-DD), epoch-like runs (13+ digits starting with 1 or 7, or 20+ digits) and, unless
;;    the policy calls them personal, lone private, loopback and shared IPv4 addresses are
;;    dropped here;
;;  - regions dense in colons (6 in three 16-byte blocks): where an IPv6 address without `::` may be;
;;  - the sparse anchors: `@`, `%40`, `+` before a digit, `::`, and the first four letters
;;    (any case) of each username key word.
;; The caller writes the chunk at offset 0, followed by 80 zero bytes, and the words at `words`.
;; Output pairs (a, b) at `out`: a >= 0 is a number stretch [a, b); otherwise bits 24-30 of a
;; give the kind, bits 0-23 the position, and b the end of a colon region or the word's index.
(module
  (memory (export "memory") 40)
  (func $emit (param $out i32) (param $n i32) (param $a i32) (param $b i32) (result i32)
    (i32.store (i32.add (local.get $out) (i32.shl (local.get $n) (i32.const 3))) (local.get $a))
    (i32.store (i32.add (local.get $out) (i32.add (i32.shl (local.get $n) (i32.const 3)) (i32.const 4))) (local.get $b))
    (i32.add (local.get $n) (i32.const 1)))

  ;; one pair per set bit of mask: kind, position p + bit, b; `@` and `+` only where
  ;; prefilter.ts's atCandidate and plusCandidate would keep them
  (func $emitBits (param $out i32) (param $n i32) (param $mask i32) (param $p i32) (param $kind i32) (param $b i32) (result i32)
    (local $pos i32)
    (block $done
      (loop $bits
        (br_if $done (i32.eqz (local.get $mask)))
        (local.set $pos (i32.add (local.get $p) (i32.ctz (local.get $mask))))
        (if (select
              (call $atOk (local.get $pos))
              (select (call $plusOk (local.get $pos)) (i32.const 1) (i32.eq (local.get $kind) (i32.const 4)))
              (i32.eq (local.get $kind) (i32.const 2)))
          (then
            (local.set $n (call $emit (local.get $out) (local.get $n)
              (i32.or (i32.shl (local.get $kind) (i32.const 24)) (i32.or (i32.const 0x80000000) (local.get $pos)))
              (local.get $b)))))
        (local.set $mask (i32.and (local.get $mask) (i32.sub (local.get $mask) (i32.const 1))))
        (br $bits)))
    (local.get $n))

  ;; `x@`: something that could end a local part precedes the `@` (`{"@timestamp` is a key)
  (func $atOk (param $i i32) (result i32)
    (local $c i32)
    (if (i32.eqz (local.get $i)) (then (return (i32.const 0))))
    (local.set $c (i32.load8_u (i32.sub (local.get $i) (i32.const 1))))
    (if (i32.eq (local.get $c) (i32.const 34))
      (then
        (if (i32.lt_u (local.get $i) (i32.const 2)) (then (return (i32.const 0))))
        (local.set $c (i32.load8_u (i32.sub (local.get $i) (i32.const 2))))
        (return (i32.eqz (i32.or (i32.or (i32.eq (local.get $c) (i32.const 123)) (i32.eq (local.get $c) (i32.const 44)))
                                 (i32.or (i32.or (i32.eq (local.get $c) (i32.const 91)) (i32.eq (local.get $c) (i32.const 58))) (i32.eq (local.get $c) (i32.const 10))))))))
    (i32.eqz (i32.or
      (i32.or (i32.le_u (local.get $c) (i32.const 32)) (i32.or (i32.eq (local.get $c) (i32.const 123)) (i32.eq (local.get $c) (i32.const 91))))
      (i32.or (i32.or (i32.eq (local.get $c) (i32.const 44)) (i32.eq (local.get $c) (i32.const 58)))
              (i32.or (i32.or (i32.eq (local.get $c) (i32.const 40)) (i32.eq (local.get $c) (i32.const 60))) (i32.eq (local.get $c) (i32.const 92)))))))

  ;; `+` then digits long enough for an international number (`+0000]`, a time zone, is not),
  ;; not glued to a word: a digit 7 to 24 bytes after it, number bytes (digits, ` ().-`) all the way
  (func $plusOk (param $i i32) (result i32)
    (local $j i32) (local $c i32)
    (if (i32.gt_u (local.get $i) (i32.const 0))
      (then
        (local.set $c (i32.load8_u (i32.sub (local.get $i) (i32.const 1))))
        (if (i32.or (i32.or (i32.lt_u (i32.sub (local.get $c) (i32.const 48)) (i32.const 10)) (i32.lt_u (i32.sub (i32.or (local.get $c) (i32.const 0x20)) (i32.const 97)) (i32.const 26)))
                    (i32.or (i32.eq (local.get $c) (i32.const 95)) (i32.eq (local.get $c) (i32.const 43))))
          (then (return (i32.const 0))))))
    ;; Arabic-Indic or fullwidth digits (UTF-8 lead bytes 0xd9, 0xdb, 0xef): detection reads them
    (local.set $c (i32.load8_u (i32.add (local.get $i) (i32.const 1))))
    (if (i32.or (i32.or (i32.eq (local.get $c) (i32.const 0xd9)) (i32.eq (local.get $c) (i32.const 0xdb))) (i32.eq (local.get $c) (i32.const 0xef)))
      (then (return (i32.const 1))))
    (local.set $j (i32.add (local.get $i) (i32.const 1)))
    (block $no
      (loop $body
        (br_if $no (i32.ge_u (i32.sub (local.get $j) (local.get $i)) (i32.const 25)))
        (local.set $c (i32.load8_u (local.get $j)))
        (br_if $no (i32.eqz
          (i32.or (i32.lt_u (i32.sub (local.get $c) (i32.const 48)) (i32.const 10))
                  (i32.or (i32.or (i32.eq (local.get $c) (i32.const 32)) (i32.eq (local.get $c) (i32.const 46)))
                          (i32.or (i32.eq (local.get $c) (i32.const 45)) (i32.le_u (i32.sub (local.get $c) (i32.const 40)) (i32.const 1)))))))
        (if (i32.and (i32.ge_u (i32.sub (local.get $j) (local.get $i)) (i32.const 7)) (i32.lt_u (i32.sub (local.get $c) (i32.const 48)) (i32.const 10)))
          (then (return (i32.const 1))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $body)))
    (i32.const 0))

  ;; 1 when [s, e), digits and exactly three non-digits (the caller checks), is a lone dotted quad
  ;; (parts of 1-3 digits) in a private, loopback, unspecified, shared or link-local range: the
  ;; service's own machines. The dots are found with one vector compare.
  (func $privateQuad (param $s i32) (param $e i32) (result i32)
    (local $len i32) (local $m i32) (local $p1 i32) (local $p2 i32) (local $p3 i32) (local $a i32) (local $b i32)
    (local.set $len (i32.sub (local.get $e) (local.get $s)))
    (if (i32.gt_u (local.get $len) (i32.const 15)) (then (return (i32.const 0))))
    (local.set $m (i32.and (i8x16.bitmask (i8x16.eq (v128.load (local.get $s)) (i8x16.splat (i32.const 46))))
                           (i32.sub (i32.shl (i32.const 1) (local.get $len)) (i32.const 1))))
    (local.set $p1 (i32.ctz (local.get $m)))
    (local.set $m (i32.and (local.get $m) (i32.sub (local.get $m) (i32.const 1))))
    (local.set $p2 (i32.ctz (local.get $m)))
    (local.set $m (i32.and (local.get $m) (i32.sub (local.get $m) (i32.const 1))))
    (local.set $p3 (i32.ctz (local.get $m)))
    ;; three dots (ctz of nothing is 32), parts of one to three digits
    (if (i32.or
          (i32.or (i32.gt_u (i32.sub (local.get $p1) (i32.const 1)) (i32.const 2))
                  (i32.gt_u (i32.sub (i32.sub (local.get $p2) (local.get $p1)) (i32.const 2)) (i32.const 2)))
          (i32.or (i32.gt_u (i32.sub (i32.sub (local.get $p3) (local.get $p2)) (i32.const 2)) (i32.const 2))
                  (i32.gt_u (i32.sub (i32.sub (local.get $len) (local.get $p3)) (i32.const 2)) (i32.const 2))))
      (then (return (i32.const 0))))
    (local.set $a (call $part (local.get $s) (local.get $p1)))
    (local.set $b (call $part (i32.add (i32.add (local.get $s) (local.get $p1)) (i32.const 1)) (i32.sub (i32.sub (local.get $p2) (local.get $p1)) (i32.const 1))))
    (i32.or
      (i32.or (i32.or (i32.eq (local.get $a) (i32.const 10)) (i32.eq (local.get $a) (i32.const 127))) (i32.eqz (local.get $a)))
      (i32.or
        (i32.or
          (i32.and (i32.eq (local.get $a) (i32.const 172)) (i32.le_u (i32.sub (local.get $b) (i32.const 16)) (i32.const 15)))
          (i32.and (i32.eq (local.get $a) (i32.const 192)) (i32.eq (local.get $b) (i32.const 168))))
        (i32.or
          (i32.and (i32.eq (local.get $a) (i32.const 100)) (i32.le_u (i32.sub (local.get $b) (i32.const 64)) (i32.const 63)))
          (i32.and (i32.eq (local.get $a) (i32.const 169)) (i32.eq (local.get $b) (i32.const 254)))))))

  ;; the value of the n (1 to 3) digits at s
  (func $part (param $s i32) (param $n i32) (result i32)
    (local $v i32)
    (local.set $v (i32.sub (i32.load8_u (local.get $s)) (i32.const 48)))
    (if (i32.gt_u (local.get $n) (i32.const 1))
      (then (local.set $v (i32.add (i32.mul (local.get $v) (i32.const 10)) (i32.sub (i32.load8_u offset=1 (local.get $s)) (i32.const 48))))))
    (if (i32.gt_u (local.get $n) (i32.const 2))
      (then (local.set $v (i32.add (i32.mul (local.get $v) (i32.const 10)) (i32.sub (i32.load8_u offset=2 (local.get $s)) (i32.const 48))))))
    (local.get $v))

  ;; whether the number stretch [s, e) with `digits` digits and `dots` dots is worth reporting
  (func $worth (param $s i32) (param $e i32) (param $private i32) (result i32)
    (local $len i32) (local $first i32) (local $i i32) (local $c i32) (local $digits i32) (local $dots i32) (local $v v128)
    (if (i32.lt_u (i32.sub (local.get $e) (local.get $s)) (i32.const 7)) (then (return (i32.const 0))))
    ;; its digits and dots, counted here 16 bytes a step (stretches are rare next to chunks)
    (local.set $i (local.get $s))
    (loop $count
      (local.set $v (v128.load (local.get $i)))
      (local.set $c (select (i32.const -1) (i32.sub (i32.shl (i32.const 1) (i32.sub (local.get $e) (local.get $i))) (i32.const 1))
                            (i32.ge_u (i32.sub (local.get $e) (local.get $i)) (i32.const 16))))
      (local.set $digits (i32.add (local.get $digits) (i32.popcnt (i32.and (local.get $c)
        (i8x16.bitmask (i8x16.lt_u (i8x16.sub (local.get $v) (i8x16.splat (i32.const 48))) (i8x16.splat (i32.const 10))))))))
      (local.set $dots (i32.add (local.get $dots) (i32.popcnt (i32.and (local.get $c)
        (i8x16.bitmask (i8x16.eq (local.get $v) (i8x16.splat (i32.const 46))))))))
      (local.set $i (i32.add (local.get $i) (i32.const 16)))
      (br_if $count (i32.lt_u (local.get $i) (local.get $e))))
    (if (i32.eqz (i32.or (i32.ge_u (local.get $digits) (i32.const 7))
                         (i32.and (i32.ge_u (local.get $dots) (i32.const 3)) (i32.ge_u (local.get $digits) (i32.const 4)))))
      (then (return (i32.const 0))))
    ;; the digits' span: a run starts and ends with a digit (`10.0.0.1 - - ` is a lone address)
    (block $trimmed_start
      (loop $trim_start
        (br_if $trimmed_start (i32.le_u (i32.sub (i32.load8_u (local.get $s)) (i32.const 48)) (i32.const 9)))
        (local.set $s (i32.add (local.get $s) (i32.const 1)))
        (br $trim_start)))
    (block $trimmed_end
      (loop $trim_end
        (br_if $trimmed_end (i32.le_u (i32.sub (i32.load8_u (i32.sub (local.get $e) (i32.const 1))) (i32.const 48)) (i32.const 9)))
        (local.set $e (i32.sub (local.get $e) (i32.const 1)))
        (br $trim_end)))
    (local.set $len (i32.sub (local.get $e) (local.get $s)))
    ;; 2026-11-22
    (if (i32.and (i32.and (i32.eq (local.get $len) (i32.const 10)) (i32.eq (local.get $digits) (i32.const 8)))
                 (i32.and (i32.eq (i32.load8_u (i32.add (local.get $s) (i32.const 4))) (i32.const 45))
                          (i32.eq (i32.load8_u (i32.add (local.get $s) (i32.const 7))) (i32.const 45))))
      (then (return (i32.const 0))))
    ;; epoch milliseconds and nanoseconds (no card starts with 1 or 7), and longer bare runs
    (if (i32.eq (local.get $digits) (local.get $len))
      (then
        (local.set $first (i32.load8_u (local.get $s)))
        ;; (15 digits from 1 may be a UATP card: detection looks for a card named nearby)
        (if (i32.and (i32.and (i32.ge_u (local.get $len) (i32.const 13))
                              (i32.or (i32.ge_u (local.get $len) (i32.const 20)) (i32.or (i32.eq (local.get $first) (i32.const 49)) (i32.eq (local.get $first) (i32.const 55)))))
                     (i32.eqz (i32.and (i32.eq (local.get $len) (i32.const 15)) (i32.eq (local.get $first) (i32.const 49)))))
          (then (return (i32.const 0))))))
    (if (i32.and (i32.eqz (i32.and (local.get $private) (i32.const 1))) (i32.and (i32.eq (local.get $dots) (i32.const 3)) (i32.eq (local.get $digits) (i32.sub (local.get $len) (i32.const 3)))))
      (then (if (call $privateQuad (local.get $s) (local.get $e)) (then (return (i32.const 0))))))
    ;; 7 to 12 digits in one run: only a phone field makes such a number personal (outside the
    ;; national formats of non-NANP countries, flag 2, and NANP's 10 digits): no key, no candidate
    (if (i32.and (i32.and (i32.lt_u (local.get $dots) (i32.const 3)) (i32.le_u (local.get $digits) (i32.const 12)))
                 (call $oneRun (local.get $s) (local.get $e)))
      (then
        ;; an encoded +: `%2B` (query strings) or `\u002B` (.NET's JSON escapes +)
        (if (call $encodedPlus (local.get $s)) (then (return (i32.const 1))))
        (if (i32.eq (local.get $digits) (local.get $len))
          (then
            (if (i32.and (i32.ne (i32.and (local.get $private) (i32.const 2)) (i32.const 0)) (i32.eq (i32.load8_u (local.get $s)) (i32.const 48))) (then (return (i32.const 1))))
            (local.set $first (i32.load8_u (select (i32.const 1048676) (i32.sub (local.get $s) (i32.const 1)) (i32.lt_s (i32.sub (local.get $s) (i32.const 1)) (i32.const 0)))))
            (return (i32.or (call $keyBefore (local.get $s)) (i32.or (i32.eq (local.get $first) (i32.const 34)) (i32.eq (local.get $first) (i32.const 39)))))))
        (if (i32.and (i32.lt_u (local.get $digits) (i32.const 10)) (i32.eqz (i32.and (local.get $private) (i32.const 2))))
          (then (return (i32.or (call $keyBefore (local.get $s)) (call $quotedUnderKey (local.get $s))))))))
    (i32.const 1))

  ;; The byte `back` bytes before s (0 before the input: the never-written address).
  (func $before (param $s i32) (param $back i32) (result i32)
    (i32.load8_u (select (i32.const 1048676) (i32.sub (local.get $s) (local.get $back)) (i32.lt_s (i32.sub (local.get $s) (local.get $back)) (i32.const 0)))))

  ;; 1 when `%2B` or `\u002B` (any case) ends right before s.
  (func $encodedPlus (param $s i32) (result i32)
    (if (i32.ne (i32.or (call $before (local.get $s) (i32.const 1)) (i32.const 0x20)) (i32.const 98)) (then (return (i32.const 0))))
    (if (i32.ne (call $before (local.get $s) (i32.const 2)) (i32.const 50)) (then (return (i32.const 0))))
    (if (i32.eq (call $before (local.get $s) (i32.const 3)) (i32.const 37)) (then (return (i32.const 1))))
    (i32.and (i32.and (i32.eq (call $before (local.get $s) (i32.const 3)) (i32.const 48)) (i32.eq (call $before (local.get $s) (i32.const 4)) (i32.const 48)))
             (i32.and (i32.eq (call $before (local.get $s) (i32.const 5)) (i32.const 117)) (i32.eq (call $before (local.get $s) (i32.const 6)) (i32.const 92)))))

  ;; Bytes before the input are read as 0: a negative address is replaced by one never written
  ;; (between the input's 1 MiB and its 80 zero bytes of padding, and the word table at 1 MiB + 128).

  ;; 1 when [s, e) is one run: no three non-digits in a row.
  (func $oneRun (param $s i32) (param $e i32) (result i32)
    (local $gap i32)
    (block $no
      (loop $bytes
        (br_if $no (i32.ge_u (local.get $s) (local.get $e)))
        (if (i32.le_u (i32.sub (i32.load8_u (local.get $s)) (i32.const 48)) (i32.const 9))
          (then (local.set $gap (i32.const 0)))
          (else
            (local.set $gap (i32.add (local.get $gap) (i32.const 1)))
            (if (i32.ge_u (local.get $gap) (i32.const 3)) (then (return (i32.const 0))))))
        (local.set $s (i32.add (local.get $s) (i32.const 1)))
        (br $bytes)))
    (i32.const 1))

  ;; 1 when a key could end right before s: `key=`, `"key":`, `"key": "`, `"key":[`, `"k"=>"` (what
  ;; prefilter.ts's phoneKeyBefore reads; whether the key is a phone's is left to it).
  (func $keyBefore (param $s i32) (result i32)
    (local $i i32) (local $c i32)
    (local.set $i (i32.sub (local.get $s) (i32.const 1)))
    (local.set $c (i32.load8_u (select (i32.const 1048676) (local.get $i) (i32.lt_s (local.get $i) (i32.const 0)))))
    (if (i32.or (i32.eq (local.get $c) (i32.const 34)) (i32.eq (local.get $c) (i32.const 39))) (then (local.set $i (i32.sub (local.get $i) (i32.const 1)))))
    (if (i32.eq (i32.load8_u (select (i32.const 1048676) (local.get $i) (i32.lt_s (local.get $i) (i32.const 0)))) (i32.const 92)) (then (local.set $i (i32.sub (local.get $i) (i32.const 1)))))
    (block $spaces (loop $skip
      (br_if $spaces (i32.ne (i32.load8_u (select (i32.const 1048676) (local.get $i) (i32.lt_s (local.get $i) (i32.const 0)))) (i32.const 32)))
      (local.set $i (i32.sub (local.get $i) (i32.const 1)))
      (br $skip)))
    (if (i32.eq (i32.load8_u (select (i32.const 1048676) (local.get $i) (i32.lt_s (local.get $i) (i32.const 0)))) (i32.const 91))
      (then
        (local.set $i (i32.sub (local.get $i) (i32.const 1)))
        (block $spaces2 (loop $skip2
          (br_if $spaces2 (i32.ne (i32.load8_u (select (i32.const 1048676) (local.get $i) (i32.lt_s (local.get $i) (i32.const 0)))) (i32.const 32)))
          (local.set $i (i32.sub (local.get $i) (i32.const 1)))
          (br $skip2)))))
    (if (i32.and (i32.eq (i32.load8_u (select (i32.const 1048676) (local.get $i) (i32.lt_s (local.get $i) (i32.const 0)))) (i32.const 62)) (i32.eq (i32.load8_u (select (i32.const 1048676) (i32.sub (local.get $i) (i32.const 1)) (i32.lt_s (i32.sub (local.get $i) (i32.const 1)) (i32.const 0)))) (i32.const 61)))
      (then (local.set $i (i32.sub (local.get $i) (i32.const 1)))))
    (local.set $c (i32.load8_u (select (i32.const 1048676) (local.get $i) (i32.lt_s (local.get $i) (i32.const 0)))))
    (i32.or (i32.eq (local.get $c) (i32.const 58)) (i32.eq (local.get $c) (i32.const 61))))

  ;; 1 when s is inside a quoted string (or an array) that a key could hold: the nearest quote
  ;; before it on the line, within 4096 bytes, follows `:`, `=`, `[` or `,`.
  (func $quotedUnderKey (param $s i32) (result i32)
    (local $i i32) (local $c i32)
    (local.set $i (i32.sub (local.get $s) (i32.const 1)))
    (block $found
      (loop $back
        (if (i32.or (i32.lt_s (local.get $i) (i32.const 0)) (i32.gt_s (i32.sub (local.get $s) (local.get $i)) (i32.const 4096))) (then (return (i32.const 0))))
        (local.set $c (i32.load8_u (local.get $i)))
        (if (i32.eq (local.get $c) (i32.const 10)) (then (return (i32.const 0))))
        (br_if $found (i32.eq (local.get $c) (i32.const 34)))
        (local.set $i (i32.sub (local.get $i) (i32.const 1)))
        (br $back)))
    (local.set $i (i32.sub (local.get $i) (i32.const 1)))
    (if (i32.eq (i32.load8_u (select (i32.const 1048676) (local.get $i) (i32.lt_s (local.get $i) (i32.const 0)))) (i32.const 92)) (then (local.set $i (i32.sub (local.get $i) (i32.const 1)))))
    (block $spaces (loop $skip
      (br_if $spaces (i32.ne (i32.load8_u (select (i32.const 1048676) (local.get $i) (i32.lt_s (local.get $i) (i32.const 0)))) (i32.const 32)))
      (local.set $i (i32.sub (local.get $i) (i32.const 1)))
      (br $skip)))
    (local.set $c (i32.load8_u (select (i32.const 1048676) (local.get $i) (i32.lt_s (local.get $i) (i32.const 0)))))
    (i32.or (i32.or (i32.eq (local.get $c) (i32.const 58)) (i32.eq (local.get $c) (i32.const 61)))
            (i32.or (i32.eq (local.get $c) (i32.const 91)) (i32.eq (local.get $c) (i32.const 44)))))

;; The sparse anchors of the 16 bytes at p: `@`, `+` before a digit, `%40`, and each `::`.
  (func $anchors16 (param $p i32) (param $out i32) (param $n i32) (result i32)
    (local $v v128) (local $v1 v128) (local $t i32)
    (local.set $v (v128.load (local.get $p)))
    (local.set $v1 (v128.load (i32.add (local.get $p) (i32.const 1))))
    (local.set $t (i8x16.bitmask (i8x16.eq (local.get $v) (i8x16.splat (i32.const 64)))))
    (if (local.get $t) (then (local.set $n (call $emitBits (local.get $out) (local.get $n) (local.get $t) (local.get $p) (i32.const 2) (i32.const 0)))))
    ;; `+` then a digit, or a UTF-8 lead byte from 0xd9 (Arabic-Indic and fullwidth digits: plusOk decides)
    (local.set $t (i32.and
      (i8x16.bitmask (i8x16.eq (local.get $v) (i8x16.splat (i32.const 43))))
      (i8x16.bitmask (v128.or (i8x16.lt_u (i8x16.sub (local.get $v1) (i8x16.splat (i32.const 48))) (i8x16.splat (i32.const 10)))
                              (i8x16.gt_u (local.get $v1) (i8x16.splat (i32.const 0xd8)))))))
    (if (local.get $t) (then (local.set $n (call $emitBits (local.get $out) (local.get $n) (local.get $t) (local.get $p) (i32.const 4) (i32.const 0)))))
    (local.set $t (i32.and (i8x16.bitmask (i8x16.eq (local.get $v) (i8x16.splat (i32.const 37))))
      (i32.and (i8x16.bitmask (i8x16.eq (local.get $v1) (i8x16.splat (i32.const 52))))
               (i8x16.bitmask (i8x16.eq (v128.load (i32.add (local.get $p) (i32.const 2))) (i8x16.splat (i32.const 48)))))))
    (if (local.get $t) (then (local.set $n (call $emitBits (local.get $out) (local.get $n) (local.get $t) (local.get $p) (i32.const 3) (i32.const 0)))))
    (local.set $t (i32.and (i8x16.bitmask (i8x16.eq (local.get $v) (i8x16.splat (i32.const 58))))
                           (i8x16.bitmask (i8x16.eq (local.get $v1) (i8x16.splat (i32.const 58))))))
    (if (local.get $t) (then (local.set $n (call $emitBits (local.get $out) (local.get $n) (local.get $t) (local.get $p) (i32.const 5) (i32.const 0)))))
    (local.get $n))

  ;; Word j's first four letters (any case) in the 16 bytes at p. Each word is 80 bytes at `w`:
  ;; four 16-byte splats of its letters, the count of letters to compare (2 to 4), and which
  ;; letter the chunk test pairs with the first (the last compared).
  (func $word16 (param $p i32) (param $w i32) (param $j i32) (param $out i32) (param $n i32) (result i32)
    (local $dv v128) (local $wl i32) (local $t i32)
    (local.set $dv (v128.and
      (i8x16.eq (v128.or (v128.load (local.get $p)) (i8x16.splat (i32.const 0x20))) (v128.load (local.get $w)))
      (i8x16.eq (v128.or (v128.load (i32.add (local.get $p) (i32.const 1))) (i8x16.splat (i32.const 0x20))) (v128.load offset=16 (local.get $w)))))
    (local.set $wl (i32.load8_u offset=64 (local.get $w)))
    (if (i32.gt_u (local.get $wl) (i32.const 2))
      (then (local.set $dv (v128.and (local.get $dv)
        (i8x16.eq (v128.or (v128.load (i32.add (local.get $p) (i32.const 2))) (i8x16.splat (i32.const 0x20))) (v128.load offset=32 (local.get $w)))))))
    (if (i32.gt_u (local.get $wl) (i32.const 3))
      (then (local.set $dv (v128.and (local.get $dv)
        (i8x16.eq (v128.or (v128.load (i32.add (local.get $p) (i32.const 3))) (i8x16.splat (i32.const 0x20))) (v128.load offset=48 (local.get $w)))))))
    (local.set $t (i8x16.bitmask (local.get $dv)))
    (if (local.get $t) (then (local.set $n (call $emitBits (local.get $out) (local.get $n) (local.get $t) (local.get $p) (i32.const 6) (local.get $j)))))
    (local.get $n))

  ;; Byte classes come from two nibble tables (TABLE_HI and TABLE_LO below, ANDed): bit 0x80
  ;; digit, 0x40 a separator numbers are written with (space ( ) - .), 0x20 dot, 0x10 colon,
  ;; 0x08 `@`, 0x04 `+` or `%`.

  ;; scan(len, out, cap, words, nwords, flags) -> pairs written, or -1 when the output fills up.
  ;; flags: 1, the policy calls private ranges personal; 2, it reads national numbers with a trunk 0.
  ;; 64 bytes a step: four vectors, their masks joined into 64-bit words.
  (func (export "scan") (param $len i32) (param $out i32) (param $cap i32) (param $words i32) (param $nwords i32) (param $private i32) (result i32)
    (local $p i32) (local $v0 v128) (local $v1 v128) (local $v2 v128) (local $v3 v128) (local $any v128)
    (local $k0 v128) (local $k1 v128) (local $k2 v128) (local $k3 v128) (local $tabHi v128) (local $tabLo v128)
    (local $N i64) (local $C i64) (local $low i64) (local $high i64) (local $M i64) (local $R i64) (local $rm i64)
    (local $lo i32) (local $hi i32) (local $t i32) (local $rl i32) (local $k i32) (local $j i32) (local $w i32)
    (local $carry i32) (local $carryStart i32)
    (local $c0 i32) (local $c1 i32) (local $c2 i32) (local $n i32)
    (local.set $tabHi (v128.const i8x16 0 0 100 -112 8 0 0 0 0 0 0 0 0 0 0 0)) ;; TABLE_HI
    (local.set $tabLo (v128.const i8x16 -56 -128 -128 -128 -128 -124 -128 -128 -64 -64 16 4 0 64 96 0)) ;; TABLE_LO
    (block $done
      (loop $chunks
        (br_if $done (i32.ge_u (local.get $p) (local.get $len)))
        ;; a chunk adds at most 64 pairs per anchor kind and word, and 16 for numbers and colons
        (if (i32.gt_s (local.get $n) (i32.sub (local.get $cap) (i32.add (i32.const 400) (i32.shl (local.get $nwords) (i32.const 6))))) (then (return (i32.const -1))))
        (local.set $v0 (v128.load (local.get $p)))
        (local.set $v1 (v128.load offset=16 (local.get $p)))
        (local.set $v2 (v128.load offset=32 (local.get $p)))
        (local.set $v3 (v128.load offset=48 (local.get $p)))
        (local.set $k0 (v128.and (i8x16.swizzle (local.get $tabHi) (i8x16.shr_u (local.get $v0) (i32.const 4)))
                                  (i8x16.swizzle (local.get $tabLo) (v128.and (local.get $v0) (i8x16.splat (i32.const 15))))))
        (local.set $k1 (v128.and (i8x16.swizzle (local.get $tabHi) (i8x16.shr_u (local.get $v1) (i32.const 4)))
                                  (i8x16.swizzle (local.get $tabLo) (v128.and (local.get $v1) (i8x16.splat (i32.const 15))))))
        (local.set $k2 (v128.and (i8x16.swizzle (local.get $tabHi) (i8x16.shr_u (local.get $v2) (i32.const 4)))
                                  (i8x16.swizzle (local.get $tabLo) (v128.and (local.get $v2) (i8x16.splat (i32.const 15))))))
        (local.set $k3 (v128.and (i8x16.swizzle (local.get $tabHi) (i8x16.shr_u (local.get $v3) (i32.const 4)))
                                  (i8x16.swizzle (local.get $tabLo) (v128.and (local.get $v3) (i8x16.splat (i32.const 15))))))
        ;; number-ish bytes (digits and separators, the classes from 0x40 up), joined
        (local.set $N (i64.or
          (i64.or (i64.extend_i32_u (i8x16.bitmask (i8x16.gt_u (local.get $k0) (i8x16.splat (i32.const 0x3f)))))
                  (i64.shl (i64.extend_i32_u (i8x16.bitmask (i8x16.gt_u (local.get $k1) (i8x16.splat (i32.const 0x3f))))) (i64.const 16)))
          (i64.or (i64.shl (i64.extend_i32_u (i8x16.bitmask (i8x16.gt_u (local.get $k2) (i8x16.splat (i32.const 0x3f))))) (i64.const 32))
                  (i64.shl (i64.extend_i32_u (i8x16.bitmask (i8x16.gt_u (local.get $k3) (i8x16.splat (i32.const 0x3f))))) (i64.const 48)))))
        (if (i64.eq (local.get $N) (i64.const -1))
          (then
            (if (i32.eqz (local.get $carry)) (then (local.set $carryStart (local.get $p))))
            (local.set $carry (i32.add (local.get $carry) (i32.const 64))))
          (else
            ;; the stretch ending in the lowest bits (continuing the carried one)
            (local.set $lo (i32.wrap_i64 (i64.ctz (i64.xor (local.get $N) (i64.const -1)))))
            (local.set $low (i64.sub (i64.shl (i64.const 1) (i64.extend_i32_u (local.get $lo))) (i64.const 1)))
            (if (i32.ge_u (i32.add (local.get $carry) (local.get $lo)) (i32.const 7))
              (then
                (if (call $worth
                      (select (local.get $carryStart) (local.get $p) (local.get $carry))
                      (i32.add (local.get $p) (local.get $lo))
                      (local.get $private))
                  (then
                    (local.set $n (call $emit (local.get $out) (local.get $n)
                      (select (local.get $carryStart) (local.get $p) (local.get $carry))
                      (i32.add (local.get $p) (local.get $lo))))))))
            ;; the stretch running into the next chunk
            (local.set $hi (i32.wrap_i64 (i64.clz (i64.xor (local.get $N) (i64.const -1)))))
            (local.set $high (select (i64.shl (i64.const -1) (i64.extend_i32_u (i32.sub (i32.const 64) (local.get $hi)))) (i64.const 0) (local.get $hi)))
            ;; stretches wholly inside: bit i of R set when bits i..i+6 of M are
            (local.set $M (i64.and (local.get $N) (i64.xor (i64.or (local.get $low) (local.get $high)) (i64.const -1))))
            (local.set $R (i64.and (local.get $M) (i64.shr_u (local.get $M) (i64.const 1))))
            (local.set $R (i64.and (local.get $R) (i64.shr_u (local.get $R) (i64.const 2))))
            (local.set $R (i64.and (local.get $R) (i64.shr_u (local.get $R) (i64.const 3))))
            ;; each run of 7 or more starts at the lowest set bit of R; shorter runs are never visited
            (block $inner_done
              (loop $inner
                (br_if $inner_done (i64.eqz (local.get $R)))
                (local.set $t (i32.wrap_i64 (i64.ctz (local.get $R))))
                (local.set $rl (i32.wrap_i64 (i64.ctz (i64.xor (i64.shr_u (local.get $M) (i64.extend_i32_u (local.get $t))) (i64.const -1)))))
                (local.set $rm (i64.shl (i64.sub (i64.shl (i64.const 1) (i64.extend_i32_u (local.get $rl))) (i64.const 1)) (i64.extend_i32_u (local.get $t))))
                (if (call $worth
                      (i32.add (local.get $p) (local.get $t))
                      (i32.add (i32.add (local.get $p) (local.get $t)) (local.get $rl))
                      (local.get $private))
                  (then
                    (local.set $n (call $emit (local.get $out) (local.get $n)
                      (i32.add (local.get $p) (local.get $t))
                      (i32.add (i32.add (local.get $p) (local.get $t)) (local.get $rl))))))
                (local.set $R (i64.and (local.get $R) (i64.xor (local.get $rm) (i64.const -1))))
                (br $inner)))
            (local.set $carry (local.get $hi))
            (local.set $carryStart (i32.sub (i32.add (local.get $p) (i32.const 64)) (local.get $hi)))))
        ;; colons: a region where three consecutive 16-byte blocks hold six, read per block
        (local.set $C (i64.or
          (i64.or (i64.extend_i32_u (i8x16.bitmask (i8x16.eq (local.get $k0) (i8x16.splat (i32.const 0x10)))))
                  (i64.shl (i64.extend_i32_u (i8x16.bitmask (i8x16.eq (local.get $k1) (i8x16.splat (i32.const 0x10))))) (i64.const 16)))
          (i64.or (i64.shl (i64.extend_i32_u (i8x16.bitmask (i8x16.eq (local.get $k2) (i8x16.splat (i32.const 0x10))))) (i64.const 32))
                  (i64.shl (i64.extend_i32_u (i8x16.bitmask (i8x16.eq (local.get $k3) (i8x16.splat (i32.const 0x10))))) (i64.const 48)))))
        (if (i32.ge_u (i32.add (i32.wrap_i64 (i64.popcnt (local.get $C))) (i32.add (local.get $c1) (local.get $c2))) (i32.const 6))
          (then
            (local.set $k (i32.const 0))
            (loop $blocks
              (local.set $c0 (i32.wrap_i64 (i64.popcnt (i64.and (i64.shr_u (local.get $C) (i64.extend_i32_u (i32.shl (local.get $k) (i32.const 4)))) (i64.const 0xffff)))))
              (if (i32.ge_u (i32.add (i32.add (local.get $c0) (local.get $c1)) (local.get $c2)) (i32.const 6))
                (then
                  (local.set $t (i32.add (local.get $p) (i32.shl (local.get $k) (i32.const 4))))
                  (local.set $n (call $emit (local.get $out) (local.get $n)
                    (i32.or (i32.const 0x81000000) (select (i32.sub (local.get $t) (i32.const 32)) (i32.const 0) (i32.ge_u (local.get $t) (i32.const 32))))
                    (i32.add (local.get $t) (i32.const 16))))))
              (local.set $c2 (local.get $c1))
              (local.set $c1 (local.get $c0))
              (local.set $k (i32.add (local.get $k) (i32.const 1)))
              (br_if $blocks (i32.lt_u (local.get $k) (i32.const 4)))))
          (else
            (local.set $c2 (i32.wrap_i64 (i64.popcnt (i64.and (i64.shr_u (local.get $C) (i64.const 32)) (i64.const 0xffff)))))
            (local.set $c1 (i32.wrap_i64 (i64.popcnt (i64.shr_u (local.get $C) (i64.const 48)))))))
        ;; the sparse anchors: one test for the chunk, the details per block
        (local.set $any (v128.and (v128.or (v128.or (local.get $k0) (local.get $k1)) (v128.or (local.get $k2) (local.get $k3))) (i8x16.splat (i32.const 0x0c))))
        ;; colon pairs (`::`), the last one reaching into the next chunk
        (local.set $C (i64.and (local.get $C) (i64.or (i64.shr_u (local.get $C) (i64.const 1)) (i64.shl (i64.extend_i32_u (i32.eq (i32.load8_u offset=64 (local.get $p)) (i32.const 58))) (i64.const 63)))))
        (if (i32.or (v128.any_true (local.get $any)) (i64.ne (local.get $C) (i64.const 0)))
          (then
            (if (i32.or (v128.any_true (v128.and (local.get $k0) (i8x16.splat (i32.const 0x0c)))) (i32.wrap_i64 (i64.and (local.get $C) (i64.const 0xffff))))
              (then (local.set $n (call $anchors16 (local.get $p) (local.get $out) (local.get $n)))))
            (if (i32.or (v128.any_true (v128.and (local.get $k1) (i8x16.splat (i32.const 0x0c)))) (i32.wrap_i64 (i64.and (local.get $C) (i64.const 0xffff0000))))
              (then (local.set $n (call $anchors16 (i32.add (local.get $p) (i32.const 16)) (local.get $out) (local.get $n)))))
            (if (i32.or (v128.any_true (v128.and (local.get $k2) (i8x16.splat (i32.const 0x0c)))) (i64.ne (i64.and (local.get $C) (i64.const 0xffff00000000)) (i64.const 0)))
              (then (local.set $n (call $anchors16 (i32.add (local.get $p) (i32.const 32)) (local.get $out) (local.get $n)))))
            (if (i32.or (v128.any_true (v128.and (local.get $k3) (i8x16.splat (i32.const 0x0c)))) (i64.ne (i64.shr_u (local.get $C) (i64.const 48)) (i64.const 0)))
              (then (local.set $n (call $anchors16 (i32.add (local.get $p) (i32.const 48)) (local.get $out) (local.get $n)))))))
;; username key words: their first and last tested letter over the chunk (`u..r`, `l..i`:
        ;; rarer in logs than a first pair), then the details per block
        (if (local.get $nwords)
          (then
            (local.set $j (i32.const 0))
            (loop $each_word
              (local.set $w (i32.add (local.get $words) (i32.mul (local.get $j) (i32.const 80))))
              (local.set $t (i32.load8_u offset=65 (local.get $w))) ;; the second letter tested (1 to 3)
              (local.set $any (v128.load (i32.add (local.get $w) (i32.shl (local.get $t) (i32.const 4)))))
              (local.set $t (i32.add (local.get $p) (local.get $t)))
              (if (v128.any_true (v128.or
                    (v128.or
                      (v128.and (i8x16.eq (v128.or (local.get $v0) (i8x16.splat (i32.const 0x20))) (v128.load (local.get $w)))
                                (i8x16.eq (v128.or (v128.load (local.get $t)) (i8x16.splat (i32.const 0x20))) (local.get $any)))
                      (v128.and (i8x16.eq (v128.or (local.get $v1) (i8x16.splat (i32.const 0x20))) (v128.load (local.get $w)))
                                (i8x16.eq (v128.or (v128.load offset=16 (local.get $t)) (i8x16.splat (i32.const 0x20))) (local.get $any))))
                    (v128.or
                      (v128.and (i8x16.eq (v128.or (local.get $v2) (i8x16.splat (i32.const 0x20))) (v128.load (local.get $w)))
                                (i8x16.eq (v128.or (v128.load offset=32 (local.get $t)) (i8x16.splat (i32.const 0x20))) (local.get $any)))
                      (v128.and (i8x16.eq (v128.or (local.get $v3) (i8x16.splat (i32.const 0x20))) (v128.load (local.get $w)))
                                (i8x16.eq (v128.or (v128.load offset=48 (local.get $t)) (i8x16.splat (i32.const 0x20))) (local.get $any))))))
                (then
                  (local.set $n (call $word16 (local.get $p) (local.get $w) (local.get $j) (local.get $out) (local.get $n)))
                  (local.set $n (call $word16 (i32.add (local.get $p) (i32.const 16)) (local.get $w) (local.get $j) (local.get $out) (local.get $n)))
                  (local.set $n (call $word16 (i32.add (local.get $p) (i32.const 32)) (local.get $w) (local.get $j) (local.get $out) (local.get $n)))
                  (local.set $n (call $word16 (i32.add (local.get $p) (i32.const 48)) (local.get $w) (local.get $j) (local.get $out) (local.get $n)))))
              (local.set $j (i32.add (local.get $j) (i32.const 1)))
              (br_if $each_word (i32.lt_u (local.get $j) (local.get $nwords))))))
        (local.set $p (i32.add (local.get $p) (i32.const 64)))
        (br $chunks)))
    ;; a stretch running to the end of the input
    (if (local.get $carry)
      (then
        (if (call $worth (local.get $carryStart) (i32.add (local.get $carryStart) (local.get $carry)) (local.get $private))
          (then (local.set $n (call $emit (local.get $out) (local.get $n) (local.get $carryStart) (i32.add (local.get $carryStart) (local.get $carry))))))))
    (local.get $n))

  ;; newlines(a, b): how many '\n' bytes [a, b) of the input holds, 16 bytes a step (the
  ;; scanner numbers lines; the input stays in place after scan)
  (func (export "newlines") (param $a i32) (param $b i32) (result i32)
    (local $n i32)
    (block $done
      (loop $blocks
        (br_if $done (i32.gt_s (i32.add (local.get $a) (i32.const 16)) (local.get $b)))
        (local.set $n (i32.add (local.get $n) (i32.popcnt (i8x16.bitmask (i8x16.eq (v128.load (local.get $a)) (i8x16.splat (i32.const 10)))))))
        (local.set $a (i32.add (local.get $a) (i32.const 16)))
        (br $blocks)))
    (if (i32.lt_s (local.get $a) (local.get $b))
      (then (local.set $n (i32.add (local.get $n) (i32.popcnt (i32.and
        (i8x16.bitmask (i8x16.eq (v128.load (local.get $a)) (i8x16.splat (i32.const 10))))
        (i32.sub (i32.shl (i32.const 1) (i32.sub (local.get $b) (local.get $a))) (i32.const 1))))))))
    (local.get $n))
)
