#!/bin/bash
# BENCHMARKS.md section 8: two opsctl release builds side by side on the
# extreme shapes, old then new for each case, one run each.
# Usage, in a directory holding the estates (benches/extreme_shapes.py writes
# them, e.g. `python3 extreme_shapes.py chain 100000 > chain-100k.json`; m1m.json
# is `gen_estate 1000000 42 mixed`): OLD=/path/opsctl NEW=/path/opsctl extreme_shapes.sh
NEW=${NEW:?set NEW to the opsctl to measure}; OLD=${OLD:?set OLD to the opsctl to compare with}
A="--at 2026-11-22T09:00:00Z"
run(){ label=$1; shift; /usr/bin/time -f "%e %M %x" -o t.txt timeout 120 "$@" > o.out 2>/dev/null; read s kb code < <(tail -1 t.txt); echo "| $label | $s | $((kb/1024)) | $(stat -c %s o.out) | $code |"; }
for case in "chain-3k.json check --format json" "chain-100k.json check --format json" "cycle-50k.json check --format json" "groups-50k.json check --format json" "groups-50k.json offboard alice" "domains-100k.json check --format json" "chain-100k.json blast-radius c50000" "m1m.json check --format json"; do
  set -- $case; f=$1; shift
  for b in old new; do bin=$OLD; [ $b = new ] && bin=$NEW
    if [ "$1" = blast-radius ]; then run "$b: $* $f" $bin blast-radius $f $2; elif [ "$1" = offboard ]; then run "$b: $* $f" $bin offboard $f $2 $A; else run "$b: $* $f" $bin "$@" $f $A; fi
  done
done
