#!/bin/bash
# CLISH-like login shell for the real-sshd tests (forced for user fbadmin via ForceCommand).
# Mimics FTD 6.5 (docs/devices.md "Banners", "Levels", "show version"): banner, bare "> " prompt, show commands,
# `expert` → an interactive bash with PS1 "user@host:cwd$ " (real sudo works from there).
# Usage: clish-fixture.sh STATE_DIR  — STATE_DIR/mode holds space-separated switches:
#   lockdown  (expert refused: back to "> "), bell (BEL before each prompt),
#   force-password-change (first-login dialog, netmiko #3065),
#   mute (a prompt nobody knows, and a program behind it that never answers: no shell at all),
#   slow-prompt (CLISH takes 5.5 s after the banner to show its first "> ")
# Every CLISH command received is appended to STATE_DIR/commands.log.
STATE_DIR="$1"
MODE=""
[ -r "$STATE_DIR/mode" ] && MODE="$(cat "$STATE_DIR/mode")"
has_mode() { case " $MODE " in *" $1 "*) return 0 ;; esac; return 1; }
log_cmd() { printf '%s\n' "$1" >> "$STATE_DIR/commands.log" 2>/dev/null; }
HOST="$(hostname)"

if has_mode force-password-change; then
  printf 'Hello %s. You must change your password.\nEnter new password: ' "$USER"
  IFS= read -r _ || exit 0
  exit 1
fi

if has_mode mute; then
  printf 'Welcome to the appliance menu\n\033[1mfw-東京 ⟫\033[0m '
  while IFS= read -r _; do :; done
  exit 0
fi

cat <<'BANNER'
Last login: Thu Jan 14 09:35:20 UTC 2021 from 10.61.245.163 on pts/0

Copyright 2004-2019, Cisco and/or its affiliates. All rights reserved.
Cisco is a registered trademark of Cisco Systems, Inc.
All other trademarks are property of their respective owners.

Cisco Fire Linux OS v6.5.0 (build 4)
Cisco Firepower 4145 Threat Defense v6.5.0 (build 115)

BANNER
has_mode slow-prompt && sleep 5.5

show_version() {
  printf -- '--------------------[ %s ]--------------------\n' "$HOST"
  printf 'Model                     : Cisco Firepower Threat Defense for VMWare (75) Version 6.5.0 (Build 115)\n'
  printf 'UUID                      : 9d4b06f4-f4d2-11e9-8c86-eb98e807d9d8\n'
  printf 'Rules update version      : 2019-08-12-001-vrt\n'
  printf 'VDB version               : 309\n'
  printf -- '----------------------------------------------------\n'
}

show_network() {
  printf '===============[ System Information ]===============\n'
  printf 'Hostname                  : %s\n' "$HOST"
  printf 'DNS Servers               : 192.168.200.100\n'
  printf '                            8.8.8.8\n'
  printf 'Management port           : 8305\n'
}

# A long listing behind a Lina-style pager: space continues (docs/devices.md "Paging").
show_paged() {
  local i
  for i in $(seq 1 30); do
    printf 'line %02d of paged output\n' "$i"
    if [ $((i % 10)) -eq 0 ] && [ "$i" -lt 30 ]; then
      printf '<--- More --->'
      IFS= read -r -n 1 _
      printf '\r              \r'
    fi
  done
}

while true; do
  has_mode bell && printf '\a'
  printf '> '
  IFS= read -r line || exit 0
  line="${line%$'\r'}"
  log_cmd "$line"
  case "$line" in
    'show version') show_version ;;
    'show network') show_network ;;
    'show paged') show_paged ;;
    'show ansi') printf '\033[1mBold\033[0m text \033[32mgreen\033[0m\a\n' ;;
    'expert')
      if has_mode lockdown; then
        continue
      fi
      printf '**************************************************************\n'
      printf 'NOTICE - Shell access will be deprecated in future releases\n'
      printf '        and will be replaced with a separate expert mode CLI.\n'
      printf '**************************************************************\n'
      cd "$HOME" || true
      PS1='\u@\h:\w\$ ' bash --norc --noprofile -i
      ;;
    'exit' | 'logout') exit 0 ;;
    '') ;;
    *) printf 'Syntax error: Illegal parameter\n' ;;
  esac
done
