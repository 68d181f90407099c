#!/usr/bin/env bash
# A clamd in the foreground on loopback, to try the virus scanning with `make run`:
#   scripts/clamd-local.sh                                 # Ctrl-C stops it
#   CLAMD_ADDRESS=tcp://127.0.0.1:3310 make run            # in another shell
# Signatures: Debian's /var/lib/clamav when freshclam has filled it (real protection);
# otherwise a database made here with the EICAR test file only, which protects against
# nothing (good for seeing a refusal). Production runs clamd and freshclam as services
# (README, "Attachments: refused files and virus scanning").
# clamd comes from scripts/system-deps.sh.
# Settings: CLAMD_PORT (3310), CLAMD_DIR (var/clamd).
set -euo pipefail
cd "$(dirname "$0")/.."

PORT=${CLAMD_PORT:-3310}
DIR=$(realpath -m "${CLAMD_DIR:-var/clamd}")
CLAMD=$(command -v clamd || echo /usr/sbin/clamd)
if [ ! -x "$CLAMD" ]; then
  echo "clamd is not installed: run scripts/system-deps.sh (Debian package clamav-daemon)" >&2
  exit 1
fi
mkdir -p "$DIR/db"

DATABASE=/var/lib/clamav
if ! compgen -G "$DATABASE/*.c[vl]d" >/dev/null; then
  DATABASE="$DIR/db"
  python3 - "$DATABASE" <<'PY'
import hashlib
import pathlib
import sys

eicar = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
folder = pathlib.Path(sys.argv[1])
digest = hashlib.sha256(eicar).hexdigest()
(folder / "eicar.hsb").write_text(f"{digest}:{len(eicar)}:Casehandling.Test.EICAR.File\n")
(folder / "eicar.ndb").write_text(f"Casehandling.Test.EICAR.Body:0:*:{eicar.hex()}\n")
PY
  echo "No freshclam signatures in /var/lib/clamav: only the EICAR test file is detected." >&2
fi

# StreamMaxLength at least ATTACHMENT_MAX_BYTES (10 MiB by default), or larger files wait
# in quarantine with "size limit exceeded" in the log.
cat > "$DIR/clamd.conf" <<EOF
Foreground yes
DatabaseDirectory $DATABASE
TCPAddr 127.0.0.1
TCPSocket $PORT
PidFile $DIR/clamd.pid
TemporaryDirectory $DIR
LogFile $DIR/clamd.log
StreamMaxLength 32M
MaxThreads 4
EOF
echo "clamd on tcp://127.0.0.1:$PORT (log: $DIR/clamd.log)" >&2
exec "$CLAMD" --config-file="$DIR/clamd.conf"
