#!/usr/bin/env bash
# Runs each doctest binary given as an argument and prints, as the last line,
# "tests: N passed, N failed, N skipped" (test cases summed over all binaries).
# Exits non-zero if any binary fails or ran no test. Failed test cases and
# their assertions are repeated just above that last line, so a log that keeps
# only its tail still names what failed.
set -u
passed=0 failed=0 skipped=0 status=0
failures=""
for bin in "$@"; do
  echo "== $bin"
  out=$("$bin" --no-intro=true 2>&1)
  rc=$?
  printf '%s\n' "$out" | grep -v '^\[doctest\] test cases\|^\[doctest\] assertions\|^\[doctest\] Status' || true
  summary=$(printf '%s\n' "$out" | grep '^\[doctest\] test cases:' | tail -n 1)
  if [ -z "$summary" ]; then
    echo "$bin: no doctest summary (exit $rc)"; status=1; failed=$((failed + 1))
    failures+="$bin: no doctest summary (exit $rc)"$'\n'
    failures+=$(printf '%s\n' "$out" | tail -n 10)$'\n'
    continue
  fi
  p=$(sed -E 's/.*\| *([0-9]+) passed.*/\1/' <<<"$summary")
  f=$(sed -E 's/.*\| *([0-9]+) failed.*/\1/' <<<"$summary")
  s=$(sed -E 's/.*\| *([0-9]+) skipped.*/\1/' <<<"$summary")
  echo "$bin: $p passed, $f failed, $s skipped"
  passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
  if [ "$rc" -ne 0 ]; then
    status=1
    failures+="$bin (exit $rc):"$'\n'
    failures+=$(printf '%s\n' "$out" | grep -E 'TEST CASE:|ERROR:|SUBCASE:|crashed|signal' | head -n 40)$'\n'
  fi
done
[ "$passed" -eq 0 ] && status=1
if [ -n "$failures" ]; then
  echo "== failures"
  printf '%s' "$failures"
fi
echo "tests: $passed passed, $failed failed, $skipped skipped"
exit $status
