#!/usr/bin/env bash
# Developer tool (not part of the test suite): run the shared "sitecheck" acceptance
# check (vnu HTML validation, Chromium crawl, axe-core, file:// mode, feeds, sitemap)
# on a built site and print its human summary.
#
# usage: tests/run_sitecheck.sh SITE_DIR [OUTDIR]
#        tests/run_sitecheck.sh --selftest      # the tool's own self-test
#
# The tool lives read-only in ../shared/tools/sitecheck (relative to the repo root), and
# installs npm packages into its own folder, so it is copied (without node_modules) to
# ${SITECHECK_TOOL_DIR:-/tmp/sitecheck-tool} and installed there (install.sh is idempotent;
# about 2 s when everything is present). Reports go to OUTDIR (default: a new folder under
# /tmp/sitecheck/runs/); the summary JSON is OUTDIR/summary.json.
# Exit code: sitecheck's own: 0 pass, 1 the site has defects, 2 harness/setup problem.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SRC="${SITECHECK_SRC:-$REPO/../shared/tools/sitecheck}"
TOOL="${SITECHECK_TOOL_DIR:-/tmp/sitecheck-tool}"

if [ $# -lt 1 ] || [ "$1" = "-h" ] || [ "$1" = "--help" ]; then
  sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
fi
if [ ! -f "$SRC/sitecheck.sh" ]; then
  echo "run_sitecheck: sitecheck not found at $SRC (set SITECHECK_SRC)" >&2
  exit 2
fi

# Copy the tool's files (not node_modules) so that npm can write beside them.
mkdir -p "$TOOL"
for f in "$SRC"/* "$SRC"/.gitignore; do
  [ "$(basename "$f")" = node_modules ] && continue
  cp -R "$f" "$TOOL/"
done
chmod -R u+w "$TOOL"

"$TOOL/install.sh" </dev/null

if [ "$1" = "--selftest" ]; then
  exec python3 "$TOOL/selftest.py"
fi

SITE="$1"
OUT="${2:-${SITECHECK_TMP:-/tmp/sitecheck}/runs/$(date +%Y%m%d-%H%M%S)-$$}"
mkdir -p "$OUT"
status=0
# sitecheck prints the human lines on stderr and the summary JSON on stdout.
"$TOOL/sitecheck.sh" "$SITE" "$OUT" >/dev/null </dev/null || status=$?
echo "reports: $OUT (summary.json, browser.json, vnu.json, screenshots/)" >&2
exit "$status"
