#!/usr/bin/env bash
# Known-vulnerability audit of the pinned dependencies (make audit).
#
#   Python: pip-audit over requirements/base.txt and dev.txt (no install, the pins as
#           they are), against PyPI's vulnerability data (or OSV with AUDIT_SERVICE=osv).
#   npm:    npm audit over package-lock.json (the API lint tooling only).
#
# Exit 0: audited, nothing known outside the allow-list. Exit 1: known vulnerabilities.
# Exit 3: NOT AUDITED - a vulnerability database could not be reached or gave no data.
# It never reports "no known vulnerabilities" when it could not look.
#
# Allow-list: requirements/audit-allow.txt, one vulnerability id a line with a reason
# after a '#' (e.g. "GHSA-xxxx-xxxx-xxxx  # not reachable: we never call X").
set -uo pipefail
cd "$(dirname "$0")/.."

PIP_AUDIT=.venv-audit/bin/pip-audit
SERVICE=${AUDIT_SERVICE:-pypi}
ignores=()
while read -r id _; do
  [[ -z "$id" || "$id" == \#* ]] && continue
  ignores+=(--ignore-vuln "$id")
done < <(sed 's/#.*//' requirements/audit-allow.txt 2>/dev/null)

status=0
report=$(mktemp)
"$PIP_AUDIT" --disable-pip --no-deps --vulnerability-service "$SERVICE" --progress-spinner off \
  --format json -o "$report" -r requirements/base.txt -r requirements/dev.txt "${ignores[@]}" \
  2> "$report.err"
python_rc=$?
if [[ $python_rc -ne 0 ]] && ! python3 -c "import json,sys; json.load(open(sys.argv[1]))" "$report" 2>/dev/null; then
  echo "Python dependencies: NOT AUDITED - the vulnerability service ($SERVICE) could not be used:"
  tail -3 "$report.err" | sed 's/^/  /'
  status=3
else
  python3 scripts/audit_report.py "$report"
  status=$?
fi

if npm audit --package-lock-only --omit=optional --audit-level=low > "$report.npm" 2>&1; then
  echo "npm (lint tooling): audited, no known vulnerabilities."
elif grep -qiE "found [0-9]+ .*vulnerabilit|[0-9]+ (low|moderate|high|critical)" "$report.npm"; then
  echo "npm (lint tooling): known vulnerabilities:"; sed 's/^/  /' "$report.npm" | tail -20
  [[ $status -eq 0 ]] && status=1
else
  echo "npm (lint tooling): NOT AUDITED - the registry's audit endpoint could not be used:"
  tail -3 "$report.npm" | sed 's/^/  /'
  [[ $status -eq 0 ]] && status=3
fi
rm -f "$report" "$report.err" "$report.npm"
exit $status
