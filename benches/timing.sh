# Sourced by the benchmark scripts, with $work set: a trash folder for outputs moved out of
# the way (deleted only when every measurement is done) and `timed`, one timed command.

trash=$work/trash
rm -rf "$trash"
mkdir -p "$trash"
aside() { mktemp -d -u "$trash/XXXXXXXX"; }
trap 'rm -rf "$trash"' EXIT

# One timed command: prints "wall_s user_s sys_s maxrss_kb". `sync` first, untimed, so that
# neither tool pays for flushing the other's output to disk.
timed() { sync; /usr/bin/time -f '%e %U %S %M' -o "$work/time.txt" "$@" > /dev/null 2> "$work/stderr.txt" \
  || { cat "$work/stderr.txt" >&2; exit 1; }; cat "$work/time.txt"; }
