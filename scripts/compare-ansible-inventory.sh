#!/usr/bin/env bash
# Compares firebook's inventory resolution with the real ansible-inventory, as JSON.
#
# For every fixture inventory (test/fixtures/inventory/<name>/ holding expected.ansible.json)
# and every example under inventory/, runs
#   ansible-inventory -i FILE --list
#   node dist/src/cli/main.js inventory -i FILE --list --show-secrets
# and compares the two documents after JSON parsing (key order, indentation and 1500 vs
# 1500.0 do not matter). Prints one line per inventory; exits 1 on any difference, 2 when a
# tool is missing. Run from the repository root after `npm run build`.
# FIREBOOK overrides the firebook command (default: node dist/src/cli/main.js).
set -u
cd "$(dirname "$0")/.."

FIREBOOK="${FIREBOOK:-node dist/src/cli/main.js}"
command -v ansible-inventory >/dev/null || { echo "compare-ansible-inventory: ansible-inventory not found (apt install ansible-core)" >&2; exit 2; }
command -v python3 >/dev/null || { echo "compare-ansible-inventory: python3 not found" >&2; exit 2; }

inventories=()
for dir in test/fixtures/inventory/*/; do
  [ -f "$dir/expected.ansible.json" ] || continue
  for f in "$dir"*; do
    [ -f "$f" ] || continue
    case "$(basename "$f")" in expected.*) continue ;; esac
    inventories+=("$f")
  done
done
for f in inventory/*.yml inventory/*.yaml inventory/*.ini inventory/*.json; do
  [ -f "$f" ] && inventories+=("$f")
done

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
failed=0
for f in "${inventories[@]}"; do
  if ! ANSIBLE_INVENTORY_UNPARSED_FAILED=1 ansible-inventory -i "$f" --list >"$tmp/ansible.json" 2>"$tmp/ansible.err"; then
    echo "ERROR  $f: ansible-inventory failed: $(head -c 300 "$tmp/ansible.err")"
    failed=1
    continue
  fi
  if ! $FIREBOOK inventory -i "$f" --list --show-secrets >"$tmp/firebook.json" 2>"$tmp/firebook.err"; then
    echo "ERROR  $f: firebook failed: $(head -c 300 "$tmp/firebook.err")"
    failed=1
    continue
  fi
  if python3 - "$tmp/ansible.json" "$tmp/firebook.json" >"$tmp/diff.txt" <<'PY'
import json, sys, difflib
a = json.load(open(sys.argv[1]))
b = json.load(open(sys.argv[2]))
if a == b:
    sys.exit(0)
dump = lambda d: json.dumps(d, indent=2, sort_keys=True).splitlines()
print("\n".join(difflib.unified_diff(dump(a), dump(b), "ansible-inventory", "firebook", lineterm="", n=2)))
sys.exit(1)
PY
  then
    echo "OK     $f"
  else
    echo "DIFF   $f"
    sed 's/^/       /' "$tmp/diff.txt" | head -40
    failed=1
  fi
done
[ "${#inventories[@]}" -gt 0 ] || { echo "compare-ansible-inventory: no inventories found" >&2; exit 2; }
exit "$failed"
