#!/bin/sh
# Runs a command inside a private D-Bus session with an unlocked gnome-keyring, so tests of the
# OS-keychain secret store exercise the real Secret Service. Where dbus-run-session or
# gnome-keyring-daemon are missing, the command runs as is and keychain tests skip with a reason.
set -u
if ! command -v dbus-run-session >/dev/null 2>&1 || ! command -v gnome-keyring-daemon >/dev/null 2>&1; then
  exec "$@"
fi
tmp=$(mktemp -d)
chmod 700 "$tmp"
mkdir -m 700 "$tmp/run" "$tmp/data"
XDG_RUNTIME_DIR="$tmp/run" XDG_DATA_HOME="$tmp/data" \
  dbus-run-session -- sh -c 'printf test | gnome-keyring-daemon --unlock --components=secrets >/dev/null && exec "$@"' sh "$@"
status=$?
rm -rf "$tmp"
exit $status
