#!/usr/bin/env bash
# Enforces the layering of DESIGN.md §1: a module includes only its own headers and
# those of the modules below it; only emu/ includes Unicorn.
set -u
cd "$(dirname "$0")/.."
declare -A allowed=(
  [common]="common"
  [mmu]="mmu common"
  [slat]="slat common"
  [iommu]="iommu common"
  [vtl]="vtl mmu slat iommu common"
  [emu]="emu vtl mmu slat iommu common"
  [frontends]="frontends emu common"
)
fail=0
for mod in "${!allowed[@]}"; do
  [ -d "$mod" ] || continue
  while IFS= read -r line; do
    file=${line%%:*}
    inc=$(sed -E 's/.*#[[:space:]]*include[[:space:]]*[<"]([^">]+)[">].*/\1/' <<<"${line#*:}")
    top=${inc%%/*}
    if [[ "$inc" == unicorn/* || "$inc" == unicorn.h ]]; then
      if [ "$mod" != emu ]; then echo "check-deps: $file includes $inc: only emu/ may include Unicorn"; fail=1; fi
      continue
    fi
    [ "$top" = "$inc" ] && continue   # a system header without a folder
    [ -d "$top" ] || continue         # a system header with a folder (SDL2/, capstone/)
    case " ${allowed[$mod]} " in
      *" $top "*) ;;
      *) echo "check-deps: $file includes $inc: $mod/ must not depend on $top/"; fail=1 ;;
    esac
  done < <(grep -rnE '^[[:space:]]*#[[:space:]]*include' --include='*.c' --include='*.h' "$mod" | sed -E 's/^([^:]+):[0-9]+:/\1:/')
done
if [ $fail = 0 ]; then echo "check-deps: layering ok"; fi
exit $fail
