#!/usr/bin/env bash
# Installs the real tools the test suite runs against, from Debian's packages, when missing:
# promtool + prometheus, alertmanager, victoria-metrics, ripgrep (PII benchmark baseline)
# chromium (report screenshots) and openssl (a throwaway CA for the TLS test). Safe to run repeatedly; does nothing when all are present.
set -euo pipefail

declare -A want=(
  [promtool]=prometheus
  [prometheus]=prometheus
  [prometheus-alertmanager]=prometheus-alertmanager
  [victoria-metrics]=victoria-metrics
  [rg]=ripgrep
  [chromium]=chromium
  [openssl]=openssl
)

missing=()
for bin in "${!want[@]}"; do
  if ! command -v "$bin" >/dev/null 2>&1 && [ ! -x "/usr/bin/$bin" ]; then
    missing+=("${want[$bin]}")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

pkgs=$(printf '%s\n' "${missing[@]}" | sort -u | tr '\n' ' ')
echo "ensure-tools: installing missing Debian packages: $pkgs" >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "ensure-tools: need root (or sudo) to install: $pkgs" >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >&2
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq $pkgs >&2
# Debian starts packaged daemons on install where an init system runs; tests start their own.
for svc in prometheus prometheus-alertmanager victoria-metrics prometheus-node-exporter; do
  $SUDO systemctl stop "$svc" >/dev/null 2>&1 || true
done
