; The guest's own 4-level page tables are walked (not the loader's): 4 KiB PTE aliases,
; a 2 MiB page and a 1 GiB page all reach the right GPA; the walker sets Accessed in every
; entry it used and Dirty only in the leaf of a write; INVLPG and a CR3 reload make a
; changed PTE take effect.
;
; expect-exit: 0
; expect-stdout:
; expect-no-event: "kind":"exception"

ADATA  equ KCODE2 + 0x1000            ; a data page, aliased at VA 0x409000 and 0x40a000
ADATA2 equ KCODE2 + 0x2000
ALIAS9  equ TEST_VA + 9 * 0x1000
ALIAS10 equ TEST_VA + 10 * 0x1000
%define PTE_TEST_9 (ADATA | PG_P | PG_W)
%define PTE_TEST_10 (ADATA | PG_P | PG_W)
%include "guest.inc"
_start:
  SETUP
  mov rax, 0x1122334455667788
  mov rbx, ALIAS9 + 0x10
  mov [rbx], rax                      ; write through the 4 KiB alias
  CHECK 1, [abs ADATA + 0x10], rax, "write through a 4 KiB PTE alias reaches its GPA"
  mov rbx, ALIAS10 + 0x10
  CHECK 2, [rbx], rax, "read through a second 4 KiB alias"
  mov rbx, ALIAS_1G + ADATA + 0x10
  CHECK 3, [rbx], rax, "read through the 1 GiB page (VA 0x40000000 + GPA)"

  mov rax, [abs PT_TEST + 9 * 8]
  and eax, PG_A | PG_D
  CHECK 4, rax, PG_A | PG_D, "written 4 KiB PTE has A and D"
  mov rax, [abs PT_TEST + 10 * 8]
  and eax, PG_A | PG_D
  CHECK 5, rax, PG_A, "read-only-used 4 KiB PTE has A, not D"
  mov rax, [abs PDPT + 8]
  and eax, PG_A | PG_D
  CHECK 6, rax, PG_A, "read-only-used 1 GiB PDPTE has A, not D"
  mov rax, [abs PD + 2 * 8]
  and eax, PG_A
  CHECK 7, rax, PG_A, "PDE pointing to PT_TEST has A"
  mov rax, [abs PDPT]
  and eax, PG_A
  CHECK 8, rax, PG_A, "PDPTE pointing to the PD has A"
  mov rax, [abs PML4]
  and eax, PG_A
  CHECK 9, rax, PG_A, "PML4E has A"

  ; a 2 MiB page: read sets A only, then a write sets D
  mov rbx, 0x600008
  mov rax, [rbx]
  mov rax, [abs PD + 3 * 8]
  and eax, PG_A | PG_D
  CHECK 10, rax, PG_A, "2 MiB PDE after a read: A, not D"
  mov qword [rbx], 1
  mov rax, [abs PD + 3 * 8]
  and eax, PG_A | PG_D
  CHECK 11, rax, PG_A | PG_D, "2 MiB PDE after a write: A and D"
  mov rbx, ALIAS_1G + 0x600008
  mov qword [rbx], 2
  mov rax, [abs PDPT + 8]
  and eax, PG_A | PG_D
  CHECK 12, rax, PG_A | PG_D, "1 GiB PDPTE after a write: A and D"
  CHECK 13, [abs 0x600008], 2, "write through the 1 GiB alias seen through the 2 MiB page"

  ; remap VA 0x409000 to ADATA2; INVLPG makes it take effect
  mov rax, ADATA2 | PG_P | PG_W
  mov [abs PT_TEST + 9 * 8], rax
  mov rbx, ALIAS9
  invlpg [rbx]
  CHECK 14, [rbx], 0xbeef, "after PTE change + INVLPG the alias reads the new page"
  ; and back, with a CR3 reload instead of INVLPG
  mov rax, ADATA | PG_P | PG_W
  mov [abs PT_TEST + 9 * 8], rax
  mov rax, cr3
  mov cr3, rax
  mov rcx, 0x1122334455667788
  CHECK 15, [rbx + 0x10], rcx, "after PTE change + CR3 reload the alias reads the old page"
  KEXIT 0

AT ADATA
  dq 0
AT ADATA2
  dq 0xbeef
GUEST_END
