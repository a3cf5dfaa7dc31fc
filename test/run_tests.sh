#!/usr/bin/env bash
# Runs each doctest binary given as an argument and prints, as the last line,
# "tests: N passed, N failed, N skipped" (test cases summed over all binaries).
# Exits non-zero if any binary fails or ran no test.
set -u
passed=0 failed=0 skipped=0 status=0
for bin in "$@"; do
  echo "== $bin"
  out=$("$bin" --no-intro=true 2>&1)
  rc=$?
  printf '%s\n' "$out" | grep -v '^\[doctest\] test cases\|^\[doctest\] assertions\|^\[doctest\] Status' || true
  summary=$(printf '%s\n' "$out" | grep '^\[doctest\] test cases:' | tail -n 1)
  if [ -z "$summary" ]; then
    echo "$bin: no doctest summary (exit $rc)"; status=1; failed=$((failed + 1)); continue
  fi
  p=$(sed -E 's/.*\| *([0-9]+) passed.*/\1/' <<<"$summary")
  f=$(sed -E 's/.*\| *([0-9]+) failed.*/\1/' <<<"$summary")
  s=$(sed -E 's/.*\| *([0-9]+) skipped.*/\1/' <<<"$summary")
  echo "$bin: $p passed, $f failed, $s skipped"
  passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
  [ "$rc" -ne 0 ] && status=1
done
[ "$passed" -eq 0 ] && status=1
echo "tests: $passed passed, $failed failed, $skipped skipped"
exit $status
