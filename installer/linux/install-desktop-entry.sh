#!/bin/sh
# Adds motcua to the applications menu of the current user (no root needed): run it from
# the unpacked bundle, e.g.  ~/motcua/share/install-desktop-entry.sh
# The program stays where it was unpacked; the register lives in ~/.local/share/motcua.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
program=$(cd "$here/.." && pwd)/motcua
[ -x "$program" ] || { echo "motcua not found at $program" >&2; exit 1; }
data=${XDG_DATA_HOME:-$HOME/.local/share}
mkdir -p "$data/applications" "$data/icons/hicolor/256x256/apps" "$data/icons/hicolor/scalable/apps"
cp "$here/motcua.png" "$data/icons/hicolor/256x256/apps/motcua.png"
cp "$here/motcua.svg" "$data/icons/hicolor/scalable/apps/motcua.svg"
# Exec and TryExec need the full path: the bundle is not on PATH.
quoted=$(printf '%s' "$program" | sed 's/[\\"`$]/\\\\&/g')
while IFS= read -r line; do
  case $line in
    Exec=motcua) printf 'Exec="%s"\n' "$quoted" ;;
    TryExec=motcua) printf 'TryExec=%s\n' "$program" ;;
    *) printf '%s\n' "$line" ;;
  esac
done < "$here/motcua.desktop" > "$data/applications/motcua.desktop"
command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database -q "$data/applications" || true
echo "motcua added to the applications menu ($data/applications/motcua.desktop)"
