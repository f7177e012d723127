#!/bin/sh
# Install the system Chromium that the browser tests drive (tests/browser/conftest.py).
# Idempotent: does nothing but report the version when /usr/bin/chromium is already there.
# Playwright never downloads a browser here (`playwright install` is not used).
set -eu

CHROMIUM=/usr/bin/chromium

# A CJK font, so the Chinese-first pages (and the tests' screenshots) show characters, not boxes.
FONT=/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc

if [ ! -x "$CHROMIUM" ] || [ ! -e "$FONT" ]; then
    if [ "$(id -u)" -eq 0 ]; then
        SUDO=
    elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        SUDO=sudo
    else
        echo "install-chromium: $CHROMIUM is missing and installing it needs root." >&2
        echo "install-chromium: run as root (or with passwordless sudo):" >&2
        echo "    apt-get update && apt-get install -y --no-install-recommends chromium" >&2
        exit 1
    fi
    if ! command -v apt-get >/dev/null 2>&1; then
        echo "install-chromium: apt-get not found; install Chromium at $CHROMIUM by hand." >&2
        exit 1
    fi
    echo "install-chromium: installing chromium and a CJK font with apt-get" >&2
    $SUDO apt-get update
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends chromium fonts-wqy-zenhei
fi

if [ ! -x "$CHROMIUM" ]; then
    echo "install-chromium: apt-get finished but $CHROMIUM is still missing." >&2
    exit 1
fi

"$CHROMIUM" --version 2>/dev/null || "$CHROMIUM" --version
