#!/usr/bin/env bash
# t_privileges.sh - a live capture without the privileges for it: status 1 and one line that
# says which permission is missing and what to do; the advice works (setcap, then the same
# unprivileged user captures). A missing interface is named as missing, even unprivileged.
# Needs root (to become another user and to set capabilities); skipped otherwise.
set -u
fail() { echo "FAIL: $*"; exit 1; }
[ "$(id -u)" -eq 0 ] || { echo "not root: cannot run as another user"; exit 77; }
command -v setpriv >/dev/null || { echo "setpriv is not installed"; exit 77; }
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
# The unprivileged user must be able to run the binary and read the data files.
chmod 755 "$work"
cp "$PS_BIN" "$work/portsleuth"
cp -r "$ROOT/signatures" "$work/data"
chmod -R a+rX "$work"
as_nobody() { # args... -> status in $rc, messages in $work/err
    setpriv --reuid=65534 --regid=65534 --clear-groups "$work/portsleuth" -q \
        --data-dir "$work/data" "$@" >/dev/null 2>"$work/err"
    rc=$?
}

as_nobody -i lo --duration 1
[ $rc -eq 1 ] || fail "unprivileged capture: status $rc, wanted 1: $(cat "$work/err")"
[ "$(wc -l <"$work/err")" -eq 1 ] || fail "wanted one line: $(cat "$work/err")"
grep -q "^portsleuth: permission denied capturing on 'lo': run as root, or give the binary the capture capabilities: setcap cap_net_raw,cap_net_admin=eip $work/portsleuth$" "$work/err" ||
    fail "the message does not say which permission and what to do: $(cat "$work/err")"

as_nobody -i ps-no-such-if0 --duration 1
[ $rc -eq 1 ] || fail "missing interface: status $rc"
grep -q "no such interface 'ps-no-such-if0'" "$work/err" || fail "missing interface not named: $(cat "$work/err")"

# The advice works: with the capabilities the same user captures (when the file system keeps them).
if command -v setcap >/dev/null && setcap cap_net_raw,cap_net_admin=eip "$work/portsleuth" 2>/dev/null; then
    as_nobody -i lo --duration 1
    [ $rc -eq 0 ] || fail "with cap_net_raw,cap_net_admin: status $rc: $(cat "$work/err")"
fi
echo "missing privileges and a missing interface are each one line saying what to do"
