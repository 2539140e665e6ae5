#!/usr/bin/env bash
# Rewrites PublicAPI.Unshipped.txt of every packable project (or of the projects given) from the code, so that the
# build's public API checks pass again; the diff of the two files is the API change to review. See docs/public-api.md.
#
#   eng/update-public-api.sh                      every project with a PublicAPI.Shipped.txt under src/
#   eng/update-public-api.sh src/AgentCost        one project (its directory or .csproj)
#   eng/update-public-api.sh --ship [projects]    record the whole current API as shipped (at a release)
#
# One build per project: each RS0016 error names a public symbol missing from the files in the exact form they hold,
# and each RS0017 error points at a line of PublicAPI.Shipped.txt whose symbol is gone, which becomes a *REMOVED* line.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

ship=false
if [[ "${1:-}" == "--ship" ]]; then
  ship=true
  shift
fi

projects=()
if [[ $# -gt 0 ]]; then
  for arg in "$@"; do
    if [[ -d "$arg" ]]; then projects+=("$(ls "$arg"/*.csproj)"); else projects+=("$arg"); fi
  done
else
  while IFS= read -r shipped; do
    projects+=("$(ls "$(dirname "$shipped")"/*.csproj)")
  done < <(find src -name PublicAPI.Shipped.txt | sort)
fi

header='#nullable enable'

for project in "${projects[@]}"; do
  dir="$(dirname "$project")"
  shipped="$dir/PublicAPI.Shipped.txt"
  unshipped="$dir/PublicAPI.Unshipped.txt"
  echo "== $project"

  if $ship; then
    printf '%s\n' "$header" > "$shipped"
  fi
  printf '%s\n' "$header" > "$unshipped"

  # Warnings, not errors, so that the compiler reports every symbol and does not stop at the first failing project.
  # Only this project's diagnostics: the build compiles the projects it references too.
  log="$(dotnet build "$project" -c Release -p:TreatWarningsAsErrors=false -nologo 2>&1 | grep -F "[$root/${project#./}]" || true)"

  added="$(grep -oE "(warning|error) RS0016: Symbol '.*' is not part of the declared public API" <<< "$log" \
    | sed -E "s/^(warning|error) RS0016: Symbol '(.*)' is not part of the declared public API$/\2/" | LC_ALL=C sort -u || true)"
  removed_lines="$(grep -oE "PublicAPI\.Shipped\.txt\([0-9]+,[0-9]+\): (warning|error) RS0017" <<< "$log" \
    | sed -E 's/^PublicAPI\.Shipped\.txt\(([0-9]+),.*/\1/' | sort -un || true)"
  removed=""
  for line in $removed_lines; do
    removed+="*REMOVED*$(sed -n "${line}p" "$shipped")"$'\n'
  done

  target="$unshipped"
  $ship && target="$shipped"
  { printf '%s\n' "$header"; printf '%s' "$removed" | LC_ALL=C sort -u; [[ -n "$added" ]] && printf '%s\n' "$added"; true; } > "$target"
  echo "   $(grep -c . <<< "$added" || true) declared, $(printf '%s' "$removed" | grep -c . || true) removed"

  # What is left (RS0026/RS0027: an overload rule a new member breaks) needs a person, not this script.
  dotnet build "$project" -c Release --no-restore -nologo -v q 2>&1 | grep -E "error|Warn|Error" | sort -u | tail -n 5
done
